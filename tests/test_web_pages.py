"""The HTML pages of `wiretrace serve` as a reader gets them (no browser: the HTML itself), and the
lineage layout they draw."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

import pytest

from conftest import SEED_AP, SEED_REWRITE
from test_web_api import XSS_ID, XSS_SOURCE, XSS_TITLE, client, demo_db, hostile_db
from wiretrace.web.lineage import depths, lineage, timeline


class Tags(HTMLParser):
    """Every start tag with its attributes, and the page's text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse(html: str) -> Tags:
    t = Tags()
    t.feed(html)
    return t


def by_class(page: Tags, tag: str, cls: str) -> list[dict]:
    return [a for t, a in page.tags if t == tag and cls in (a.get("class") or "").split()]


@pytest.fixture(scope="module")
def web():
    with client(demo_db(), demo=True) as c:
        yield c


@pytest.fixture(scope="module")
def seed_story_id(web) -> str:
    return next(s["id"] for s in web.get("/api/stories").json()["stories"] if "seed-ap" in s["original"])


@pytest.fixture(scope="module")
def hostile():
    with client(hostile_db()) as c:
        yield c


# --- stories -------------------------------------------------------------------------------------


def test_stories_page_lists_every_demo_story_newest_first(web):
    html = web.get("/").text
    stories = web.get("/api/stories").json()["stories"]
    links = re.findall(r'href="/stories/(st-[0-9a-f]{10})"', html)
    assert list(dict.fromkeys(links)) == [s["id"] for s in stories]
    assert "Leader Kim Jong-un has called" in html  # the AP story's first sentence stands in for its title
    assert "independent reports" in html  # the ECB+ story has no original


def test_every_story_article_and_edge_of_the_demo_renders(web):
    for s in web.get("/api/stories").json()["stories"]:
        assert web.get(f"/stories/{s['id']}").status_code == 200, s["id"]
        for e in s["edges"]:
            assert web.get("/pair", params={"a": e["from"], "b": e["to"]}).status_code == 200, e
        for a in s["articles"]:
            assert web.get(f"/articles/{a['id']}").status_code == 200, a["id"]


def test_stories_page_shows_uncredited_and_added_shares(web, seed_story_id):
    html = web.get("/").text
    row = html[html.index(f'href="/stories/{seed_story_id}"') :]
    row = row[: row.index("</tr>")]
    assert row.count("50%") == 2  # 1 of 2 members uncredited, 1 of 2 adds unsupported claims


def test_search_box_filters_stories_and_lists_matching_articles(web, seed_story_id):
    html = web.get("/", params={"q": "munitions"}).text
    assert f"/stories/{seed_story_id}" in html
    assert "Articles matching" in html and "<mark>munitions</mark>" in html.lower().replace(
        "<mark>munitions", "<mark>munitions"
    )
    assert len(set(re.findall(r'href="/stories/(st-[0-9a-f]{10})"', html))) == 1


def test_site_and_date_filters(hostile):
    # the rewrite (2025-05-21, farm.example) and its laced copy (2025-05-23) make one story
    assert "/stories/st-" in hostile.get("/", params={"site": "farm.example"}).text
    assert "No story matches" in hostile.get("/", params={"site": "nowhere.example"}).text
    assert "No story matches" in hostile.get("/", params={"since": "2025-06-01"}).text
    assert "No story matches" in hostile.get("/", params={"until": "2025-05-19"}).text
    assert "/stories/st-" in hostile.get("/", params={"since": "2025-05-22", "until": "2025-05-22"}).text
    assert "/stories/st-" in hostile.get("/", params={"since": "2025-05-23"}).text
    assert hostile.get("/", params={"since": "not-a-date", "page": "x", "min_size": "-4"}).status_code == 200


# --- story ---------------------------------------------------------------------------------------


def test_story_page_draws_the_lineage(web, seed_story_id):
    html = web.get(f"/stories/{seed_story_id}").text
    page = parse(html)
    svg = [a for t, a in page.tags if t == "svg" and a.get("id") == "lineage"]
    assert svg, "no lineage picture"
    nodes = by_class(page, "a", "node")
    assert {n["data-id"] for n in nodes} == {"seed-ap", "seed-rewrite"}
    original = [n for n in nodes if "original" in n["class"].split()]
    assert [n["data-id"] for n in original] == ["seed-ap"]
    edges = by_class(page, "a", "edge")
    assert len(edges) == 1 and "edge-rewrite" in edges[0]["class"] and "uncredited" in edges[0]["class"]
    assert unescape(edges[0]["href"]) == "/pair?a=seed-ap&b=seed-rewrite"
    assert "ORIGINAL" in html and "⚠ uncredited" in html


def test_story_page_has_members_timeline_and_sites(web, seed_story_id):
    html = web.get(f"/stories/{seed_story_id}").text
    assert "Timeline" in html and 'class="timeline"' in html
    assert "Per site" in html and "content-farm" in html
    assert 'action="/pair"' in html  # any two members can be compared
    assert "seen 20" in html  # the demo's dates are capture times, shown as such


def test_same_event_story_has_dotted_links_and_no_original(web):
    story = next(s for s in web.get("/api/stories").json()["stories"] if s["id"] and not s["original"])
    page = parse(web.get(f"/stories/{story['id']}").text)
    edges = by_class(page, "a", "edge")
    assert edges and all("edge-same_event" in e["class"] for e in edges)
    assert not [n for n in by_class(page, "a", "node") if "original" in n["class"].split()]


def test_unknown_or_malformed_story_is_a_404_page(web):
    for url in ["/stories/st-0000000000", "/stories/whatever", "/stories/st-<script>"]:
        r = web.get(url)
        assert r.status_code == 404 and "<script>" not in r.text.split("</head>")[1].replace(
            "<script src", ""
        )


# --- pair ----------------------------------------------------------------------------------------


def test_pair_page_is_the_compare_report_pair_view(web):
    html = web.get("/pair", params={"a": "seed-ap", "b": "seed-rewrite"}).text
    page = parse(html)
    added = by_class(page, "article", "lab-added")
    texts = unescape(html)
    assert len(added) == 2
    assert "civilian workers" in texts and "billions of dollars" in texts
    assert {a["id"] for a in added} <= {f"b-{i}" for i in range(40)}
    assert by_class(page, "section", "pair") and by_class(page, "div", "legend")
    assert "uncredited reuse" in html.lower()
    assert '<script src="/static/pair.js' in html and '<link rel="stylesheet" href="/static/pair.css' in html
    assert 'href="/articles/seed-ap"' in html  # column titles link to the article pages


def test_pair_page_asked_in_reverse_shows_the_source_as_a(web):
    html = web.get("/pair", params={"a": "seed-rewrite", "b": "seed-ap"}).text
    assert "order differs from the one asked" in html


def test_pair_page_errors(web):
    assert web.get("/pair", params={"a": "seed-ap"}).status_code == 404
    assert web.get("/pair", params={"a": "seed-ap", "b": "none"}).status_code == 404


def test_pair_css_and_js_are_the_report_macros(web):
    from wiretrace.report.html import pair_assets

    css, js = pair_assets()
    assert web.get("/static/pair.css").text == css and web.get("/static/pair.js").text == js
    assert ".lab-added" in css and "finding" in js


# --- compare -------------------------------------------------------------------------------------


def test_compare_form_round_trip_with_pasted_text(web):
    form = web.get("/compare").text
    assert 'enctype="multipart/form-data"' in form and 'name="a_text"' in form and 'name="b_file"' in form
    r = web.post(
        "/compare",
        data={
            "a_text": SEED_AP.read_text(encoding="utf-8"),
            "b_text": SEED_REWRITE.read_text(encoding="utf-8"),
            "a_source": "apnews.example",
        },
    )
    assert r.status_code == 200
    assert "is a REWRITE of" in r.text and "lab-added" in r.text and "apnews.example" in r.text


def test_compare_form_takes_uploaded_files(web):
    html_page = (
        b"<html><head><title>Bridge to close</title></head><body><article><h1>Bridge to close</h1>"
        b"<p>Officials said on Monday that the bridge would close for repairs.</p>"
        b"<p>The work will take three weeks, the city said.</p></article></body></html>"
    )
    r = web.post(
        "/compare",
        files={
            "a_file": ("bridge.html", html_page, "text/html"),
            "b_file": (
                "b.txt",
                b"Officials said Monday the bridge will close. Work takes five weeks.",
                "text/plain",
            ),
        },
    )
    assert r.status_code == 200 and "Bridge to close" in r.text


def test_compare_form_errors_keep_what_was_typed(web):
    r = web.post("/compare", data={"a_text": "Only one side <b>here</b>.", "b_text": "  "})
    assert r.status_code == 422 and "Paste or upload both texts" in r.text
    assert "Only one side &lt;b&gt;here&lt;/b&gt;." in r.text
    r = web.post("/compare", files={"a_file": ("x.bin", b"\x00\x01\x02\x03" * 50)}, data={"b_text": "text"})
    assert r.status_code == 422 and "binary" in r.text


# --- article -------------------------------------------------------------------------------------


def test_article_page_strikes_boilerplate_and_highlights_credits(web):
    html = web.get("/articles/seed-ap").text
    page = parse(html)
    struck = [a for a in by_class(page, "del", "bp") if "title" in a]  # the legend's sample has none
    assert struck and "caption" in struck[0]["title"]
    credits = by_class(page, "mark", "credit")
    assert len(credits) >= 2  # "— AP" at the end, and AP inside the struck caption
    assert "— AP" in unescape(html)
    assert "/pair?a=seed-ap&amp;b=seed-rewrite" in html  # its pair
    assert re.search(r'href="/stories/st-[0-9a-f]{10}"', html)  # its story


def test_article_page_of_the_rewrite_marks_its_ads_and_links(web):
    html = unescape(web.get("/articles/seed-rewrite").text)
    struck = re.findall(r'<del class="bp" title="([^"]+)">(.*?)</del>', html, re.S)
    reasons = {r for r, _ in struck}
    assert "boilerplate: ad slot" in reasons and "boilerplate: related link" in reasons


def test_unknown_article_is_a_404_page(web):
    assert web.get("/articles/no-such-id").status_code == 404


# --- hostile text --------------------------------------------------------------------------------


def hostile_pages(hostile) -> dict[str, str]:
    story = hostile.get("/api/stories").json()["stories"][0]
    quoted = "/articles/" + XSS_ID.replace('"', "%22").replace(">", "%3E").replace("<", "%3C").replace(
        " ", "%20"
    )
    return {
        "stories": hostile.get("/").text,
        "search": hostile.get("/", params={"q": "script"}).text,
        "story": hostile.get(f"/stories/{story['id']}").text,
        "article": hostile.get(quoted).text,
        "pair": hostile.get("/pair", params={"a": "seed-rewrite", "b": XSS_ID}).text,
        "pair2": hostile.get("/pair", params={"a": "seed-ap", "b": XSS_ID}).text,
    }


def test_hostile_text_title_site_and_id_are_escaped_everywhere(hostile):
    for name, html in hostile_pages(hostile).items():
        page = parse(html)
        scripts = [a for t, a in page.tags if t == "script"]
        assert all(a.get("src", "").startswith("/static/") for a in scripts), name
        assert not [a for t, a in page.tags if t in ("img", "iframe", "object", "embed")], name
        assert not [a for t, a in page.tags for k in a if k.startswith("on")], name
        hrefs = [a.get("href") or "" for t, a in page.tags if "href" in a]
        assert not [h for h in hrefs if h.strip().lower().startswith("javascript:")], name
        assert "<script>window" not in html and "<svg onload" not in html, name
    article = unescape(hostile_pages(hostile)["article"])
    assert XSS_TITLE in article and XSS_SOURCE in article  # shown as text


def test_hostile_id_links_are_percent_encoded(hostile):
    html = hostile_pages(hostile)["story"]
    assert "/articles/xss-%22%3E%3Csvg%20onload%3Dalert%287%29%3E" in html


# --- lineage layout ------------------------------------------------------------------------------


def edge(a: str, b: str, relation: str = "rewrite", **kw) -> dict:
    return {
        "from": a,
        "to": b,
        "relation": relation,
        "credited": kw.get("credited"),
        "b_from_a": 0.8,
        "uncertain": kw.get("uncertain", False),
        "date_basis": "compare",
        "flags": {},
        "added": 0,
    }


def member(i: str, role: str, published: str | None = None) -> dict:
    return {"id": i, "source": f"{i}.example", "role": role, "published": published, "first_seen": None}


def test_depth_is_the_longest_derivation_path():
    d = depths(["w", "a", "b", "c"], [edge("w", "a"), edge("a", "b"), edge("w", "b"), edge("w", "c")])
    assert d == {"w": 0, "a": 1, "b": 2, "c": 1}


def test_layout_puts_each_derived_text_right_of_its_source():
    story = {
        "articles": [
            member("w", "original", "2025-05-20"),
            member("a", "rewrite"),
            member("b", "copy"),
            member("x", "same_event"),
        ],
        "edges": [
            edge("w", "a", credited=False),
            edge("a", "b", "copy", uncertain=True),
            edge("w", "x", "same_event"),
        ],
    }
    g = lineage(story, {}, lambda kind, *ids: "/" + kind + "/" + "/".join(ids))
    x = {n["id"]: n["x"] for n in g["nodes"]}
    assert x["w"] < x["a"] < x["b"] and x["x"] == x["w"]
    kinds = {(e["kind"], e["uncertain"]) for e in g["edges"]}
    assert kinds == {("rewrite", False), ("copy", True), ("same_event", False)}
    assert all(
        n["x"] >= 0 and n["x"] + n["w"] <= g["width"] and n["y"] + n["h"] <= g["height"] for n in g["nodes"]
    )
    assert next(n for n in g["nodes"] if n["id"] == "w")["original"]
    assert next(e for e in g["edges"] if e["kind"] == "rewrite")["credit"] == "uncredited"


def test_timeline_marks_capture_dates_hollow_and_lists_undated():
    story = {
        "articles": [
            member("w", "original", "2025-05-20"),
            member("a", "rewrite"),
            {**member("b", "copy"), "first_seen": "2025-05-22T10:00:00Z"},
        ]
    }
    t = timeline(story, lambda *a: "#")
    assert [m["hollow"] for m in t["marks"]] == [False, True]
    assert [a["id"] for a in t["undated"]] == ["a"]
    assert t["marks"][0]["x"] < t["marks"][1]["x"]
    assert timeline({"articles": [member("a", "rewrite")]}, lambda *a: "#") is None
