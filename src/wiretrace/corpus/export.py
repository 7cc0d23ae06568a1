"""Exports of the story graph: JSONL, GraphML, JSON-LD (schema.org Claim + PROV-O) and CSV.

All four read the same story dicts (``Corpus.stories(min_size=2)``) so they never disagree. GraphML is
written with the standard library (networkx is only used by the tests, to check it parses).
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator

from .stories import SITE_FIELDS

FORMATS = ("jsonl", "graphml", "jsonld", "csv")

JSONLD_CONTEXT = {
    "@vocab": "https://schema.org/",
    "schema": "https://schema.org/",
    "prov": "http://www.w3.org/ns/prov#",
    "prov:wasDerivedFrom": {"@type": "@id"},
    "appearance": {"@type": "@id"},
    "firstAppearance": {"@type": "@id"},
}


def article_iri(a: dict) -> str:
    return f"urn:wiretrace:article:{a['id']}"


def jsonl_records(stories: list[dict]) -> Iterator[dict]:
    """One ``{"type": "article", ...}`` record per article and one ``{"type": "edge", ...}`` per edge."""
    for s in stories:
        for a in s["articles"]:
            yield {
                "type": "article",
                "story": s["id"],
                **{k: a.get(k) for k in ("id", "path", "title", "source", "published", "first_seen", "role")},
            }
        for e in s["edges"]:
            yield {
                "type": "edge",
                "story": s["id"],
                **{
                    k: e.get(k)
                    for k in (
                        "from",
                        "to",
                        "relation",
                        "credited",
                        "b_from_a",
                        "score",
                        "date_basis",
                        "uncertain",
                    )
                },
            }


def to_jsonl(stories: list[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in jsonl_records(stories))


def to_graphml(stories: list[dict]) -> str:
    """A directed GraphML graph: articles are nodes, edges go from source to derived."""
    ns = "http://graphml.graphdrawing.org/xmlns"
    root = ET.Element("graphml", {"xmlns": ns})
    node_keys = ("title", "source", "published", "path", "story", "role")
    edge_keys = (("relation", "string"), ("credited", "string"), ("b_from_a", "double"), ("story", "string"))
    for k in node_keys:
        ET.SubElement(root, "key", {"id": f"n_{k}", "for": "node", "attr.name": k, "attr.type": "string"})
    for k, t in edge_keys:
        ET.SubElement(root, "key", {"id": f"e_{k}", "for": "edge", "attr.name": k, "attr.type": t})
    graph = ET.SubElement(root, "graph", {"id": "wiretrace", "edgedefault": "directed"})
    for s in stories:
        for a in s["articles"]:
            node = ET.SubElement(graph, "node", {"id": a["id"]})
            for k in node_keys:
                value = s["id"] if k == "story" else a.get(k)
                if value is not None:
                    ET.SubElement(node, "data", {"key": f"n_{k}"}).text = str(value)
        for i, e in enumerate(s["edges"]):
            edge = ET.SubElement(
                graph, "edge", {"id": f"{s['id']}-{i}", "source": e["from"], "target": e["to"]}
            )
            for k, _ in edge_keys:
                value = s["id"] if k == "story" else e.get(k)
                if value is not None:
                    text = str(value).lower() if isinstance(value, bool) else str(value)
                    ET.SubElement(edge, "data", {"key": f"e_{k}"}).text = text
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def to_jsonld(stories: list[dict]) -> str:
    """Each story is a schema.org ``Claim`` whose ``appearance``s are its articles and whose
    ``firstAppearance`` is its original; each derived article says ``prov:wasDerivedFrom`` its source."""
    graph: list[dict] = []
    for s in stories:
        by_id = {a["id"]: a for a in s["articles"]}
        sources: dict[str, list[str]] = {}
        for e in s["edges"]:
            if e["relation"] in ("copy", "rewrite"):
                sources.setdefault(e["to"], []).append(article_iri(by_id[e["from"]]))
        claim: dict = {
            "@id": f"urn:wiretrace:story:{s['id']}",
            "@type": "Claim",
            "identifier": s["id"],
            "appearance": [article_iri(a) for a in s["articles"]],
        }
        if s["original"]:
            first = by_id[s["original"][0]]
            claim["firstAppearance"] = article_iri(first)
            if first.get("title"):
                claim["name"] = first["title"]
        graph.append(claim)
        for a in s["articles"]:
            node: dict = {"@id": article_iri(a), "@type": "NewsArticle", "identifier": a["id"]}
            if a.get("path"):
                node["url"] = a["path"]
            if a.get("title"):
                node["headline"] = a["title"]
            if a.get("published"):
                node["datePublished"] = a["published"]
            if a.get("source"):
                node["publisher"] = {"@type": "Organization", "name": a["source"]}
            if a["id"] in sources:
                node["prov:wasDerivedFrom"] = sources[a["id"]]
            graph.append(node)
    return json.dumps({"@context": JSONLD_CONTEXT, "@graph": graph}, ensure_ascii=False, indent=2) + "\n"


CSV_FIELDS = (
    "story",
    "id",
    "path",
    "title",
    "source",
    "published",
    "role",
    "derived_from",
    "relation",
    "credited",
    "b_from_a",
)


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """A text cell a spreadsheet would run as a formula ("=HYPERLINK(...)" in a scraped title) gets a
    leading apostrophe, which spreadsheets show as text (OWASP's advice on CSV injection); other values
    are left as they are."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


def csv_text(fields: Iterable[str], rows: Iterable[dict]) -> str:
    """CSV with a header row, every text cell made ``spreadsheet_safe``."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, list(fields), lineterminator="\n")
    w.writeheader()
    w.writerows({k: spreadsheet_safe(v) for k, v in row.items()} for row in rows)
    return buf.getvalue()


def to_csv(stories: list[dict]) -> str:
    """One row per article: its story, role and (for copies and rewrites) the article it derives from."""

    def rows() -> Iterator[dict]:
        for s in stories:
            incoming = {e["to"]: e for e in s["edges"] if e["relation"] in ("copy", "rewrite")}
            for a in s["articles"]:
                e = incoming.get(a["id"], {})
                yield {
                    "story": s["id"],
                    **{k: a.get(k) for k in ("id", "path", "title", "source", "published", "role")},
                    "derived_from": e.get("from"),
                    "relation": e.get("relation"),
                    "credited": e.get("credited"),
                    "b_from_a": e.get("b_from_a"),
                }

    return csv_text(CSV_FIELDS, rows())


def sites_to_csv(rows: list[dict]) -> str:
    """The per-site summary (``stories.site_summary``) for spreadsheets: one row per site."""
    return csv_text(SITE_FIELDS, rows)


def export(stories: list[dict], fmt: str) -> str:
    return {"jsonl": to_jsonl, "graphml": to_graphml, "jsonld": to_jsonld, "csv": to_csv}[fmt](stories)
