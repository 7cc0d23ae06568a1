"""Ingest: files, stdin and strings become one ``Article`` each (the only stage that reads input)."""

from .read import MAX_BYTES, parse_date, read_article, read_bytes

__all__ = ["MAX_BYTES", "parse_date", "read_article", "read_bytes"]
