"""Servers the watch tests (and bench/watch_bench.py) start on 127.0.0.1: a news site with robots.txt,
an RSS feed that gains items between rounds and answers 304 to a conditional request, and a webhook
receiver that fails a set number of times before it accepts. Each keeps a log of what it was asked."""

from __future__ import annotations

import hashlib
import html
import json
import threading
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


def page_html(text: str, title: str | None = None) -> bytes:
    """A plain news page: the title (if any) as <title> and <h1>, each non-blank line a paragraph."""
    paras = "".join(f"<p>{html.escape(line)}</p>\n" for line in text.splitlines() if line.strip())
    head = f"<title>{html.escape(title)}</title>" if title else ""
    h1 = f"<h1>{html.escape(title)}</h1>" if title else ""
    return (
        f"<!doctype html><html><head><meta charset='utf-8'>{head}</head><body><article>{h1}\n{paras}"
        "</article></body></html>".encode()
    )


class Site:
    """One news site: ``pages`` (path -> HTML bytes), ``items`` (the feed: (url, title), newest last),
    ``robots`` (robots.txt text), ``hold`` (path -> Event the handler waits on before answering)."""

    def __init__(self, robots: str = "User-agent: *\nDisallow: /private/\n") -> None:
        self.pages: dict[str, bytes] = {}
        self.items: list[tuple[str, str]] = []  # (url, title)
        self.robots = robots
        self.hold: dict[str, threading.Event] = {}
        self.asked = threading.Event()  # set when a held path is asked for
        self.log: list[tuple[str, dict]] = []  # (path, request headers) of every GET
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Site:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        for event in self.hold.values():
            event.set()
        self.server.shutdown()
        self.server.server_close()

    def add(
        self, path: str, text: str, title: str | None = None, host: str = "127.0.0.1", in_feed: bool = True
    ) -> str:
        """Serve a page; ``host`` names it in the feed (``localhost``: another site on this server)."""
        self.pages[path] = page_html(text, title)
        url = f"http://{host}:{self.server.server_address[1]}{path}"
        if in_feed:
            self.items.append((url, title or path))
        return url

    def paths(self) -> list[str]:
        return [p for p, _ in self.log]

    def feed(self) -> bytes:
        entries = "".join(
            f"<item><title>{html.escape(t)}</title><link>{u}</link><guid>{u}</guid>"
            f"<pubDate>{formatdate(1733500000 + 3600 * i, usegmt=True)}</pubDate></item>"
            for i, (u, t) in enumerate(self.items)
        )
        return (
            "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>Test news</title>"
            f"<link>{self.base}/</link><description>test</description>{entries}</channel></rss>"
        ).encode()

    def _handler(self):
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def _send(self, status: int, body: bytes, kind: str, headers: dict | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                site.log.append((self.path, dict(self.headers)))
                if self.path in site.hold:
                    site.asked.set()
                    site.hold[self.path].wait(30)
                if self.path == "/robots.txt":
                    return self._send(200, site.robots.encode(), "text/plain")
                if self.path == "/feed.xml":
                    body = site.feed()
                    etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                    if self.headers.get("If-None-Match") == etag:
                        self.send_response(304)
                        self.send_header("ETag", etag)
                        self.end_headers()
                        return None
                    return self._send(200, body, "application/rss+xml", {"ETag": etag})
                if self.path in site.pages:
                    return self._send(200, site.pages[self.path], "text/html; charset=utf-8")
                return self._send(404, b"not found", "text/plain")

        return Handler


class Hook:
    """A webhook receiver: answers 500 to the first ``fail`` POSTs, then 200; keeps every POST."""

    def __init__(self, fail: int = 0) -> None:
        self.fail = fail
        self.posts: list[tuple[dict, bytes, int]] = []  # (headers, body, status answered)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Hook:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def accepted(self) -> list[tuple[dict, dict]]:
        """(headers, alert) of the POSTs answered 200."""
        return [(h, json.loads(b)) for h, b, status in self.posts if status == 200]

    def _handler(self):
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status = 500 if sum(1 for *_, s in hook.posts if s == 500) < hook.fail else 200
                hook.posts.append((dict(self.headers), body, status))
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

        return Handler


def seed_texts(data: Path) -> tuple[str, str, str]:
    """(AP story, rewrite body, rewrite headline) from tests/data."""
    ap = (data / "seed_ap.txt").read_text(encoding="utf-8")
    rewrite = (data / "seed_rewrite.txt").read_text(encoding="utf-8")
    title, _, body = rewrite.strip().partition("\n")
    return ap, body, title.strip()
