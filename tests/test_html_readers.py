"""HTML readers: ``wiretrace index`` reads pages with the fast reader (resiliparse), ``compare`` with
trafilatura. The fast one finds a real page's article body, not its site's navigation, dates the page as
trafilatura does, and refuses a page with no article text with the reason, naming the file or record."""

from __future__ import annotations

import gzip
import io
import json

import pytest

from conftest import DATA
from wiretrace.corpus.readers import iter_records
from wiretrace.errors import InputError
from wiretrace.ingest import read_article
from wiretrace.ingest.html import careful, fast

# (page, its ground truth, text of the page's own navigation that is no part of the article, its date)
PAGES = [
    (
        "news-page-en.html",
        "news-page-en.truth.json",
        ["Our Team", "Privacy Policy", "All rights reserved"],
        "2019-11-18",
    ),
    (
        "news-page-aljazeera.html.gz",
        "news-page-aljazeera.truth.json",
        ["TRENDING", "Hong Kong protests"],
        "2019-11-20",
    ),
]


def page(name: str) -> str:
    data = (DATA / name).read_bytes()
    return (gzip.decompress(data) if name.endswith(".gz") else data).decode("utf-8")


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("name, truth, navigation, published", PAGES)
def test_the_fast_reader_reads_the_article_body_not_the_site_navigation(name, truth, navigation, published):
    html = page(name)
    body = json.loads((DATA / truth).read_text(encoding="utf-8"))["articleBody"]
    article = fast(html, name)
    text = flat(article.text)
    assert flat(body.split("\n")[0]) in text  # the first sentence of the marked body
    assert flat(body.split("\n")[-1]) in text  # and the last
    for line in navigation:
        assert line in html and line not in text
    assert article.title and text.startswith(flat(article.title))  # put first: cleaning's headline


@pytest.mark.parametrize("name, truth, navigation, published", PAGES)
def test_the_fast_reader_dates_a_page_as_trafilatura_does(name, truth, navigation, published):
    html = page(name)
    assert fast(html, name).published.isoformat() == published
    assert careful(html, name).published.isoformat() == published


def test_index_reads_an_html_file_with_the_fast_reader_and_compare_with_trafilatura():
    path = DATA / "news-page-en.html"
    [item] = iter_records([path])
    assert item.article.text == fast(page(path.name), str(path)).text
    assert read_article(path).text == careful(page(path.name), str(path)).text
    assert read_article(path).text != item.article.text  # e.g. trafilatura leaves out the photo caption


def cut_page(tmp_path):
    """The Al Jazeera page cut after its ``<head>``: title and meta tags, no body (a capture that stopped
    there, or a page whose body a script writes)."""
    html = page("news-page-aljazeera.html.gz")
    path = tmp_path / "cut.html"
    path.write_text(html[: html.lower().index("</head>") + len("</head>")], encoding="utf-8")
    return path


def test_a_page_with_no_article_text_is_refused_naming_the_file(tmp_path):
    path = cut_page(tmp_path)
    for fast_html in (True, False):
        with pytest.raises(InputError) as e:
            read_article(path, fast_html=fast_html)
        assert str(e.value) == f"{path}: no article text found in this HTML page"
    [item] = iter_records([path])
    assert (item.ok, item.locator, item.reason) == (
        False,
        str(path),
        "no article text found in this HTML page",
    )


def test_a_warc_record_with_no_article_text_is_one_failure_and_the_next_record_is_read(tmp_path):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    warc = tmp_path / "day.warc.gz"
    with warc.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url, payload in (
            ("https://www.aljazeera.com/cut", cut_page(tmp_path).read_bytes()),
            ("https://www.aljazeera.com/news", page("news-page-aljazeera.html.gz").encode("utf-8")),
        ):
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(url, "response", payload=io.BytesIO(payload), http_headers=headers)
            )
    first, second = iter_records([warc])
    assert (first.ok, first.locator, first.reason) == (
        False,
        f"{warc}#0",
        "no article text found in this HTML page",
    )
    assert second.ok and second.article.source == "aljazeera.com"
    assert second.article.published.isoformat() == "2019-11-20"
