"""ingest: every supported format becomes an Article; unusable input is refused with a clear reason."""

from __future__ import annotations

import codecs
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import wiretrace
from conftest import DATA, SEED_AP, SEED_REWRITE
from wiretrace.errors import InputError
from wiretrace.ingest import MAX_BYTES, read_article
from wiretrace.ingest.decode import decode
from wiretrace.ingest.read import parse_text


def test_plain_text_first_line_is_the_title_when_it_looks_like_one():
    art = read_article(SEED_REWRITE)
    assert art.title == "Kim Jong Un Orders Artillery Surge as North Korea Arms Russia"
    assert art.path == str(SEED_REWRITE)


def test_a_text_file_naming_a_ticker_in_angle_brackets_is_text_not_html():
    # "Phillips Petroleum <P> and": a Reuters ticker, not a paragraph tag
    art = read_article(DATA / "reuters_crude_unocal.txt")
    assert art.title == "UNOCAL <UCL> RAISES CRUDE OIL POSTINGS"
    assert "Phillips Petroleum <P> and" in art.text
    assert parse_text("<p>One paragraph.</p><p>Another.</p>", "<stdin>").text.startswith("One paragraph.")


def test_html_page_yields_body_title_and_site():
    art = read_article(DATA / "news-page-en.html")
    truth = json.loads((DATA / "news-page-en.truth.json").read_text())["articleBody"]
    first_words = " ".join(truth.split()[:8])
    assert first_words in " ".join(art.text.split())
    assert art.title and "Europa" in art.title


def test_news_please_json(tmp_path):
    p = tmp_path / "a.json"
    p.write_text(
        json.dumps(
            {
                "title": "Kim orders shells",
                "maintext": SEED_REWRITE.read_text(),
                "date_publish": "2025-05-20 08:00:00",
                "source_domain": "example.com",
                "url": "https://example.com/x",
            }
        )
    )
    art = read_article(p)
    assert (art.title, art.published.isoformat(), art.source) == (
        "Kim orders shells",
        "2025-05-20",
        "example.com",
    )


def test_a_placeholder_date_is_no_date_and_the_pair_still_compares(tmp_path):
    # Five pages of the article-extraction benchmark declare "0001-01-01"; "last Monday" resolved against
    # it ran off the calendar (OverflowError) in compare.
    p = tmp_path / "a.json"
    p.write_text(
        json.dumps({"title": "Kim orders shells", "maintext": SEED_REWRITE.read_text(), "date": "0001-01-01"})
    )
    art = read_article(p)
    assert art.published is None
    report = wiretrace.compare(SEED_AP.read_text(), art)
    assert report.relation.type in ("copy", "rewrite")


def test_passim_json(tmp_path):
    p = tmp_path / "a.json"
    p.write_text(
        json.dumps({"id": "ap-123", "text": "North Korea sent troops.", "series": "ap", "date": "2025-05-19"})
    )
    art = read_article(p)
    assert (art.id, art.source, str(art.published)) == ("ap-123", "ap", "2025-05-19")


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (bytes(range(256)) * 4, "binary"),
        (b'{"title": "x"}', "no article text"),
    ],
)
def test_unusable_files_are_refused_with_the_reason(tmp_path, content, reason):
    p = tmp_path / "bad.json"
    p.write_bytes(content)
    with pytest.raises(InputError) as e:
        read_article(p)
    assert reason in str(e.value) and str(p) in str(e.value)


def test_latin1_and_utf16_with_bom_are_decoded(tmp_path):
    text = "Le président a déclaré que la guerre continuerait."
    (tmp_path / "l1.txt").write_bytes(text.encode("latin-1"))
    (tmp_path / "u16.txt").write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    assert read_article(tmp_path / "l1.txt").text == text
    assert read_article(tmp_path / "u16.txt").text == text


def test_a_file_over_the_limit_is_refused_before_it_is_read(tmp_path):
    p = tmp_path / "huge.txt"
    with p.open("wb") as f:
        f.truncate(50 * 1024 * 1024)  # sparse: 50 MB on paper, nothing on disk
    assert p.stat().st_size > MAX_BYTES
    with pytest.raises(InputError, match="MiB"):
        read_article(p)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_article(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="folder"):
        read_article(tmp_path)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400))
def test_decoding_any_bytes_gives_text_or_a_clear_error(data):
    try:
        text, enc = decode(data, "fuzz.bin")
    except InputError as e:
        assert e.where == "fuzz.bin" and e.reason
    else:
        assert isinstance(text, str) and enc


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=400), st.sampled_from(["a.txt", "a.json", "a.html", "a.md", ""]), st.booleans())
def test_parsing_any_text_gives_an_article_or_a_clear_error(text, name, fast_html):
    try:
        art = parse_text(text, "fuzz", name, fast_html=fast_html)
    except InputError as e:
        assert e.where == "fuzz" and e.reason
    else:
        assert art.text.strip()
