"""Command line: ``wiretrace compare A B [--format text|json|html|md] [-o FILE]``, corpus mode
(``index``, ``stories``, ``show``, ``search``, ``export``; see ``wiretrace.corpus.cli``), the web UI
(``serve``; see ``wiretrace.web``), ``fetch URL...`` and ``watch`` (``wiretrace.watch``), the commands
that use the network.

Errors in the input are reported as one line naming the file and the reason, with exit code 2; never
as a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__
from .errors import InputError

FORMATS = ("text", "json", "html", "md")


def _date(value: str):
    from .ingest import parse_date

    d = parse_date(value)
    if d is None:
        raise argparse.ArgumentTypeError(f"not a date: {value!r} (use YYYY-MM-DD)")
    return d


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="wiretrace",
        description="Find copies and rewrites of news stories and "
        "show, claim by claim, what each rewrite kept, changed, dropped or invented.",
    )
    p.add_argument("--version", action="version", version=f"wiretrace {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    c = sub.add_parser(
        "compare",
        help="compare a derived article (B) against its source (A)",
        description="Compare B (derived) against A (source): labels per sentence, flags, relation, "
        "and which side looks original. A or B may be '-' for standard input.",
    )
    c.add_argument("a", help="source article: .txt/.md, .html, .json (news-please or passim), or -")
    c.add_argument("b", help="derived article, same formats")
    c.add_argument("--format", "-f", choices=FORMATS, default="text")
    c.add_argument("-o", "--output", type=Path, help="write the report here instead of standard output")
    c.add_argument("--a-published", type=_date, help="publication date of A when the file has none")
    c.add_argument("--b-published", type=_date, help="publication date of B when the file has none")
    c.add_argument("--a-source", help="outlet or site name of A")
    c.add_argument("--b-source", help="outlet or site name of B")
    c.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    from .corpus.cli import add_corpus_commands

    add_corpus_commands(sub, _date)
    w = sub.add_parser(
        "serve",
        help="web UI and JSON API: browse stories, lineage and diffs; compare two texts",
        description="Serve a corpus (or, without --db, the bundled demo corpus) over HTTP. Listens on "
        "127.0.0.1 only unless --host says otherwise; read-only unless --allow-writes.",
    )
    w.add_argument("--db", help="corpus file (default: the bundled demo corpus)")
    w.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    w.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 picks a free one)")
    w.add_argument(
        "--allow-writes", action="store_true", help="enable POST /api/articles (adds to the corpus)"
    )
    w.add_argument(
        "--workers", type=int, default=None, help="compare processes (default: up to 2; 0: threads)"
    )
    w.add_argument(
        "--max-body", type=int, default=None, metavar="BYTES", help="request body cap (default 4 MiB)"
    )
    w.add_argument("--access-log", action="store_true", help="log every request")
    w.add_argument("--rebuild-demo", action="store_true", help="re-index the demo corpus first")
    _add_fetch(sub)
    from .watch.cli import add_watch_commands

    add_watch_commands(sub, _date)
    return p


def _add_fetch(sub: argparse._SubParsersAction) -> None:
    from .ingest.fetch import DEFAULT_DELAY, TIMEOUT

    f = sub.add_parser(
        "fetch",
        help="download news pages (obeying robots.txt) to compare or index them",
        description="Download each URL, if its site's robots.txt allows it, and save the page as served: "
        "an .html file for `wiretrace compare`, and with --warc one WARC file (URL and capture time "
        "kept) for `wiretrace index`. The only wiretrace command that uses the network.",
    )
    f.add_argument("urls", nargs="*", metavar="URL")
    f.add_argument("--from", dest="url_file", help="read URLs from this file, one per line (- for stdin)")
    f.add_argument("-o", "--out", type=Path, default=Path("pages"), help="folder for the pages")
    f.add_argument("--warc", type=Path, help="also append every page to this WARC file (.warc.gz)")
    f.add_argument(
        "--delay",
        type=float,
        default=DEFAULT_DELAY,
        help=f"seconds between requests to one site (default {DEFAULT_DELAY:g}; a longer robots.txt "
        "Crawl-delay wins)",
    )
    f.add_argument("--timeout", type=float, default=TIMEOUT, help=f"seconds (default {TIMEOUT:g})")


def _serve(args: argparse.Namespace) -> int:
    from .web import serve
    from .web.app import DEFAULT_MAX_BODY

    if not 0 <= args.port <= 65535:
        raise InputError(str(args.port), "not a port number (0-65535)")
    return serve(
        db=args.db,
        host=args.host,
        port=args.port,
        allow_writes=args.allow_writes,
        workers=args.workers,
        max_body=args.max_body or DEFAULT_MAX_BODY,
        access_log=args.access_log,
        rebuild_demo=args.rebuild_demo,
    )


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "serve":
            return _serve(args)
        if args.command == "fetch":
            return _fetch(args)
        if args.command in ("watch", "alerts"):
            from .watch.cli import run_alerts, run_watch

            return run_watch(args) if args.command == "watch" else run_alerts(args)
        if args.command != "compare":
            from .corpus.cli import run_corpus_command

            return run_corpus_command(args)
        return _compare(args)
    except InputError as e:
        print(f"wiretrace: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _fetch(args: argparse.Namespace) -> int:
    """Fetch every URL; a URL that fails is reported and the rest go on (exit 1 when any failed)."""
    from .ingest.fetch import Fetcher, FetchError, save_html, write_warc

    urls = list(args.urls)
    if args.url_file:
        try:
            lines = sys.stdin.read() if args.url_file == "-" else Path(args.url_file).read_text("utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise InputError(args.url_file, f"cannot be read ({getattr(e, 'strerror', None) or e})") from None
        urls += [x.strip() for x in lines.splitlines() if x.strip() and not x.lstrip().startswith("#")]
    urls = list(dict.fromkeys(urls))
    if not urls:
        raise InputError("fetch", "no URL given (name them, or use --from FILE)")
    if args.delay < 0 or args.timeout <= 0:
        raise InputError("fetch", "--delay must be 0 or more and --timeout more than 0")
    fetcher = Fetcher(delay=args.delay, timeout=args.timeout)
    failed = 0
    warc = None
    try:
        for url in urls:
            try:
                page = fetcher.fetch(url)
            except FetchError as e:
                failed += 1
                print(f"wiretrace: {e}", file=sys.stderr)
                continue
            try:
                path = save_html(page, args.out)
                if args.warc:
                    if warc is None:
                        args.warc.parent.mkdir(parents=True, exist_ok=True)
                        warc = args.warc.open("ab")  # appended: earlier captures stay
                    write_warc(page, warc)
                    warc.flush()
            except OSError as e:
                raise InputError(str(e.filename or args.out), f"cannot be written ({e.strerror})") from None
            print(f"{url} -> {path}")
    finally:
        if warc is not None:
            warc.close()
    print(f"fetched {len(urls) - failed} of {len(urls)} pages, {failed} failed", file=sys.stderr)
    return 1 if failed else 0


def _compare(args: argparse.Namespace) -> int:
    from .compare import compare_documents
    from .ingest import read_article
    from .prepare import prepare

    if args.a == "-" and args.b == "-":
        raise InputError("-", "only one of A and B can be read from standard input")
    a = read_article(args.a, published=args.a_published, source=args.a_source)
    b = read_article(args.b, published=args.b_published, source=args.b_source)
    result = compare_documents(prepare(a), prepare(b))
    if args.format == "json":
        out = result.to_json()
    elif args.format == "html":
        out = result.to_html()
    elif args.format == "md":
        out = result.to_markdown()
    else:
        color = {"always": True, "never": False}.get(args.color, sys.stdout.isatty() and args.output is None)
        from .report.terminal import render_summary

        out = render_summary(result, color=color)
    if args.output:
        try:
            args.output.parent.mkdir(parents=True, exist_ok=True)
            args.output.write_text(out if out.endswith("\n") else out + "\n", encoding="utf-8")
        except OSError as e:
            raise InputError(str(args.output), f"cannot be written ({e.strerror})") from None
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(out if out.endswith("\n") else out + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
