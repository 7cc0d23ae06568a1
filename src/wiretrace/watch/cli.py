"""``wiretrace watch`` (follow feeds and a drop folder, raise alerts) and ``wiretrace alerts`` (list them)."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from pathlib import Path

from ..errors import InputError
from ..ingest.fetch import DEFAULT_DELAY, TIMEOUT, FetchError, check_url
from .alerts import DEFAULT_KINDS, KINDS, FileSink, Sink, WebhookSink, add_track, webhook_secret
from .watcher import INTERVAL, MAX_PAGES, WatchConfig, Watcher


def add_watch_commands(sub: argparse._SubParsersAction, date_type) -> None:
    w = sub.add_parser(
        "watch",
        help="follow RSS/Atom feeds (and a drop folder), index what is new, alert on reuse of "
        "tracked stories",
        description="Poll each feed (conditional GET, robots.txt obeyed for every page, at least --delay "
        "seconds between requests to one host), fetch and index new items into the corpus, and raise an "
        "alert when a new article derives from a tracked source, article or story (or one of them from it). "
        "Alerts are kept in the corpus (`wiretrace alerts`, the web UI), and written to --alerts and "
        "--webhook. State lives in the corpus file: stop it any time and start it again.",
    )
    w.add_argument("feeds", nargs="?", help="file of feed URLs, one a line (# comments)")
    w.add_argument("--db", default="corpus.wt", help="corpus file (default corpus.wt)")
    w.add_argument(
        "--dir", type=Path, help="also index files dropped into this folder (txt, html, json, warc)"
    )
    w.add_argument("--once", action="store_true", help="one round, then exit (for cron or a systemd timer)")
    w.add_argument("--rounds", type=int, help="stop after this many rounds")
    w.add_argument(
        "--interval", type=float, default=INTERVAL / 60, help="minutes between polls of one feed (default 15)"
    )
    w.add_argument(
        "--delay", type=float, default=DEFAULT_DELAY, help="seconds between requests to one host (at least 1)"
    )
    w.add_argument(
        "--timeout", type=float, default=TIMEOUT, help=f"seconds per request (default {TIMEOUT:g})"
    )
    w.add_argument(
        "--max-pages", type=int, default=MAX_PAGES, help=f"pages fetched per round (default {MAX_PAGES})"
    )
    w.add_argument(
        "--track-source",
        action="append",
        default=[],
        metavar="SITE_OR_NAME",
        help='a site (apnews.com) or credit name ("Associated Press") whose stories to follow',
    )
    w.add_argument("--track", action="append", default=[], metavar="ARTICLE_ID", help="an article to follow")
    w.add_argument("--track-story", action="append", default=[], metavar="STORY_ID", help="a story to follow")
    w.add_argument(
        "--untrack",
        action="append",
        default=[],
        metavar="VALUE",
        help="stop following a source, article or story",
    )
    w.add_argument("--alerts", type=Path, help="also append every alert to this JSONL file")
    w.add_argument("--webhook", help="also POST every alert as JSON to this URL")
    w.add_argument(
        "--webhook-secret-env",
        metavar="NAME",
        help="environment variable holding the secret for the webhook's HMAC-SHA256 signature",
    )
    w.add_argument(
        "--kinds",
        default=",".join(k for k in KINDS if k in DEFAULT_KINDS),
        help=f"alert kinds to raise, comma-separated, of: {', '.join(KINDS)} (credited_syndication "
        "is off by default)",
    )
    w.add_argument("--workers", type=int, default=None, help="indexing processes (default: up to 2)")
    w.add_argument("--base-url", help="where `wiretrace serve` runs, to put full links in alerts")
    a = sub.add_parser(
        "alerts", help="list the alerts `wiretrace watch` raised", description="Alerts, newest first."
    )
    a.add_argument("--db", default="corpus.wt", help="corpus file (default corpus.wt)")
    a.add_argument("--since", type=date_type, help="only alerts raised on or after this date")
    a.add_argument("--kind", choices=KINDS, help="only this kind")
    a.add_argument("--tracked", help="only alerts about this tracked source, article or story")
    a.add_argument("--limit", type=int, default=100, help="at most this many (default 100)")
    a.add_argument("--format", "-f", choices=("table", "json"), default="table")


def _corpus(db: str, must_exist: bool, workers: int | None = 1):
    from ..corpus import Corpus

    if must_exist and not Path(db).is_file():
        raise InputError(db, "no such corpus file (run `wiretrace index` or `wiretrace watch` first)")
    return Corpus(db, workers=workers)


def _tracks(corpus, state, args: argparse.Namespace) -> None:
    for value in args.untrack:
        if not any(state.remove_track(k, value) for k in ("source", "article", "story")):
            print(f"wiretrace: {value!r} was not tracked", file=sys.stderr)
    for kind, values in (("source", args.track_source), ("article", args.track), ("story", args.track_story)):
        for value in values:
            add_track(corpus, kind, value)


def run_watch(args: argparse.Namespace) -> int:
    from ..corpus import Corpus  # noqa: F401  (imported here: the CLI starts fast)
    from .feeds import read_feed_list
    from .state import WatchState

    feeds = read_feed_list(args.feeds) if args.feeds else []
    if args.dir is not None and not args.dir.is_dir():
        raise InputError(str(args.dir), "no such folder")
    if (
        not feeds
        and args.dir is None
        and not (args.track_source or args.track or args.track_story or args.untrack)
    ):
        raise InputError("watch", "nothing to watch: give a feed list, --dir, or tracks to add")
    if args.delay < 1 or args.timeout <= 0 or args.interval <= 0 or args.max_pages < 1:
        raise InputError(
            "watch", "--delay must be at least 1 second; --timeout, --interval, --max-pages above 0"
        )
    kinds = frozenset(k.strip() for k in args.kinds.split(",") if k.strip())
    if not kinds <= set(KINDS):
        raise InputError("--kinds", f"unknown kind(s): {', '.join(sorted(kinds - set(KINDS)))}")
    sinks: list[Sink] = []
    if args.alerts:
        sinks.append(FileSink(args.alerts))
    if args.webhook:
        try:
            check_url(args.webhook)
        except FetchError as e:
            raise InputError(args.webhook, e.reason) from None
        secret = webhook_secret(args.webhook_secret_env)
        if secret is None:
            print(
                "wiretrace: warning: the webhook's alerts are not signed (no --webhook-secret-env)",
                file=sys.stderr,
            )
        sinks.append(WebhookSink(args.webhook, secret))
    elif args.webhook_secret_env:
        raise InputError("--webhook-secret-env", "needs --webhook")
    corpus = _corpus(args.db, must_exist=False, workers=args.workers)
    try:
        corpus._check_schema()
        _tracks(corpus, WatchState(corpus.store), args)
        if not feeds and args.dir is None:
            return 0  # only tracks were changed
        config = WatchConfig(
            feeds=feeds,
            folder=args.dir,
            interval=args.interval * 60,
            max_pages=args.max_pages,
            delay=args.delay,
            timeout=args.timeout,
            kinds=kinds,
            base_url=args.base_url,
            every_round=args.once,
        )
        log = lambda line: print(f"wiretrace watch: {line}", file=sys.stderr, flush=True)  # noqa: E731
        watcher = Watcher(corpus, config, sinks, log=log)
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        tracked = ", ".join(f"{t.kind} {t.value}" for t in watcher.state.tracks()) or "nothing (no alerts)"
        log(f"{len(feeds)} feeds{f', folder {args.dir}' if args.dir else ''}; tracking {tracked}")
        watcher.run(stop, 1 if args.once else args.rounds)
        left = watcher.state.pending_deliveries()
        if left:
            log(
                "alerts still queued (sent on a later round): "
                + ", ".join(f"{k} {v}" for k, v in left.items())
            )
        return 0
    finally:
        corpus.close()


def run_alerts(args: argparse.Namespace) -> int:
    from .state import WatchState

    corpus = _corpus(args.db, must_exist=True)
    try:
        state = WatchState(corpus.store)
        since = args.since.isoformat() if args.since else None
        total, alerts = state.alerts(
            since=since, kind=args.kind, tracked=args.tracked, limit=max(1, args.limit)
        )
    finally:
        corpus.close()
    if args.format == "json":
        print(json.dumps({"total": total, "alerts": alerts}, ensure_ascii=False, indent=2))
        return 0
    if not alerts:
        print("no alerts")
        return 0
    for a in alerts:
        d = a.get("derived") or {}
        s = a.get("source") or {}
        print(f"{a['created']}  {a['kind']:<26} tracked {a['tracked']['kind']} {a['tracked']['value']}")
        if s:
            print(f"    source  {s.get('source') or ''}  {s.get('title') or s['id']}")
        print(f"    derived {d.get('source') or ''}  {d.get('title') or d.get('id')}")
        if a.get("relation"):
            credit = "credits it" if a.get("credited") else "no credit"
            print(
                f"    {a['relation']}, {credit}, {a.get('added') or 0} added sentences"
                f"  {a.get('url') or a['link']}"
            )
    if total > len(alerts):
        print(f"({len(alerts)} of {total} shown; --limit for more)")
    return 0
