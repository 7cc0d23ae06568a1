"""Paths -> a stream of records: files, folders (walked in sorted order), JSONL, Parquet, WARC, RSS/Atom.

The format is chosen from the file name; the order is deterministic (sorted folder walk), which is
what makes an interrupted ``wiretrace index`` resume into exactly the batches an uninterrupted run
makes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from ..ingest.records import Item, iter_feed, iter_file, iter_json, iter_jsonl, iter_parquet, iter_warc

ARTICLE_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".xhtml")
FEED_SUFFIXES = (".rss", ".atom", ".xml")
WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
RECORD_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz")


def reader_for(path: Path):
    name = path.name.lower()
    if name.endswith(WARC_SUFFIXES):
        return iter_warc
    if name.endswith((".jsonl", ".ndjson")):
        return iter_jsonl
    if name.endswith(".json"):
        return iter_json
    if name.endswith(".parquet"):
        return iter_parquet
    if name.endswith(FEED_SUFFIXES):
        return iter_feed
    if name.endswith(ARTICLE_SUFFIXES):
        return iter_file
    return None


def iter_records(paths: Iterable[str | Path]) -> Iterator[Item]:
    """Every record under ``paths``. A missing path is one failure item; files in folders whose type is
    not known (images, archives) are passed over, a file named explicitly is read as one article."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if any(part.startswith(".") for part in child.relative_to(path).parts):
                    continue
                reader = reader_for(child)
                if reader is not None:
                    yield from reader(child)
        elif path.is_file():
            yield from (reader_for(path) or iter_file)(path)
        else:
            yield Item(str(path), reason="no such file or folder")
