"""Feeds: the list a user gives (one RSS/Atom URL a line) and the items of one fetched feed."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin

from ..errors import InputError
from ..ingest.fetch import FetchError, check_url


def read_feed_list(path: str | Path) -> list[str]:
    """Feed URLs from a file: one a line; blank lines and ``#`` comments are skipped. A line that is not
    an http(s) URL is an error naming the file and line (a typo should not go unnoticed for days)."""
    path = Path(path)
    try:
        lines = path.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(str(path), f"cannot be read ({getattr(e, 'strerror', None) or e})") from None
    urls = []
    for i, line in enumerate(lines, 1):
        line = line.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        try:
            urls.append(check_url(line))
        except FetchError as e:
            raise InputError(f"{path}:{i}", f"{line!r} is {e.reason}") from None
    return list(dict.fromkeys(urls))


def feed_entries(body: bytes, feed_url: str) -> list[dict]:
    """The items of a feed document: url (absolute), title, published (ISO date) in feed order; entries
    without a link are passed over (there is no page to fetch). InputError when it is not a feed."""
    import feedparser

    parsed = feedparser.parse(body)
    if parsed.bozo and not parsed.entries:
        why = str(parsed.get("bozo_exception") or "no entries")[:160]
        raise InputError(feed_url, f"is not a readable RSS/Atom feed ({why})")
    out = []
    for entry in parsed.entries:
        link = (entry.get("link") or "").strip()
        if not link:
            continue
        url = urljoin(feed_url, link)
        try:
            check_url(url)
        except FetchError:
            continue
        stamp = dict.get(entry, "published_parsed") or dict.get(entry, "updated_parsed")
        published = datetime(*stamp[:6], tzinfo=UTC).date().isoformat() if stamp else None
        out.append({"url": url, "title": (entry.get("title") or "").strip() or None, "published": published})
    return out
