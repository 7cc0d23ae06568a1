"""``wiretrace show STORY``: one story as JSON, Markdown or a self-contained HTML page; and the per-site
table of ``wiretrace sites``.

The page lists the members (original first), the derivation edges with their evidence, per pair a
summary from the stored compare JSON (relation, share derived, flags, findings, the flagged sentences),
and the story's per-site summary. Article text is untrusted: the Jinja2 environment autoescapes
everything.
"""

from __future__ import annotations

from jinja2 import Environment, StrictUndefined

from ..report.html import SEVERE_FLAGS
from .stories import SITE_FIELDS, site_summary

SEVERE = tuple(sorted(SEVERE_FLAGS))  # one definition of "changes the claim", shared with report

# The per-site fields shown (``credited`` is left to JSON and CSV to keep the table narrow), with headers.
SITE_HEADERS = {"added_sentences": "added", "copied_by_others": "copied by others"}
SITE_COLUMNS = tuple((k, SITE_HEADERS.get(k, k)) for k in SITE_FIELDS if k != "credited")


def site_table(rows: list[dict]) -> list[str]:
    """The per-site summary as aligned text rows (site names cut at 30 characters)."""
    widths = [30] + [max(len(head), 5) for _, head in SITE_COLUMNS[1:]]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c[:w].ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    return [line([h for _, h in SITE_COLUMNS]), *(line([str(r[k]) for k, _ in SITE_COLUMNS]) for r in rows)]


def pair_summary(edge: dict, compare: dict | None) -> dict:
    """What a reader needs about one edge, taken from its stored ``wiretrace.compare/1`` JSON."""
    out = {
        "from": edge["from"],
        "to": edge["to"],
        "relation": edge["relation"],
        "b_from_a": edge.get("b_from_a"),
        "credited": edge.get("credited"),
        "date_basis": edge.get("date_basis"),
        "uncertain": edge.get("uncertain"),
        "flags": edge.get("flags") or {},
        "evidence": [],
        "findings": [],
        "labels": {},
        "flagged": [],
        "added": [],
        "command": f"wiretrace show {edge['from']} --pair {edge['from']} {edge['to']} --format html",
    }
    if compare:
        out["evidence"] = list(compare.get("direction", {}).get("evidence", []))
        out["findings"] = compare.get("findings", [])
        out["labels"] = compare.get("stats", {}).get("labels", {})
        for s in compare.get("b", {}).get("sentences", []):
            if s.get("flags"):
                out["flagged"].append(
                    {
                        "text": s["text"],
                        "label": s["label"],
                        "flags": [f"{f['type']}: {f.get('detail', '')}" for f in s["flags"]],
                    }
                )
            elif s.get("label") == "added":
                out["added"].append(s["text"])
    return out


def story_view(story: dict, compares: dict[tuple[str, str], dict | None]) -> dict:
    pairs = [pair_summary(e, compares.get((e["from"], e["to"]))) for e in story["edges"]]
    return {**story, "pairs": pairs, "sites": site_summary([story])}


def to_markdown(view: dict) -> str:
    lines = [f"# Story {view['id']} ({view['size']} articles)", ""]
    lines.append(
        "Original: " + (", ".join(f"`{o}`" for o in view["original"]) or "none (independent reports)")
    )
    lines += ["", "| article | source | published | role | title |", "|---|---|---|---|---|"]
    for a in view["articles"]:
        title = (a.get("title") or "").replace("|", "\\|")
        lines.append(
            f"| `{a['id']}` | {a.get('source') or ''} | {a.get('published') or ''} | {a['role']} | {title} |"
        )
    lines += ["", "## Edges (source -> derived)", ""]
    for p in view["pairs"]:
        credit = {True: "credited", False: "uncredited", None: "no credit to check"}[p["credited"]]
        share = f", {p['b_from_a']:.0%} derived" if isinstance(p["b_from_a"], int | float) else ""
        lines.append(
            f"- `{p['from']}` -> `{p['to']}`: **{p['relation']}**{share}, {credit}, "
            f"date evidence: {p['date_basis'] or 'n/a'}{' (uncertain)' if p['uncertain'] else ''}"
        )
        for f, n in sorted(p["flags"].items()):
            lines.append(f"  - {f.replace('_', ' ')}: {n}")
        for finding in p["findings"]:
            lines.append(f"  - {finding['type'].replace('_', ' ')}: {finding['detail']}")
    lines += ["", "## Per site", "", "| " + " | ".join(h for _, h in SITE_COLUMNS) + " |"]
    lines.append("|---" + "|---:" * (len(SITE_COLUMNS) - 1) + "|")
    for r in view["sites"]:
        lines.append("| " + " | ".join(str(r[k]).replace("|", "\\|") for k, _ in SITE_COLUMNS) + " |")
    return "\n".join(lines) + "\n"


_TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>wiretrace story {{ v.id }}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
.role-original{font-weight:600;color:#064}.copy,.rewrite{color:#a40}.muted{color:#777}
.pair{border:1px solid #ccc;border-radius:6px;padding:.6rem 1rem;margin:1rem 0}.severe{color:#b00}
code{background:#f4f4f4;padding:0 .2rem}
</style></head><body>
<h1>Story <code>{{ v.id }}</code></h1>
<p>{{ v.size }} articles.
{% if v.original %}Original:
{% for o in v.original %}<code>{{ o }}</code>{% if not loop.last %}, {% endif %}{% endfor %}
{% else %}No derivation: independent reports of one event.{% endif %}</p>
<h2>Articles</h2>
<table><tr><th>id</th><th>source</th><th>published</th><th>role</th><th>title</th></tr>
{% for a in v.articles %}
<tr><td><code>{{ a.id }}</code><br><span class="muted">{{ a.path or "" }}</span></td>
<td>{{ a.source or "" }}</td><td>{{ a.published or "" }}
{% if not a.published %}<span class="muted">
{{ "first seen " ~ a.first_seen[:10] if a.first_seen else "unknown" }}</span>{% endif %}</td>
<td class="role-{{ a.role }}">{{ a.role }}</td><td>{{ a.title or "" }}</td></tr>
{% endfor %}</table>
<h2>Who derived from whom</h2>
{% for p in v.pairs %}
<div class="pair"><b><code>{{ p.from }}</code> &rarr; <code>{{ p.to }}</code></b>:
<span class="{{ p.relation }}">{{ p.relation }}</span>
{% if p.b_from_a is not none %}, {{ (p.b_from_a * 100) | round | int }}% of the derived text from the source
{% endif %}
{% if p.credited is true %}, credited syndication
{% elif p.credited is false %}, <b>uncredited reuse</b>{% endif %}
{% if p.date_basis %}<br><span class="muted">direction from: {{ p.date_basis }}
{% if p.uncertain %} (uncertain){% endif %}</span>{% endif %}
{% if p.evidence %}<ul>{% for e in p.evidence %}<li>{{ e }}</li>{% endfor %}</ul>{% endif %}
{% for f in p.findings %}<p>{{ f.type | replace("_", " ") }}: {{ f.detail }}</p>{% endfor %}
{% if p.flags %}<p>Flags:
{% for k, n in p.flags | dictsort %}<span class="{{ 'severe' if k in severe else '' }}">
{{ k | replace("_", " ") }} &times;{{ n }}</span>{% if not loop.last %}, {% endif %}{% endfor %}</p>
{% endif %}
{% if p.flagged or p.added %}<details><summary>changed and added sentences</summary><ul>
{% for s in p.flagged %}
<li>{{ s.text }}<br><span class="muted">{{ s.flags | join("; ") }}</span></li>
{% endfor %}
{% for s in p.added %}<li>{{ s }} <span class="muted">(added: not in the source)</span></li>{% endfor %}
</ul></details>{% endif %}
<p class="muted">Full claim-level diff: <code>{{ p.command }}</code></p></div>
{% endfor %}
<h2>Per site</h2>
<table><tr>{% for _, head in columns %}<th>{{ head }}</th>{% endfor %}</tr>
{% for r in v.sites %}<tr>{% for key, _ in columns %}<td>{{ r[key] }}</td>{% endfor %}</tr>
{% endfor %}</table>
<p class="muted">Added: sentences of the site's derived articles that the source does not support, over the
compared ones.</p></body></html>
"""


def to_html(view: dict) -> str:
    env = Environment(autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return env.from_string(_TEMPLATE).render(v=view, severe=SEVERE, columns=SITE_COLUMNS)
