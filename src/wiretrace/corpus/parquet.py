"""The index as Parquet, for data tools (pandas, Spark, DuckDB, Dask): ``articles.parquet`` (every article
with its text and its story), ``pairs.parquet`` (every verified pair: relation, shares, direction, credit,
evidence as JSON) and ``stories.parquet`` (one row a story: size, originals, member and edge lists as JSON).

Parquet input is read by ``ingest.records.iter_parquet``; both need pyarrow (the ``dask`` extra).
"""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import InputError

ARTICLE_COLUMNS = ("id", "title", "source", "url", "published", "first_seen", "language", "path", "text")
PAIR_COLUMNS = ("relation", "score", "b_from_a", "a_from_b", "direction", "confidence", "credited", "added")


def _pyarrow():
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise InputError("--format parquet", "needs pyarrow: pip install 'wiretrace[dask]'") from None
    return pa, pq


def export_parquet(corpus, folder: Path, min_size: int = 2, rows: int = 8192) -> list[Path]:
    """Write the three tables into ``folder``, reading the corpus a chunk of ``rows`` at a time; returns
    the files written."""
    pa, pq = _pyarrow()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise InputError(str(folder), f"cannot be created ({e.strerror})") from None
    db = corpus.store.db
    written = []

    def table(name: str, schema, batches) -> None:
        path = folder / f"{name}.parquet"
        with pq.ParquetWriter(path, schema, compression="zstd") as writer:
            for batch in batches:
                if batch:
                    writer.write_table(pa.Table.from_pylist(batch, schema=schema))
        written.append(path)

    def chunks(cur, convert):
        while block := cur.fetchmany(rows):
            yield [convert(r) for r in block]

    article_schema = pa.schema([(c, pa.string()) for c in ARTICLE_COLUMNS] + [("story", pa.string())])
    cur = db.execute(
        f"SELECT {', '.join('a.' + c for c in ARTICLE_COLUMNS)}, m.story FROM articles a"
        " LEFT JOIN story_members m ON m.article = a.n ORDER BY a.n"
    )
    table(
        "articles",
        article_schema,
        chunks(cur, lambda r: dict(zip((*ARTICLE_COLUMNS, "story"), r, strict=True))),
    )

    pair_schema = pa.schema(
        [("source", pa.string()), ("derived", pa.string())]
        + [
            (c, pa.float64() if c in ("score", "b_from_a", "a_from_b", "confidence") else pa.string())
            for c in PAIR_COLUMNS
        ]
        + [("flags", pa.string()), ("evidence", pa.string())]
    )

    def pair(r) -> dict:
        out = dict(zip(("source", "derived", *PAIR_COLUMNS, "flags", "evidence"), r, strict=True))
        for k in ("credited", "added"):
            out[k] = None if out[k] is None else str(out[k])
        return out

    cur = db.execute(
        f"SELECT s.id, d.id, {', '.join('p.' + c for c in PAIR_COLUMNS)}, p.flags, p.evidence FROM pairs p"
        " JOIN articles s ON s.n = p.src JOIN articles d ON d.n = p.dst WHERE p.status = 'done'"
        " ORDER BY p.hi, p.lo"
    )
    table("pairs", pair_schema, chunks(cur, pair))

    story_schema = pa.schema(
        [
            ("id", pa.string()),
            ("size", pa.int64()),
            ("originals", pa.string()),
            ("label", pa.string()),
            ("first", pa.string()),
            ("last", pa.string()),
            ("articles", pa.string()),
            ("edges", pa.string()),
        ]
    )

    def story(s: dict) -> dict:
        span = s.get("time_span") or {}
        return {
            "id": s["id"],
            "size": s["size"],
            "originals": json.dumps(s.get("original") or []),
            "label": (s.get("label") or {}).get("title"),
            "first": span.get("first"),
            "last": span.get("last"),
            "articles": json.dumps(s.get("articles") or [], ensure_ascii=False),
            "edges": json.dumps(s.get("edges") or [], ensure_ascii=False),
        }

    stories = corpus.stories(min_size=min_size)
    table(
        "stories",
        story_schema,
        [[story(s) for s in stories[i : i + rows]] for i in range(0, len(stories), rows)],
    )
    return written
