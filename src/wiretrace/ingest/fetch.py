"""Fetch news pages over HTTP(S): the one part of wiretrace that uses the network, and only when asked
(``wiretrace fetch``).

A page is requested only when its site's robots.txt allows it for wiretrace's user agent (read once per
site; the check is made again for every redirect, so a redirect cannot lead around it). A robots.txt
that cannot be read (network error, server error) means no fetch: when in doubt, stay out. Requests to
one site are spaced by its Crawl-delay, at least ``DEFAULT_DELAY`` seconds. A page must be HTML and at
most ``MAX_BYTES`` (the limit every input has), read with a timeout.

Pages are kept exactly as served: one .html file each (what ``wiretrace compare`` reads) and, on
request, all of them in one WARC file with the URL, the HTTP headers and the time of capture (what
``wiretrace index`` reads: the URL names the site, the capture time is the first-seen date).
"""

from __future__ import annotations

import hashlib
import http.client
import re
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import BinaryIO, TypeVar
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from .. import __version__
from ..errors import InputError
from .read import MAX_BYTES
from .records import FEED_DATE_HEADER

AGENT = "wiretrace"  # the name robots.txt rules address
USER_AGENT = f"{AGENT}/{__version__} (news provenance research; obeys robots.txt)"
DEFAULT_DELAY = 1.0  # seconds between two requests to one site, when robots.txt asks for no more
TIMEOUT = 20.0  # seconds to connect and for each read
ROBOTS_MAX = 512 * 1024  # robots.txt is read to at most this many bytes
HTML_TYPES = ("text/html", "application/xhtml+xml")
FEED_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
FEED_MAX = 4 * 2**20  # a feed is read to at most this many bytes
T = TypeVar("T")
_DROPPED_HEADERS = {"transfer-encoding", "content-encoding", "content-length"}


class FetchError(InputError):
    """A URL that was not fetched, with the reason (``where`` is the URL as given)."""


class Disallowed(FetchError):
    """A URL its site's robots.txt keeps wiretrace from (never requested)."""


@dataclass(frozen=True)
class Conditional:
    """A conditionally fetched document (a feed): ``body`` is None when the server answered 304."""

    url: str
    status: int
    body: bytes | None
    etag: str | None
    modified: str | None


@dataclass(frozen=True)
class Page:
    """One fetched page, its bytes as served (transfer and content encodings undone)."""

    url: str  # as asked
    final_url: str  # after redirects
    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes
    fetched: datetime = field(default_factory=lambda: datetime.now(UTC))


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def check_url(url: str) -> str:
    """The URL, if it is one wiretrace may fetch (http or https with a host); else the reason why not."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
    except ValueError:
        raise FetchError(url, "not a valid URL") from None
    if parts.scheme.lower() not in ("http", "https") or not host:
        raise FetchError(url, "not an http(s) URL")
    return url.strip()


class Fetcher:
    """Fetches pages politely: robots.txt first, one site at a time spaced by its delay."""

    def __init__(
        self,
        delay: float = DEFAULT_DELAY,
        timeout: float = TIMEOUT,
        max_bytes: int = MAX_BYTES,
        user_agent: str = USER_AGENT,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.delay, self.timeout, self.max_bytes, self.user_agent = delay, timeout, max_bytes, user_agent
        self._sleep = sleep
        self._robots: dict[str, RobotFileParser] = {}
        self._last: dict[str, float] = {}  # site -> when it was last asked for something
        self._opener = urllib.request.build_opener(_CheckedRedirects(self))

    # ------------------------------------------------------------------------------------- robots

    def robots(self, url: str) -> RobotFileParser:
        """The site's robots.txt rules (read on first use; FetchError when they cannot be read)."""
        site = origin(url)
        if site not in self._robots:
            rules = RobotFileParser(f"{site}/robots.txt")
            try:
                with self._open(f"{site}/robots.txt") as resp:
                    status, body = resp.status, _read(resp, ROBOTS_MAX, url)
            except urllib.error.HTTPError as e:
                status, body = e.code, b""
            except FetchError as e:
                raise FetchError(url, f"robots.txt of {site}: {e.reason}; not fetched") from None
            except (urllib.error.URLError, http.client.HTTPException, OSError) as e:
                raise FetchError(
                    url, f"robots.txt of {site} could not be read ({_why(e)}); not fetched"
                ) from None
            if status in (401, 403):
                rules.disallow_all = True  # the site keeps its rules private: take it as "keep out"
            elif 400 <= status < 500:
                rules.allow_all = True  # no robots.txt: no rules
            elif status >= 500:
                raise FetchError(url, f"robots.txt of {site} answered HTTP {status}; not fetched")
            else:
                rules.parse(body.decode("utf-8", "replace").splitlines())
            self._robots[site] = rules
        return self._robots[site]

    def allowed(self, url: str) -> bool:
        return self.robots(url).can_fetch(AGENT, url)

    def _wait(self, url: str) -> None:
        site = origin(url)
        rules = self._robots.get(site)
        asked = rules.crawl_delay(AGENT) if rules is not None else None
        gap = max(self.delay, float(asked or 0))
        if site in self._last:
            left = self._last[site] + gap - time.monotonic()
            if left > 0:
                self._sleep(left)
        self._last[site] = time.monotonic()

    # -------------------------------------------------------------------------------------- pages

    def fetch(self, url: str) -> Page:
        """One page (FetchError with the reason when it is not fetched or not usable)."""

        def get(url: str) -> Page:
            status, reason, final, headers, body = self._page(url)
            return Page(url, final, status, reason, headers, body)

        return self._guarded(url, get)

    def conditional(
        self, url: str, etag: str | None = None, modified: str | None = None, limit: int = FEED_MAX
    ) -> Conditional:
        """A feed (any content type), asked with If-None-Match / If-Modified-Since so that an unchanged
        feed costs the site a 304 and no body; robots.txt is obeyed as for pages."""
        headers = {"Accept": FEED_ACCEPT}
        if etag:
            headers["If-None-Match"] = etag
        if modified:
            headers["If-Modified-Since"] = modified

        def get(url: str) -> Conditional:
            try:
                with self._open(url, **headers) as resp:
                    return Conditional(
                        resp.geturl(),
                        resp.status,
                        _read(resp, limit, url),
                        resp.headers.get("ETag"),
                        resp.headers.get("Last-Modified"),
                    )
            except urllib.error.HTTPError as e:
                if e.code != 304:
                    raise
                return Conditional(url, 304, None, e.headers.get("ETag") or etag, modified)

        return self._guarded(url, get)

    def _guarded(self, url: str, get: Callable[[str], T]) -> T:
        """``get(url)`` for a URL wiretrace may fetch and robots.txt allows (``Disallowed`` otherwise),
        every failure turned into a FetchError with its reason."""
        url = check_url(url)
        if not self.allowed(url):
            raise Disallowed(url, f"robots.txt of {origin(url)} does not allow {AGENT} to fetch it")
        try:
            return get(url)
        except urllib.error.HTTPError as e:
            raise FetchError(url, f"HTTP {e.code} {e.reason}") from None
        except FetchError as e:
            raise FetchError(url, e.reason) from None
        except (urllib.error.URLError, http.client.HTTPException, OSError) as e:
            raise FetchError(url, f"could not be fetched ({_why(e)})") from None

    def _open(self, url: str, **headers: str):
        """The response to a GET of ``url`` once the site's delay has passed (a context manager)."""
        self._wait(url)
        request = urllib.request.Request(url, headers={"User-Agent": self.user_agent, **headers})
        return self._opener.open(request, timeout=self.timeout)

    def _page(self, url: str) -> tuple[int, str, str, list[tuple[str, str]], bytes]:
        with self._open(url, Accept="text/html") as resp:
            ctype = resp.headers.get("Content-Type", "")
            if ctype and not ctype.split(";")[0].strip().lower().startswith(HTML_TYPES):
                raise FetchError(url, f"is {ctype.split(';')[0].strip()}, not an HTML page")  # unread
            body = _read(resp, self.max_bytes, url)
            if not ctype and not re.search(rb"<(!doctype html|html|body|p)\b", body[:4096], re.I):
                raise FetchError(url, "has no content type and does not look like HTML")
            headers = [(k, v) for k, v in resp.headers.items() if k.lower() not in _DROPPED_HEADERS]
            headers.append(("Content-Length", str(len(body))))
            return resp.status, resp.reason or "", resp.geturl(), headers, body


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only to an http(s) URL its site's robots.txt allows."""

    def __init__(self, fetcher: Fetcher) -> None:
        self.fetcher = fetcher

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        try:
            check_url(newurl)
        except FetchError as e:
            raise FetchError(req.full_url, f"redirects to {newurl}, which is {e.reason}") from None
        # robots.txt itself may move; any other redirect is checked against its target's rules
        if urlsplit(req.full_url).path != "/robots.txt" and not self.fetcher.allowed(newurl):
            raise FetchError(req.full_url, f"redirects to {newurl}, which robots.txt does not allow")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _read(resp, limit: int, url: str) -> bytes:
    """The response body, undoing a gzip/deflate content encoding, refused beyond ``limit`` bytes."""
    declared = resp.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise FetchError(url, f"is {_size(int(declared))}; a page may be at most {_size(limit)}")
    body = resp.read(limit + 1)
    if len(body) > limit:
        raise FetchError(url, f"is larger than the {_size(limit)} limit for one page")
    encoding = (resp.headers.get("Content-Encoding") or "").strip().lower()
    if encoding in ("gzip", "x-gzip", "deflate"):
        inflate = zlib.decompressobj(wbits=47)  # gzip or zlib header, detected
        try:
            body = inflate.decompress(body, limit + 1)
        except zlib.error:
            raise FetchError(url, f"says {encoding} but the body cannot be decompressed") from None
        if len(body) > limit or inflate.unconsumed_tail:
            raise FetchError(url, f"unpacks to more than the {_size(limit)} limit for one page")
    elif encoding not in ("", "identity"):
        raise FetchError(url, f"is sent with the {encoding} content encoding, which wiretrace cannot read")
    return body


def _size(n: int) -> str:
    return f"{n / 2**20:.1f} MiB" if n >= 2**20 else f"{n / 1024:.1f} KiB" if n >= 1024 else f"{n} bytes"


def _why(e: BaseException) -> str:
    reason = getattr(e, "reason", None)
    return str(reason if reason is not None else e) or type(e).__name__


# ------------------------------------------------------------------------------------------- saving


def page_name(page: Page) -> str:
    """A file name for the page: its host and a hash of its URL (the same URL, the same name)."""
    host = re.sub(r"[^a-z0-9.-]+", "_", (urlsplit(page.url).hostname or "page").lower())
    return f"{host}-{hashlib.sha1(page.url.encode()).hexdigest()[:12]}.html"


def save_html(page: Page, folder: Path) -> Path:
    """Write the page's bytes to ``folder``. A page already saved under the same name is never
    overwritten: an identical capture is left as it is, a different one is saved beside it with the
    capture time in its name."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / page_name(page)
    if path.exists():
        if path.read_bytes() == page.body:
            return path
        path = path.with_suffix(f".{page.fetched.strftime('%Y%m%dT%H%M%S')}.html")
    tmp = path.with_suffix(".part")
    tmp.write_bytes(page.body)
    tmp.replace(path)  # a killed run leaves no half-written page under a real name
    return path


def write_warc(page: Page, out: BinaryIO, feed_published: str | None = None) -> None:
    """Append the page to an open WARC stream as one gzipped ``response`` record (CC-NEWS layout).
    ``feed_published``: the publication date the feed item that linked the page claims, kept in an
    extension header; the page's own date wins when it has one."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    writer = WARCWriter(out, gzip=True)
    http = StatusAndHeaders(f"{page.status} {page.reason}".strip(), page.headers, protocol="HTTP/1.1")
    date = page.fetched.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    record = writer.create_warc_record(
        page.final_url,
        "response",
        payload=BytesIO(page.body),
        length=len(page.body),
        http_headers=http,
        warc_headers_dict={
            "WARC-Date": date,
            **({FEED_DATE_HEADER: feed_published} if feed_published else {}),
        },
    )
    writer.write_record(record)
