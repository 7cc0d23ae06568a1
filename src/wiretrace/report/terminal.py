"""Coloured terminal summary: the verdict first, then the sentence table a fact-checker reads."""

from __future__ import annotations

from io import StringIO
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..compare import Comparison

LABEL_STYLE = {
    "verbatim": "green",
    "paraphrase": "cyan",
    "altered": "bold yellow",
    "added": "bold red",
    "boilerplate": "dim strike",
    "headline": "bold",
    "kept": "green",
    "omitted": "magenta",
}


def verdict_line(d: dict) -> str:
    rel = d["relation"]["type"]
    orig = d["direction"]["original"]
    if rel in ("copy", "rewrite"):
        who = {"a": "b is a {rel} of a", "b": "a is a {rel} of b"}.get(
            orig, "one text is a {rel} of the other"
        )
        return who.format(rel=rel.upper())
    if rel == "same_event":
        return "a and b report the SAME EVENT independently"
    return "a and b are UNRELATED"


def render_summary(c: Comparison, color: bool | None = None, width: int = 120) -> str:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    d = c.to_dict()
    buf = StringIO()
    console = Console(
        file=buf,
        force_terminal=bool(color),
        no_color=color is False,
        width=width,
        highlight=False,
        emoji=False,
        markup=False,
    )
    st = d["stats"]
    console.print(Text(verdict_line(d), style="bold"))
    console.print(
        f"relation {d['relation']['type']} (score {d['relation']['score']:.2f}); "
        f"{st['b_from_a']:.0%} of b comes from a; {st['a_kept']:.0%} of a is used by b"
    )
    dr = d["direction"]
    console.print(f"original: {dr['original']} (confidence {dr['confidence']:.2f})")
    for e in dr["evidence"]:
        console.print(f"  - {e}")
    for f in d["findings"]:
        console.print(Text(f"! {f['type']}: {f['detail']}", style="bold red"))
    for side in ("a", "b"):
        s = d[side]
        console.print(
            f"{side}: {s['title'] or s['path'] or s['id']} | credits: {', '.join(s['credits']) or 'none'}"
            + (
                f" | republished from: {', '.join(s['republished_from'])}"
                if s.get("republished_from")
                else ""
            )
            + f" | language: {s['language']}"
        )
    labels = ", ".join(f"{k} {v}" for k, v in sorted(st["labels"].items()))
    console.print(f"b sentences: {labels}")
    if st.get("flags"):
        console.print("flags: " + ", ".join(f"{k} {v}" for k, v in sorted(st["flags"].items())))
    table = Table(show_lines=False, expand=True, title="b, sentence by sentence")
    table.add_column("#", justify="right", width=3)
    table.add_column("label", width=11)
    table.add_column("a#", width=6)
    table.add_column("sentence and flags", ratio=1)
    for s in d["b"]["sentences"]:
        # a hard-wrapped sentence keeps its line breaks in the text (offsets stay exact), not on screen
        body = Text(" ".join(s["text"].split()), style="dim" if s["label"] == "boilerplate" else "")
        if s.get("reason"):
            body.append(f"  [{s['reason']}]", style="dim")
        for f in s.get("flags", []):
            body.append(f"\n  {f['type']}: {f['detail']}", style="yellow")
        for n in s.get("notes", []):
            body.append(f"\n  note {n['type']}: {n['detail']}", style="dim")
        table.add_row(
            str(s["i"]),
            Text(s["label"], style=LABEL_STYLE.get(s["label"], "")),
            ",".join(map(str, s["matches"])),
            body,
        )
    console.print(table)
    omitted = [s for s in d["a"]["sentences"] if s["label"] == "omitted"]
    if omitted:
        console.print(Text(f"omitted from a ({len(omitted)}):", style="magenta"))
        for s in omitted:
            console.print(f"  a{s['i']}: {' '.join(s['text'].split())}")
    return buf.getvalue()
