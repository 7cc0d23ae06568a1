"""The corpus-mode subcommands of ``wiretrace`` (wired into ``wiretrace.cli``).

``index PATH...`` exits 1 when any record failed (each failure is listed on stderr with its locator
and reason) and 0 otherwise; the other commands exit 2 on a missing database or story, like ``compare``
does for a bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..errors import InputError

DEFAULT_DB = "corpus.wt"


def add_corpus_commands(sub: argparse._SubParsersAction, date_type) -> None:
    i = sub.add_parser(
        "index",
        help="index articles (files, folders, JSONL, Parquet, WARC, RSS/Atom) into a corpus",
        description="Add every record under PATH... to the corpus; re-indexing is a no-op.",
    )
    i.add_argument("paths", nargs="+", metavar="PATH")
    i.add_argument("--db", default=DEFAULT_DB, help=f"corpus file (default {DEFAULT_DB})")
    i.add_argument(
        "--workers",
        type=int,
        default=None,
        help="worker processes (default: up to 2; Dask: LocalCluster workers)",
    )
    i.add_argument(
        "--engine",
        choices=("embedded", "dask"),
        default="embedded",
        help="where the work runs: processes on this machine (embedded), or Dask (a LocalCluster on "
        "127.0.0.1, or --scheduler); the index is the same either way",
    )
    i.add_argument("--scheduler", metavar="ADDRESS", help="a running Dask scheduler, e.g. tcp://host:8786")
    i.add_argument("--batch", type=int, default=None, help="new articles per committed batch")
    i.add_argument(
        "--diffs",
        action="store_true",
        help="also run the full claim-level comparison of every verified pair now (by default it runs when "
        "a pair is first shown or searched, or now when the run adds few pairs)",
    )
    i.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    i.add_argument(
        "--profile", type=Path, metavar="FILE", help="write the time each phase took (and its rate) as JSON"
    )

    s = sub.add_parser("stories", help="list the stories of a corpus, biggest first")
    s.add_argument("--db", default=DEFAULT_DB)
    s.add_argument("--since", type=date_type, help="only stories with an article on or after this date")
    s.add_argument("--min-size", type=int, default=2)
    s.add_argument("--format", "-f", choices=("table", "json"), default="table")

    w = sub.add_parser("show", help="one story: members, original, who derived from whom, pair summaries")
    w.add_argument("story", metavar="STORY_ID", help="a story id (or the id of one of its articles)")
    w.add_argument("--db", default=DEFAULT_DB)
    w.add_argument("--format", "-f", choices=("html", "json", "md"), default="md")
    w.add_argument(
        "--pair",
        nargs=2,
        metavar=("FROM", "TO"),
        help="instead, the claim-level diff of two of the story's articles (stored compare result)",
    )
    w.add_argument("-o", "--output", type=Path)

    t = sub.add_parser(
        "sites",
        help="per site: originals, copies and rewrites made (credited or not), unsupported sentences added",
        description="Which sites copy most and add most unsupported claims, over every story of the corpus. "
        "Added sentences are counted over the derived articles already compared claim by claim (the "
        "`compared` column; `wiretrace index --diffs` compares them all).",
    )
    t.add_argument("--db", default=DEFAULT_DB)
    t.add_argument("--min-size", type=int, default=2)
    t.add_argument("--format", "-f", choices=("table", "json", "csv"), default="table")
    t.add_argument("-o", "--output", type=Path, help="write to this file instead of standard output")

    q = sub.add_parser("search", help="find copies, rewrites and sources of one article in the corpus")
    q.add_argument("article", metavar="ARTICLE", help="an article file (.txt/.md/.html/.json) or -")
    q.add_argument("--db", default=DEFAULT_DB)
    q.add_argument("--limit", type=int, default=10)
    q.add_argument("--format", "-f", choices=("table", "json"), default="table")

    e = sub.add_parser(
        "export",
        help="export stories as JSONL, GraphML, JSON-LD or CSV, or the whole index as Parquet",
        description="Parquet writes a folder (-o) with articles.parquet, pairs.parquet and stories.parquet.",
    )
    e.add_argument("--db", default=DEFAULT_DB)
    e.add_argument("--format", "-f", choices=("jsonl", "graphml", "jsonld", "csv", "parquet"), required=True)
    e.add_argument("-o", "--output", type=Path, required=True, help="file (Parquet: a folder)")
    e.add_argument("--min-size", type=int, default=2)


def _open(db: str, must_exist: bool = True, **engine):
    from . import Corpus

    if must_exist and not Path(db).exists():
        raise InputError(db, "no such corpus (create it with `wiretrace index PATH --db FILE`)")
    return Corpus(db, **engine)


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    except OSError as e:
        raise InputError(str(output), f"cannot be written ({e.strerror})") from None
    print(f"wrote {output}", file=sys.stderr)


def run_corpus_command(args: argparse.Namespace) -> int:
    return {
        "index": _index,
        "stories": _stories,
        "sites": _sites,
        "show": _show,
        "search": _search,
        "export": _export,
    }[args.command](args)


def _index(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        SpinnerColumn,
        TextColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class Rate(ProgressColumn):
        """Items a second over the last few updates (articles, pairs)."""

        def render(self, task) -> Text:
            return Text(f"{task.speed:,.0f}/s" if task.speed else "")

    from .corpus import BATCH

    console = Console(stderr=True)
    if args.scheduler and args.engine != "dask":
        raise InputError("--scheduler", "needs --engine dask")
    corpus = _open(args.db, must_exist=False, engine=args.engine, scheduler=args.scheduler)
    if args.workers is not None:
        corpus.workers = args.workers
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        Rate(),
        TimeRemainingColumn(),
        console=console,
        disable=args.quiet or not console.is_terminal,
        transient=True,
    ) as bar:
        ingest = bar.add_task("indexing articles", total=None)
        tasks: dict[str, object] = {}
        names = {"verify": "verifying candidate pairs", "diff": "comparing verified pairs"}

        def progress(stage: str, done: int, total: int | None) -> None:
            if stage == "ingest":
                bar.update(ingest, completed=done)
                return
            if stage not in tasks:
                tasks[stage] = bar.add_task(names.get(stage, stage), total=total)
            bar.update(tasks[stage], completed=done, total=total)

        report = corpus.add(
            args.paths, progress=progress, batch=args.batch or BATCH, diffs=True if args.diffs else None
        )
    corpus.close()
    if args.profile:
        args.profile.write_text(json.dumps(report.profile(), indent=2) + "\n", encoding="utf-8")
    for locator, reason in report.failed:
        print(f"wiretrace: failed: {locator}: {reason}", file=sys.stderr)
    print(report.summary(), file=sys.stderr)
    return 1 if report.failed else 0


def _stories(args: argparse.Namespace) -> int:
    corpus = _open(args.db)
    stories = corpus.stories(since=args.since, min_size=args.min_size)
    if args.format == "json":
        keep = ("id", "size", "label", "time_span", "original", "articles", "edges")
        out = json.dumps([{k: s.get(k) for k in keep} for s in stories], ensure_ascii=False, indent=2)
    else:
        rows = ["story          size  dates                    original          label"]
        for s in stories:
            first = next((a for a in s["articles"] if a["id"] in s["original"]), s["articles"][0])
            original = s["original"][0] if s["original"] else "(independent)"
            title = (s.get("label") or {}).get("title") or first.get("title") or ""
            span = s.get("time_span") or {}
            dates = (
                f"{span.get('first') or '?'}..{span.get('last') or '?'}" if span.get("first") else "unknown"
            )
            rows.append(f"{s['id']:<14} {s['size']:>4}  {dates:<23}  {original[:16]:<16}  {title[:60]}")
        rows.append(f"{len(stories)} stories")
        out = "\n".join(rows)
    _write(out, None)
    return 0


def _sites(args: argparse.Namespace) -> int:
    from .export import sites_to_csv
    from .render import site_table

    rows = _open(args.db).sites(min_size=args.min_size)
    if args.format == "json":
        out = json.dumps(rows, ensure_ascii=False, indent=2)
    elif args.format == "csv":
        out = sites_to_csv(rows)
    else:
        out = "\n".join([*site_table(rows), f"{len(rows)} sites"])
    _write(out, args.output)
    return 0


def _show(args: argparse.Namespace) -> int:
    from . import render

    corpus = _open(args.db)
    story = corpus.story(args.story)
    if story is None:
        raise InputError(args.story, f"no such story or article in {args.db}")
    if args.pair:
        d = corpus.pair(*args.pair)
        if d is None:
            raise InputError(" ".join(args.pair), "these two articles were not found related")
        out = _render_pair(d, args.format)
    else:
        compares = {(e["from"], e["to"]): corpus.pair(e["from"], e["to"]) for e in story["edges"]}
        story = corpus.story(story["id"])  # again: its edges now carry the comparisons just made
        view = render.story_view(story, compares)
        if args.format == "json":
            out = json.dumps(view, ensure_ascii=False, indent=2)
        elif args.format == "html":
            out = render.to_html(view)
        else:
            out = render.to_markdown(view)
    _write(out, args.output)
    return 0


class _Stored:
    """A stored compare result, shaped like ``Comparison`` for the report renderers (they read only
    ``to_dict()``)."""

    def __init__(self, d: dict) -> None:
        self._d = d

    def to_dict(self) -> dict:
        return self._d


def _render_pair(d: dict, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(d, ensure_ascii=False, indent=2)
    if fmt == "html":
        from ..report.html import render_html

        return render_html(_Stored(d))
    from ..report.markdown import render_markdown

    return render_markdown(_Stored(d))


def _search(args: argparse.Namespace) -> int:
    from ..ingest import read_article

    corpus = _open(args.db)
    article = read_article(args.article)
    hits = corpus.search(article, limit=args.limit)
    if args.format == "json":
        keep = ("id", "path", "relation", "b_from_a", "flags")
        out = json.dumps(
            [{k: h[k] for k in keep} | {"role": h["role"]} for h in hits], ensure_ascii=False, indent=2
        )
    else:
        rows = [f"{'id':<20} {'relation':<10} {'derived':>7}  flags"]
        for h in hits:
            flags = ", ".join(f"{k} x{n}" for k, n in sorted(h["flags"].items()))
            share = f"{h['b_from_a']:.0%}" if h["b_from_a"] is not None else "-"
            rows.append(f"{h['id'][:20]:<20} {h['relation']:<10} {share:>7}  {flags}")
        rows.append(f"{len(hits)} related articles")
        out = "\n".join(rows)
    _write(out, None)
    return 0


def _export(args: argparse.Namespace) -> int:
    from .export import export

    corpus = _open(args.db)
    if args.format == "parquet":
        from .parquet import export_parquet

        for path in export_parquet(corpus, args.output, min_size=args.min_size):
            print(f"wrote {path}", file=sys.stderr)
        return 0
    _write(export(corpus.stories(min_size=args.min_size), args.format), args.output)
    return 0
