"""Corpus readers: every format yields articles with locators; broken records are reported, not fatal."""

from __future__ import annotations

import io
import json
from pathlib import Path

from conftest import DATA
from wiretrace.corpus.readers import iter_records

CORPUS = DATA / "corpus"
HTML = (DATA / "news-page-en.html").read_bytes()


def write_warc(path: Path, urls: list[str], gzip: bool = True) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=gzip)
        for url in urls:
            headers = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            writer.write_record(
                writer.create_warc_record(url, "response", payload=io.BytesIO(HTML), http_headers=headers)
            )


def test_jsonl_records_carry_their_line_as_locator_and_their_own_id():
    items = list(iter_records([CORPUS / "corpus.jsonl"]))
    assert all(it.ok for it in items)
    assert items[0].locator.endswith("corpus.jsonl#1")
    assert items[0].article.id == "seed-ap"
    assert items[1].locator.endswith("corpus.jsonl#2")


def test_jsonl_unknown_fields_are_kept_as_meta():
    items = list(iter_records([CORPUS / "corpus.jsonl"]))
    summary = next(it for it in items if it.article.id == "frank-008aa71f-bart")
    assert summary.meta["derived_from"].startswith("008aa71f")
    news_please = next(it for it in items if "frank_hash" in it.meta)
    assert news_please.article.source  # source_domain read from the news-please record


def test_malformed_jsonl_lines_are_reported_with_line_numbers(tmp_path):
    lines = (CORPUS / "corpus.jsonl").read_text(encoding="utf-8").splitlines()[:3]
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join([lines[0], '{"id": "x", "text": ', lines[1], '{"id": "y"}', lines[2]]) + "\n")
    items = list(iter_records([bad]))
    failed = [(it.locator, it.reason) for it in items if not it.ok]
    assert [loc.rsplit("#", 1)[1] for loc, _ in failed] == ["2", "4"]
    assert "not valid JSON" in failed[0][1]
    assert "no article text" in failed[1][1]
    assert sum(it.ok for it in items) == 3


def test_warc_response_records_become_articles_with_offsets(tmp_path):
    warc = tmp_path / "news.warc.gz"
    write_warc(warc, ["https://www.one.example/a", "https://two.example/b"])
    items = list(iter_records([warc]))
    assert [it.ok for it in items] == [True, True]
    assert items[0].locator == f"{warc}#0"
    assert int(items[1].locator.rsplit("#", 1)[1]) > 0
    assert items[0].article.source == "one.example"
    assert items[0].article.url == "https://www.one.example/a"
    assert items[0].first_seen  # WARC-Date
    body = json.loads((DATA / "news-page-en.truth.json").read_text())["articleBody"]
    assert " ".join(body.split()[:12]) in " ".join(items[0].article.text.split())


def test_truncated_warc_record_is_reported_and_earlier_records_kept(tmp_path):
    warc = tmp_path / "cut.warc.gz"
    write_warc(warc, ["https://a.example/1", "https://b.example/2", "https://c.example/3"])
    data = warc.read_bytes()
    warc.write_bytes(data[: len(data) - len(data) // 6])
    items = list(iter_records([warc]))
    assert [it.ok for it in items] == [True, True, False]
    assert "truncated" in items[2].reason
    assert "#" in items[2].locator


def test_rss_entries_become_articles(tmp_path):
    ap = (DATA / "seed_ap.txt").read_text(encoding="utf-8").strip().split("\n")
    paragraphs = "".join(f"<p>{line}</p>" for line in ap[1:6])
    feed = tmp_path / "feed.rss"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><link>https://wire.example/</link>'
        "<item><title>North Korea boosts shell output</title><link>https://wire.example/kim</link>"
        "<guid>wire-1</guid><pubDate>Tue, 20 May 2025 08:00:00 GMT</pubDate>"
        f"<description><![CDATA[{paragraphs}]]></description></item>"
        "<item><title>empty</title><link>https://wire.example/empty</link></item>"
        "</channel></rss>",
        encoding="utf-8",
    )
    items = list(iter_records([feed]))
    assert items[0].ok and items[0].article.id == "wire-1"
    assert items[0].article.published.isoformat() == "2025-05-20"
    assert items[0].article.source == "wire.example"
    assert "munitions industry" in items[0].article.text
    assert items[0].article.text.count("\n") >= 4  # one line per paragraph
    assert not items[1].ok and items[1].locator.endswith("#1")


def test_folders_are_walked_in_sorted_order_and_missing_paths_reported(tmp_path):
    items = list(iter_records([CORPUS / "txt", tmp_path / "missing"]))
    names = [Path(it.locator).name for it in items if it.ok]
    assert names == sorted(names) and "seed_ap.txt" in names
    assert not items[-1].ok and items[-1].reason == "no such file or folder"
