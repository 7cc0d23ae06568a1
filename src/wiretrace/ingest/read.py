"""Readers for plain text / Markdown, HTML, news-please and passim JSON, and standard input."""

from __future__ import annotations

import json
import re
import sys
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

from ..clean import looks_like_title
from ..errors import InputError
from ..model import Article
from . import html as html_readers
from .decode import decode

MAX_BYTES = 20 * 1024 * 1024  # one article; larger inputs are refused before they are read whole


# Years a publication date may have: "0001-01-01" is a CMS's placeholder for none, and date arithmetic
# ("last Monday", "yesterday") must not run off the calendar's ends.
YEARS = range(1800, 9000)


def parse_date(value: object) -> date | None:
    """ISO dates and timestamps ("2025-05-20", "2025-05-20T08:00:00Z", "2025-05-20 08:00:00"); None for
    what is not a date or not a plausible publication year (``YEARS``)."""
    found = _parse_date(value)
    return found if found and found.year in YEARS else None


def _parse_date(value: object) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", text)
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    for fmt in ("%d %B %Y", "%B %d, %Y", "%d %b %Y", "%b %d, %Y", "%Y/%m/%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def read_bytes(path: Path | str) -> bytes:
    """Read a file (or ``-`` for stdin) with the size limit enforced before loading it whole."""
    where = str(path)
    if where == "-":
        data = sys.stdin.buffer.read(MAX_BYTES + 1)
    else:
        p = Path(path)
        if not p.exists():
            if re.match(r"https?://", where, re.I):
                raise InputError(where, "is a URL; download it first with `wiretrace fetch URL`")
            raise InputError(where, "no such file")
        if p.is_dir():
            raise InputError(where, "is a folder; compare takes two files")
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise InputError(
                where,
                f"is {size / 2**20:.1f} MiB; one article may be at most "
                f"{MAX_BYTES // 2**20} MiB (is this a whole corpus? use `wiretrace index`)",
            )
        try:
            data = p.read_bytes()
        except OSError as e:
            raise InputError(where, f"cannot be read ({e.strerror})") from None
    if len(data) > MAX_BYTES:
        raise InputError(where, f"is larger than the {MAX_BYTES // 2**20} MiB limit for one article")
    return data


def read_article(
    path: Path | str, *, published: date | None = None, source: str | None = None, fast_html: bool = False
) -> Article:
    """Read one article from a file path or ``-`` (stdin), detecting the format from content and name;
    ``fast_html``: read an HTML page with the bulk reader (see ``from_html``)."""
    where = "<stdin>" if str(path) == "-" else str(path)
    text, _ = decode(read_bytes(path), where)
    name = "" if str(path) == "-" else Path(path).name.lower()
    article = parse_text(text, where, name, fast_html=fast_html)
    if published:
        article = replace(article, published=published)
    if source:
        article = replace(article, source=source)
    return replace(article, path=None if where == "<stdin>" else where)


PLAIN_SUFFIXES = (".txt", ".text", ".md", ".markdown")


def parse_text(text: str, where: str = "<text>", name: str = "", *, fast_html: bool = False) -> Article:
    head = text.lstrip()[:1000].lower()
    if name.endswith(".json") or (head.startswith("{") and name.endswith((".json", ".jsonl", ""))):
        try:
            record = json.loads(text)
        except json.JSONDecodeError as e:
            if name.endswith(".json"):
                raise InputError(where, f"is not valid JSON (line {e.lineno}: {e.msg})") from None
        else:
            return from_record(record, where)
    # A .txt or .md file is text even when it holds a bracketed ticker ("Phillips Petroleum <P>").
    if not name.endswith(PLAIN_SUFFIXES) and (
        name.endswith((".html", ".htm", ".xhtml"))
        or head.startswith(("<!doctype html", "<html"))
        or "<body" in head
        or ("<p>" in head and "</p>" in head)
    ):
        return from_html(text, where, fast=fast_html)
    return from_plain(text, where)


def from_plain(text: str, where: str) -> Article:
    """Plain text or Markdown: the first line is the title when it looks like one."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [ln for ln in text.split("\n") if ln.strip()]
    if not lines:
        raise InputError(where, "contains no text")
    title = None
    first = lines[0].strip().lstrip("#").strip()
    if len(lines) > 1 and looks_like_title(first):
        title = first
    if not any(c.isalnum() for c in text):
        raise InputError(where, "contains no words")
    return Article(text=text, title=title)


def from_record(record: object, where: str) -> Article:
    """A JSON object in news-please (title, maintext, date_publish, source_domain, url) or passim
    (id, text, series, date) layout; ``text``/``content``/``body`` also accepted."""
    if isinstance(record, list) and len(record) == 1:
        record = record[0]
    if not isinstance(record, dict):
        raise InputError(where, "JSON must be one object with the article's fields")
    body = next(
        (record[k] for k in ("maintext", "text", "content", "body", "article") if record.get(k)), None
    )
    if not isinstance(body, str) or not body.strip():
        raise InputError(where, "JSON has no article text (expected 'maintext', 'text', 'content' or 'body')")
    title = record.get("title") if isinstance(record.get("title"), str) else None
    if title and body.lstrip().lstrip("#").lstrip().startswith(title.strip()):  # "# Title" in Markdown too
        text = body
    else:
        text = f"{title}\n\n{body}" if title else body
    published = parse_date(record.get("date_publish") or record.get("date") or record.get("published"))
    source = record.get("source_domain") or record.get("series") or record.get("source")
    return Article(
        text=text,
        title=title,
        published=published,
        source=source if isinstance(source, str) else None,
        url=record.get("url") if isinstance(record.get("url"), str) else None,
        id=str(record.get("id") or ""),
    )


def from_html(html: str, where: str, *, fast: bool = False) -> Article:
    """An HTML page: body, title, date, site and URL. ``fast`` picks the bulk reader (resiliparse, several
    times quicker, a little less precise; ``wiretrace index`` uses it) over trafilatura (one page at a
    time: ``compare``, the web UI); ``ingest/html.py`` says why."""
    return (html_readers.fast if fast else html_readers.careful)(html, where)
