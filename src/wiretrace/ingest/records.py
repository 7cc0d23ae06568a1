"""Many articles per input: JSONL/JSON record files, WARC archives, RSS/Atom feeds and folders.

Each reader yields ``Item``s in input order: either an article with its locator (``path#line`` for
JSONL, ``path#offset`` for WARC, ``path#entry`` for feeds, the path for one-article files) or a
failure (locator and reason). A broken record is one failure item; the reader goes on with the next
record, so one bad line never stops a batch. Readers stream: a corpus is never read into memory whole.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import InputError
from ..model import Article
from .read import from_html, from_record, parse_date, read_article

# A WARC extension header: the publication date the feed item that linked a page claims (``wiretrace
# watch`` writes it); read as the article's date when the page itself gives none.
FEED_DATE_HEADER = "WARC-Wiretrace-Feed-Published"

# Fields the article record itself holds; every other field of a JSON record is kept as ``meta``.
KNOWN_FIELDS = frozenset(
    "id title maintext text content body article date_publish date published source_domain series "
    "source url".split()
)


@dataclass(frozen=True)
class Item:
    """One record read from an input: ``article`` is None when ``reason`` says why it failed."""

    locator: str
    article: Article | None = None
    reason: str | None = None
    meta: dict = field(default_factory=dict)
    first_seen: str | None = None  # when the record was captured (WARC-Date, feed date, file mtime)

    @property
    def ok(self) -> bool:
        return self.article is not None


def host(url: str | None) -> str | None:
    """``https://www.example.com/x`` -> ``example.com``: the site key for boilerplate and summaries."""
    if not url:
        return None
    netloc = urlsplit(url if "//" in url else f"//{url}").hostname or ""
    return netloc.removeprefix("www.") or None


def file_time(path: Path) -> str | None:
    """The file's modification time: the best 'first seen' evidence a plain file carries."""
    try:
        return datetime.fromtimestamp(path.stat().st_mtime, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    except OSError:
        return None


def record_item(record: object, locator: str, first_seen: str | None) -> Item:
    """A parsed JSON object (news-please or passim layout) -> an ``Item``; unknown fields go to meta."""
    try:
        article = from_record(record, locator)
    except InputError as e:
        return Item(locator, reason=e.reason)
    meta = {k: v for k, v in record.items() if k not in KNOWN_FIELDS} if isinstance(record, dict) else {}
    if article.source is None and article.url:
        article = replace(article, source=host(article.url))
    return Item(locator, replace(article, path=locator), meta=meta, first_seen=first_seen)


def iter_jsonl(path: Path) -> Iterator[Item]:
    """One JSON object per line; the locator is ``path#line`` (1-based); blank lines are skipped."""
    seen = file_time(path)
    with path.open("rb") as fh:
        for n, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            locator = f"{path}#{n}"
            try:
                record = json.loads(raw.decode("utf-8"))
            except UnicodeDecodeError as e:
                yield Item(locator, reason=f"not UTF-8 ({e.reason} at byte {e.start})")
                continue
            except json.JSONDecodeError as e:
                yield Item(locator, reason=f"not valid JSON ({e.msg} at column {e.colno})")
                continue
            yield record_item(record, locator, seen)


def iter_parquet(path: Path) -> Iterator[Item]:
    """A Parquet table, one record a row, with the columns a JSONL record has (``text`` or ``maintext``,
    ``title``, ``date``/``published``, ``source``, ``url``, ``id``); the locator is ``path#row`` (1-based,
    as JSONL lines). Read a row group at a time: memory stays bounded by the group, not the file."""
    try:
        import pyarrow.parquet as pq
    except ImportError:
        yield Item(str(path), reason="reading Parquet needs pyarrow: pip install 'wiretrace[dask]'")
        return
    seen = file_time(path)
    n = 0
    try:
        for batch in pq.ParquetFile(path).iter_batches(batch_size=1024):
            for row in batch.to_pylist():
                n += 1
                record = {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in row.items()}
                yield record_item(record, f"{path}#{n}", seen)
    except Exception as e:  # pyarrow raises several types for a damaged or foreign file
        where = f"{path}#{n + 1}" if n else str(path)
        yield Item(where, reason=f"unreadable Parquet ({_short(e)}); the rows before it were read")


def iter_json(path: Path) -> Iterator[Item]:
    """A ``.json`` file: one record, or a list of records (locator ``path#index``, 0-based)."""
    seen = file_time(path)
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        yield Item(str(path), reason=f"not valid JSON ({e})")
        return
    if isinstance(data, list) and len(data) != 1:
        for i, record in enumerate(data):
            yield record_item(record, f"{path}#{i}", seen)
    else:
        yield record_item(data, str(path), seen)


def iter_warc(path: Path) -> Iterator[Item]:
    """WARC / WARC.gz (CC-NEWS layout): every ``response`` record with an HTML payload is one article,
    read with the bulk HTML reader (``from_html(..., fast=True)``).

    The locator is ``path#offset`` (the record's byte offset, as CC indexes give it). A truncated or
    corrupt record ends the file with one failure item: after it the stream cannot be trusted.
    """
    from warcio.archiveiterator import ArchiveIterator

    from .decode import decode

    with path.open("rb") as fh:
        records = ArchiveIterator(fh)
        offset = 0
        while True:
            try:
                record = next(records)
            except StopIteration:
                return
            except Exception as e:  # warcio raises several types for a damaged stream
                yield Item(f"{path}#{offset}", reason=f"unreadable WARC record ({_short(e)})")
                return
            wanted = record.rec_type == "response"
            ctype = (record.http_headers.get_header("Content-Type") or "") if record.http_headers else ""
            wanted = wanted and (not ctype or "html" in ctype.lower())
            try:
                payload = record.content_stream().read() if wanted else b""
                # warcio knows a record's offset once the record has been read to its end
                offset = records.get_record_offset()
            except Exception as e:
                yield Item(f"{path}#{offset}", reason=f"truncated WARC record ({_short(e)})")
                return
            locator = f"{path}#{offset}"
            if wanted and record.http_headers is not None and len(payload) < _declared_length(record):
                yield Item(locator, reason="truncated WARC record (payload shorter than its headers say)")
                return
            if not wanted:
                continue
            url = record.rec_headers.get_header("WARC-Target-URI")
            seen = record.rec_headers.get_header("WARC-Date")
            try:
                html, _ = decode(payload, locator)
                article = from_html(html, locator, fast=True)
            except InputError as e:
                yield Item(locator, reason=e.reason)
                continue
            claimed = article.published or parse_date(record.rec_headers.get_header(FEED_DATE_HEADER))
            article = replace(
                article,
                url=url or article.url,
                source=host(url) or article.source,
                path=locator,
                published=claimed,
            )
            meta = {"warc_record_id": record.rec_headers.get_header("WARC-Record-ID")}
            yield Item(locator, article, meta=meta, first_seen=seen)


def _declared_length(record) -> int:
    """Payload bytes the record promises: WARC Content-Length minus the HTTP header block."""
    try:
        total = int(record.rec_headers.get_header("Content-Length") or 0)
    except ValueError:
        return 0
    return max(0, total - len(record.http_headers.to_bytes()) if record.http_headers else total)


def iter_feed(path: Path) -> Iterator[Item]:
    """RSS/Atom: each entry with content (or a summary) is one article; locator ``path#entry``."""
    import feedparser

    parsed = feedparser.parse(str(path))
    if parsed.bozo and not parsed.entries:
        yield Item(str(path), reason=f"not a readable RSS/Atom feed ({_short(parsed.bozo_exception)})")
        return
    site = host(parsed.feed.get("link")) or parsed.feed.get("title")
    for i, entry in enumerate(parsed.entries):
        locator = f"{path}#{i}"
        body = ""
        if entry.get("content"):
            body = entry.content[0].get("value", "")
        body = body or entry.get("summary", "")
        text = _html_text(body) if "<" in body else body.strip()
        title = (entry.get("title") or "").strip() or None
        if not text:
            yield Item(locator, reason="feed entry has no content or summary")
            continue
        stamp = dict.get(entry, "published_parsed") or dict.get(entry, "updated_parsed")
        published = datetime(*stamp[:6], tzinfo=UTC).date() if stamp else parse_date(entry.get("published"))
        link = entry.get("link")
        full = f"{title}\n\n{text}" if title and not text.startswith(title) else text
        article = Article(
            full,
            title=title,
            published=published,
            source=host(link) or site,
            url=link,
            path=locator,
            id=str(entry.get("id") or ""),
        )
        updated = dict.get(entry, "updated_parsed")
        seen = (
            datetime(*updated[:6], tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if updated else file_time(path)
        )
        meta = {"author": entry.get("author"), "tags": [t.get("term") for t in entry.get("tags", [])]}
        yield Item(locator, article, meta={k: v for k, v in meta.items() if v}, first_seen=seen)


def _html_text(fragment: str) -> str:
    """Feed HTML -> text with one line per block element (paragraph breaks matter to ``clean``)."""
    import lxml.html

    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except Exception:
        return ""
    for el in root.iter("p", "br", "div", "li", "h1", "h2", "h3", "h4", "blockquote"):
        el.tail = "\n" + (el.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().split("\n"))
    return "\n".join(line for line in lines if line)


def iter_file(path: Path) -> Iterator[Item]:
    """One-article files (.txt, .md, .html, or anything ``read_article`` recognises); HTML with the bulk
    reader, as in WARC files."""
    try:
        article = read_article(path, fast_html=True)
    except InputError as e:
        yield Item(str(path), reason=e.reason)
        return
    yield Item(str(path), article, first_seen=file_time(path))


def _short(e: BaseException) -> str:
    text = str(e) or type(e).__name__
    return text if len(text) < 160 else text[:157] + "..."
