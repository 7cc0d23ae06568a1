"""The self-contained HTML evidence pack (report/html.py and its templates)."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

import pytest
from markupsafe import Markup, escape

import wiretrace
from wiretrace.report.html import build_view, environment, highlight, render_html, verdict

DATA = Path(__file__).parent / "data"
SEED_A, SEED_B = DATA / "seed_ap.txt", DATA / "seed_rewrite.txt"
SCRIPTS_EMITTED = 1  # the page's own inline script, nothing else

HOSTILE_A = (
    "Officials said on Monday that the bridge would close for repairs. <script>alert(1)</script> "
    "The work will take three weeks, the city said.\n\n"
    "Residents near <img src=x onerror=alert(1)> the river were told to use the ferry. "
    'See <a href="javascript:alert(1)">x</a> for details.'
)
HOSTILE_B = (
    "Officials said Monday the bridge will close for repairs. <script>alert(1)</script> "
    "The work will take five weeks, the city said.\n\n"
    "Residents near <img src=x onerror=alert(1)> the river must use the ferry. "
    'See <a href="javascript:alert(1)">x</a> for details.'
)


class Page(HTMLParser):
    """Collects tags, attributes and the text of each sentence block (``p.stext`` inside ``article#x-i``)."""

    VOID: ClassVar[set[str]] = {
        "meta",
        "br",
        "img",
        "input",
        "link",
        "hr",
        "wbr",
        "source",
        "area",
        "base",
        "col",
        "embed",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: dict[str, int] = {}
        self.attrs: list[tuple[str, str, str | None]] = []
        self.classes: dict[str, set[str]] = {}  # element id -> classes
        self.sentence_text: dict[str, str] = {}
        self.marks: dict[str, set[int]] = {}  # sentence id -> character positions inside a <mark>
        self.stack: list[str] = []
        self.unbalanced: list[str] = []
        self._sentence: str | None = None
        self._in_text = False
        self._in_mark = False
        self.script_text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1
        d = dict(attrs)
        self.attrs.extend((tag, k, v) for k, v in attrs)
        if "id" in d:
            self.classes[d["id"]] = set((d.get("class") or "").split())
        if tag == "article" and d.get("data-side"):
            self._sentence = d["id"]
        if tag == "p" and "stext" in (d.get("class") or "").split() and self._sentence:
            self._in_text = True
            self.sentence_text[self._sentence] = ""
        if tag == "mark" and self._in_text:
            self._in_mark = True
        if tag == "script":
            self._in_script = True
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.unbalanced.append(tag)
        else:
            self.stack.pop()
        if tag == "p":
            self._in_text = False
        if tag == "article":
            self._sentence = None
        if tag == "mark":
            self._in_mark = False
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_text and self._sentence:
            at = len(self.sentence_text[self._sentence])
            self.sentence_text[self._sentence] += data
            if self._in_mark:
                self.marks.setdefault(self._sentence, set()).update(range(at, at + len(data)))
        if self._in_script:
            self.script_text.append(data)


def parse(html: str) -> Page:
    p = Page()
    p.feed(html)
    p.close()
    return p


@pytest.fixture(scope="module")
def seed():
    if not (SEED_A.is_file() and SEED_B.is_file()):
        pytest.skip("seed pair missing from tests/data")
    c = wiretrace.compare(str(SEED_A), str(SEED_B))
    return c.to_dict(), render_html(c)


@pytest.fixture(scope="module")
def hostile():
    c = wiretrace.compare(HOSTILE_A, HOSTILE_B)
    return c.to_dict(), render_html(c)


def test_one_self_contained_document(seed):
    _, html = seed
    assert html.lstrip().startswith("<!DOCTYPE html>")
    assert html.count("<html") == 1 and html.count("</html>") == 1
    page = parse(html)
    assert page.tags.get("html") == 1 and page.tags.get("body") == 1 and page.tags.get("head") == 1
    assert page.tags.get("script") == SCRIPTS_EMITTED
    assert page.tags.get("style") == 1
    assert not page.stack and not page.unbalanced, (page.stack, page.unbalanced)
    for tag in ("link", "img", "iframe", "object", "embed", "base", "form"):
        assert tag not in page.tags
    for tag, name, value in page.attrs:
        if name in ("src", "href", "action", "srcset", "poster"):
            assert not re.match(r"\s*(https?:|//)", value or "", re.I), (tag, name, value)
        if name == "href":
            assert (value or "").startswith("#"), value
    assert not re.search(r"@import|url\(", html)
    csp = [v for t, k, v in page.attrs if t == "meta" and k == "content" and "default-src" in (v or "")]
    assert csp == ["default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"]


def test_every_sentence_appears_escaped(seed):
    d, html = seed
    page = parse(html)
    for side in ("a", "b"):
        for s in d[side]["sentences"]:
            assert page.sentence_text[f"{side}-{s['i']}"] == s["text"]
    unmarked = [s for s in d["b"]["sentences"] if f"b-{s['i']}" not in page.marks]
    assert unmarked
    for s in unmarked:
        assert str(escape(s["text"])) in html


def test_labels_are_css_classes(seed):
    d, html = seed
    page = parse(html)
    for side in ("a", "b"):
        for s in d[side]["sentences"]:
            classes = page.classes[f"{side}-{s['i']}"]
            assert "sent" in classes and f"lab-{s['label']}" in classes
    for label in ("verbatim", "paraphrase", "altered", "added", "boilerplate", "headline", "kept", "omitted"):
        assert f"lab-{label}" in html  # the legend names every label


def test_flag_spans_are_marked_on_both_sides(seed):
    d, html = seed
    page = parse(html)
    a_by_i = {s["i"]: s for s in d["a"]["sentences"]}
    n_flags = n_a_marks = 0
    for s in d["b"]["sentences"]:
        for f in s["flags"]:
            n_flags += 1
            assert str(escape(f["detail"])) in html
            if f["b_span"] and s["start"] <= f["b_span"][0] < f["b_span"][1] <= s["end"]:
                lo, hi = f["b_span"][0] - s["start"], f["b_span"][1] - s["start"]
                assert set(range(lo, hi)) <= page.marks.get(f"b-{s['i']}", set()), f
            if f["a_span"]:
                for ai in s["matches"]:
                    t = a_by_i[ai]
                    if t["start"] <= f["a_span"][0] < f["a_span"][1] <= t["end"]:
                        lo, hi = f["a_span"][0] - t["start"], f["a_span"][1] - t["start"]
                        assert set(range(lo, hi)) <= page.marks.get(f"a-{ai}", set()), f
                        n_a_marks += 1
    assert n_flags and n_a_marks


def test_uncredited_reuse_finding(seed):
    d, html = seed
    assert any(f["type"] == "uncredited_reuse" for f in d["findings"])
    page = parse(html)
    alerts = [v for t, k, v in page.attrs if t == "li" and k == "class"]
    assert any("uncredited_reuse" in (v or "").split() for v in alerts)
    for f in d["findings"]:
        assert str(escape(f["detail"])) in html
    assert "REWRITE" in html and d["relation"]["type"] == "rewrite"


def test_findings_are_navigable(seed):
    d, html = seed
    page = parse(html)
    for s in d["b"]["sentences"]:
        is_finding = s["label"] in ("altered", "added") or bool(s["flags"])
        assert ("finding" in page.classes[f"b-{s['i']}"]) == is_finding
        assert page.classes[f"b-{s['i']}"] >= {"sent"}
    script = "".join(page.script_text)
    for key in ('"j"', '"k"', '"n"', '"p"'):
        assert key in script


def test_hostile_article_text_is_escaped(hostile):
    d, html = hostile
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    page = parse(html)
    assert page.tags.get("script") == SCRIPTS_EMITTED
    assert "img" not in page.tags
    for tag, name, value in page.attrs:
        assert not name.startswith("on"), (tag, name, value)
        if name in ("href", "src"):
            assert "javascript:" not in (value or "").lower(), (tag, name, value)
    assert any("<script>alert(1)</script>" in t for t in page.sentence_text.values())
    for side in ("a", "b"):
        for s in d[side]["sentences"]:
            assert page.sentence_text[f"{side}-{s['i']}"] == s["text"]


def test_hostile_metadata_is_escaped():
    evil = '</title><script>alert("t")</script>'
    a = wiretrace.Article(
        text=HOSTILE_A, title=evil, source='"><svg onload=alert(1)>', url="javascript:alert(2)"
    )
    html = render_html(wiretrace.compare(a, HOSTILE_B))
    assert evil not in html and "<svg" not in html
    page = parse(html)
    assert page.tags.get("script") == SCRIPTS_EMITTED and page.tags.get("title") == 1
    assert all("javascript:" not in (v or "") for t, k, v in page.attrs if k in ("href", "src"))


def test_unrelated_texts_render():
    a = "The city council approved a new budget for parks on Tuesday. Funding rises by ten percent."
    b = "A rare comet will be visible from the southern hemisphere next week, astronomers said."
    c = wiretrace.compare(a, b)
    html = render_html(c)
    page = parse(html)
    assert not page.stack and not page.unbalanced
    assert page.tags.get("script") == SCRIPTS_EMITTED
    assert c.to_html() == html


def test_highlight_escapes_and_merges_overlaps():
    text = 'x <b>"q"</b> & y'
    out = highlight(
        text,
        100,
        [
            (102, 105, "m-flag", 'tip "<one>"'),
            (104, 109, "m-severe", "two & three"),
            (50, 60, "m-flag", "outside"),
            (113, 999, "m-note", "clipped"),
        ],
    )
    assert isinstance(out, Markup)
    assert "<b>" not in str(out) and "</b>" not in str(out)
    assert unescape(re.sub(r"<[^>]*>", "", str(out))) == text
    assert 'title="tip &#34;&lt;one&gt;&#34;"' in out
    assert '<mark class="m-severe" title="tip &#34;&lt;one&gt;&#34;\ntwo &amp; three">&gt;</mark>' in out
    assert "outside" not in out
    assert '<mark class="m-note" title="clipped">&amp; y</mark>' in out
    assert highlight(text, 0, []) == escape(text)


def test_view_reads_only_the_contract(seed):
    d, _ = seed
    view = build_view(d)
    assert [s["i"] for s in view["b"]] == [s["i"] for s in d["b"]["sentences"]]
    assert view["verdict"]["kind"] == d["relation"]["type"]
    assert view["n_findings"] == sum(s["finding"] for s in view["b"])


def test_verdict_wording():
    assert verdict("rewrite", "a") == {
        "kind": "rewrite",
        "subject": "b",
        "phrase": "is a REWRITE of",
        "object": "a",
    }
    assert verdict("copy", "b")["subject"] == "a" and verdict("copy", "b")["object"] == "b"
    assert verdict("rewrite", "unknown")["subject"] == "b"
    assert "SAME EVENT" in verdict("same_event", "unknown")["phrase"]
    assert "UNRELATED" in verdict("unrelated", "unknown")["phrase"]


def test_environment_is_cached_and_autoescapes():
    env = environment()
    assert env is environment()
    assert env.autoescape is True or env.autoescape("compare.html")
    assert env.get_template("compare.html") is env.get_template("compare.html")
