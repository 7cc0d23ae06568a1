"""clean: every line kept and labelled; wire credits parsed out of the lines they sit in."""

from __future__ import annotations

from conftest import SEED_AP
from wiretrace.clean import classify_line, clean


def kinds(text: str, title: str | None = None) -> list[tuple[str, str, str | None]]:
    blocks, _ = clean(text, title)
    return [(text[b.start : b.end], b.kind, b.reason) for b in blocks]


def test_trailing_ap_credit_is_carved_out_and_parsed():
    text = SEED_AP.read_text()
    blocks, credits = clean(text)
    assert credits == ["AP"]
    assert (text[blocks[-1].start : blocks[-1].end], blocks[-1].reason) == ("— AP", "credit line")
    assert text[blocks[-2].start : blocks[-2].end].endswith("nuclear-armed forces.")


def test_reuters_dateline_is_labelled_and_parsed():
    text = "LONDON (Reuters) - Britain's economy grew 0.3% in the third quarter, official data showed."
    blocks, credits = clean(text)
    assert credits == ["Reuters"]
    assert [(b.kind, b.reason) for b in blocks] == [("boilerplate", "dateline"), ("body", None)]
    assert text[blocks[1].start :].startswith("Britain's economy")


def test_ap_dateline_with_place_and_em_dash():
    _, credits = clean("SEOUL, South Korea (AP) — North Korea fired a missile on Monday, officials said.")
    assert credits == ["AP"]


def test_afp_credit_line_and_associated_press_name_are_one_wire_each():
    _, credits = clean("The vote was delayed.\n— AFP\nThe Associated Press contributed to this report.")
    assert credits == ["AFP", "AP"]


def test_page_furniture_reasons():
    assert classify_line("- Advertisement -", None) == ("boilerplate", "ad slot")
    assert classify_line("READ ALSO: Colombia Arrests 217 Gulf Clan Members", None) == (
        "boilerplate",
        "related link",
    )
    assert classify_line("Send this page to someone via email", None) == ("boilerplate", "prompt")
    assert classify_line("https://example.com/story/123", None) == ("boilerplate", "link")
    assert classify_line("On the ground: Kim (centre) visiting a factory. — AP", None)[1] == "caption"


def test_title_repeated_in_the_body_is_boilerplate():
    title = "Kim Jong Un Orders Artillery Surge"
    got = kinds(f"{title}\nKim spoke on Monday.\n{title}\nHe left.", title)
    assert [k for _, k, _ in got] == ["headline", "body", "boilerplate", "body"]
    assert got[2][2] == "repeated headline"


def test_ordinary_sentences_mentioning_ap_are_story_text():
    got = kinds("The AP reported that capital spending rose.\nApples are popular.")
    assert [k for _, k, _ in got] == ["body", "body"]
