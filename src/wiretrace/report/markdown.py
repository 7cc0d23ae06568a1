"""Markdown report: the same evidence as the terminal view, for tickets, wikis and e-mail."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .terminal import verdict_line

if TYPE_CHECKING:
    from ..compare import Comparison


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(c: Comparison) -> str:
    d = c.to_dict()
    st = d["stats"]
    out = [f"# wiretrace: {verdict_line(d)}", ""]
    out.append(f"- relation: **{d['relation']['type']}** (score {d['relation']['score']:.2f})")
    out.append(
        f"- original: **{d['direction']['original']}** (confidence {d['direction']['confidence']:.2f})"
    )
    out += [f"  - {_cell(e)}" for e in d["direction"]["evidence"]]
    out.append(f"- {st['b_from_a']:.0%} of b comes from a; {st['a_kept']:.0%} of a is used by b")
    for f in d["findings"]:
        out.append(f"- **{f['type']}**: {_cell(f['detail'])}")
    for side in ("a", "b"):
        s = d[side]
        name = _cell(s["title"] or s["path"] or s["id"])
        notice = (
            f"; republished from: {', '.join(s['republished_from'])}" if s.get("republished_from") else ""
        )
        out.append(f"- {side}: {name}; credits: {', '.join(s['credits']) or 'none'}{notice}")
    out += [
        "",
        "## b, sentence by sentence",
        "",
        "| # | label | from a | sentence | flags |",
        "|---|---|---|---|---|",
    ]
    for s in d["b"]["sentences"]:
        flags = "<br>".join(f"`{f['type']}` {_cell(f['detail'])}" for f in s.get("flags", []))
        text = _cell(s["text"]) + (f" *[{s['reason']}]*" if s.get("reason") else "")
        out.append(f"| {s['i']} | {s['label']} | {','.join(map(str, s['matches']))} | {text} | {flags} |")
    omitted = [s for s in d["a"]["sentences"] if s["label"] == "omitted"]
    if omitted:
        out += ["", "## omitted from a", ""]
        out += [f"- a{s['i']}: {_cell(s['text'])}" for s in omitted]
    return "\n".join(out) + "\n"
