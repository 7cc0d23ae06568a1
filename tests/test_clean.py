"""clean: every line kept and labelled; wire credits parsed out of the lines they sit in."""

from __future__ import annotations

import json

from conftest import DATA, SEED_AP
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


def test_real_page_furniture_and_the_story_lines_that_resemble_it():
    """Lines taken as they are from real pages and articles (tests/data/page_furniture.json)."""
    rows = json.loads((DATA / "page_furniture.json").read_text(encoding="utf-8"))
    reasons = {r["reason"] for r in rows}
    assert reasons >= {"timestamp", "credit line", "navigation", "prompt", "copyright", "link", None}
    for r in rows:
        assert classify_line(r["line"], None) == (r["kind"], r["reason"]), (r["line"], r["source"])


def test_credit_formulas_name_the_wire():
    """A derived text that credits the wire in a formula must not be reported as uncredited reuse."""
    cases = {
        "(With inputs from PTI)": ["PTI"],
        "-- With files from The Associated Press": ["AP"],
        "Source: Reuters": ["Reuters"],
        "AP-US--Trump-Impeachment, 4th Ld-Writethru": ["AP"],
        "Our Standards:The Thomson Reuters Trust Principles.": ["Reuters"],
        "SOURCE: Al Jazeera News": [],
        "(With inputs from agencies)": ["agencies"],  # a credit that names no wire
        "With agency inputs": ["agencies"],
    }
    for line, wires in cases.items():
        _, credits = clean(f"The vote passed on Monday, officials said.\n{line}")
        assert credits == wires, line


def test_dateline_without_a_dash_in_the_style_of_indian_wires():
    for text, wire in (
        ("New Delhi, Nov 19 (PTI) The government said on Tuesday it would act.", "PTI"),
        ("New Delhi [India], Nov 19 (ANI): The government said on Tuesday it would act.", "ANI"),
    ):
        blocks, credits = clean(text)
        assert credits == [wire]
        assert [(b.kind, b.reason) for b in blocks] == [("boilerplate", "dateline"), ("body", None)]
    # Without a place and a date before it, a wire name in brackets opens no dateline.
    blocks, credits = clean("Kim told The Associated Press (AP) Tuesday that he left.")
    assert (credits, [b.kind for b in blocks]) == ([], ["body"])


def test_a_timestamp_needs_a_date_not_only_a_clock_time():
    assert classify_line("Published 3 hours ago", None) == ("boilerplate", "timestamp")
    assert classify_line("9.30 A.M. / 7.00 P.M.", None) == ("body", None)  # opening hours, from a real page
    assert classify_line("0 : 0", None) == ("body", None)  # a score


def test_a_wire_named_inside_a_story_sentence_is_attribution_not_a_credit():
    """Real sentences (tests/data/inline_credits.json): "according to the Associated Press", "cited by
    AFP", "dpa reported", "told Xinhua" name the wire as the source of one claim. That is attribution,
    which the original and a rewrite may both write: no credit (the credit line, dateline or byline is
    what a copy drops), but listed as ``attributions``."""
    from wiretrace.clean import attributions

    for row in json.loads((DATA / "inline_credits.json").read_text(encoding="utf-8")):
        blocks, credits = clean(row["text"])
        assert credits == [], (row["text"], row["source"])
        assert list(attributions(row["text"], blocks)) == row["attributed"], (row["text"], row["source"])
        assert [b.kind for b in blocks] == ["body"]


def test_a_syndication_notice_names_the_first_publisher():
    from wiretrace.clean import republished_from

    notices = {
        "Originally published on Live Science.": ("Live Science",),  # a real page's line (page_furniture)
        "This article is republished from The Conversation under a Creative Commons license.": (
            "The Conversation",
        ),
        "This story originally appeared in The Atlantic on May 3, 2024.": ("The Atlantic",),
        "(With inputs from PTI)": (),  # a wire credit, not a republication notice
    }
    for line, outlets in notices.items():
        text = f"The vote passed on Monday, officials said.\n{line}"
        blocks, _ = clean(text)
        assert republished_from(text, blocks) == outlets, line


def test_a_dateline_written_against_the_first_word_is_a_credit():
    """Real CNN openings (tests/data/datelines.json): "(CNN)They ..." and "Kathmandu, Nepal (CNN)Rescuers"."""
    for row in json.loads((DATA / "datelines.json").read_text(encoding="utf-8")):
        blocks, credits = clean(row["text"])
        assert credits == row["credits"], row["source"]
        first = blocks[0]
        assert (row["text"][first.start : first.end], first.reason) == (row["dateline"], "dateline")
        assert [b.kind for b in blocks[1:]] == ["body"]
