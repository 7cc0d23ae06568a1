"""The JSON API of `wiretrace serve`, in process (Starlette's TestClient): every endpoint, the error
statuses (404, 413, 422, 403, 415), the security headers, and the corpus fixtures the other web tests
share (the bundled demo corpus and a corpus with a hostile article)."""

from __future__ import annotations

import json
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from conftest import SEED_AP, SEED_REWRITE
from wiretrace.web import create_app, demo_corpus

XSS_TITLE = '<script>window.__xss = "title"</script>Kim orders artillery surge'
XSS_SOURCE = '"><img src=x onerror="window.__xss=\'source\'">'
XSS_ID = 'xss-"><svg onload=alert(7)>'
XSS_LINES = [
    '<script>window.__xss = "script"; alert("script")</script>',
    "Read the full story <img src=x onerror=\"window.__xss='img'; alert('img')\"> here.",
    "Officials said <a href=\"javascript:window.__xss='link'\">the details</a> were classified.",
    "<svg onload=\"window.__xss='svg'\"></svg> javascript:alert('bare') was the last line.",
]


@lru_cache(maxsize=1)
def demo_db() -> Path:
    """The bundled demo corpus, indexed once per test session into a temporary cache folder."""
    return demo_corpus(Path(tempfile.mkdtemp(prefix="wt-web-demo-")))


def hostile_records() -> list[dict]:
    """The seed pair with publication dates, and a copy of the rewrite laced with markup and script."""
    rewrite = SEED_REWRITE.read_text(encoding="utf-8").strip().split("\n")
    laced = [
        rewrite[0],
        "",
        XSS_LINES[0],
        *rewrite[1:6],
        XSS_LINES[1],
        XSS_LINES[2],
        *rewrite[6:],
        XSS_LINES[3],
    ]
    return [
        {
            "id": "seed-ap",
            "text": SEED_AP.read_text(encoding="utf-8"),
            "source": "apnews.example",
            "date": "2025-05-20",
        },
        {
            "id": "seed-rewrite",
            "title": rewrite[0],
            "text": "\n".join(rewrite),
            "source": "farm.example",
            "date": "2025-05-21",
        },
        {
            "id": XSS_ID,
            "title": XSS_TITLE,
            "text": "\n".join(laced),
            "source": XSS_SOURCE,
            "url": "javascript:alert('url')",
            "date": "2025-05-23",
        },
    ]


@lru_cache(maxsize=1)
def hostile_db() -> Path:
    import wiretrace

    folder = Path(tempfile.mkdtemp(prefix="wt-web-xss-"))
    src = folder / "hostile.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in hostile_records()), encoding="utf-8")
    db = folder / "hostile.wt"
    with wiretrace.Corpus(db, workers=1) as corpus:
        report = corpus.add([src])
    assert not report.failed
    return db


def client(db: Path, **options) -> TestClient:
    options.setdefault("workers", 0)
    return TestClient(create_app(db, **options))


@pytest.fixture(scope="module")
def api():
    with client(demo_db(), demo=True) as c:
        yield c


@pytest.fixture(scope="module")
def seed_story(api) -> dict:
    stories = api.get("/api/stories").json()["stories"]
    return next(s for s in stories if "seed-ap" in s["original"])


# --- health and documentation --------------------------------------------------------------------


def test_health_reports_the_corpus_and_read_only_mode(api):
    r = api.get("/api/health")
    assert r.status_code == 200
    h = r.json()
    assert h["status"] == "ok" and h["schema"] == "wiretrace.compare/1"
    assert h["read_only"] is True and h["demo"] is True
    assert h["articles"] == 23 and h["stories"] >= 6 and h["pairs"] > 0
    assert "/" not in h["corpus"]  # a file name, never the folder it sits in


def test_openapi_documents_every_api_endpoint(api):
    spec = api.get("/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    paths = spec["paths"]
    for path, method in [
        ("/api/health", "get"),
        ("/api/stories", "get"),
        ("/api/stories/{story_id}", "get"),
        ("/api/articles", "get"),
        ("/api/articles", "post"),
        ("/api/articles/{article_id}", "get"),
        ("/api/pairs", "get"),
        ("/api/compare", "post"),
    ]:
        assert method in paths[path], (path, method)
    assert not any(p.startswith(("/stories", "/pair", "/compare", "/static")) for p in paths)


def test_api_docs_page_lists_the_endpoints_without_external_resources(api):
    r = api.get("/api/docs")
    assert r.status_code == 200
    assert "/api/compare" in r.text and "/api/stories/{story_id}" in r.text and "/openapi.json" in r.text
    assert "cdn" not in r.text.lower() and "swagger" not in r.text.lower()
    assert api.get("/docs").status_code == 404 and api.get("/redoc").status_code == 404


# --- stories -------------------------------------------------------------------------------------


def test_stories_list_has_the_cli_fields_and_the_summary(api, seed_story):
    r = api.get("/api/stories").json()
    assert r["total"] == len(r["stories"]) >= 6
    assert {"id", "size", "original", "articles", "edges"} <= set(seed_story)
    assert {"title", "sites", "uncredited_share", "adds_claims_share", "first_date", "last_date"} <= set(
        seed_story
    )
    assert {"id", "path", "title", "source", "published", "role"} <= set(seed_story["articles"][0])
    assert {"from", "to", "relation", "credited", "b_from_a"} <= set(seed_story["edges"][0])
    # the content-farm rewrite reuses the AP text without credit and adds two claims: 1 of 2 members
    assert seed_story["uncredited"] == 1 and seed_story["uncredited_share"] == 0.5
    assert seed_story["adds_claims"] == 1


def test_stories_are_paged(api):
    first = api.get("/api/stories", params={"limit": 2}).json()
    second = api.get("/api/stories", params={"limit": 2, "offset": 2}).json()
    assert len(first["stories"]) == 2 and first["total"] > 2
    assert not {s["id"] for s in first["stories"]} & {s["id"] for s in second["stories"]}


def test_stories_search_uses_full_text(api, seed_story):
    hits = api.get("/api/stories", params={"q": "artillery shells"}).json()["stories"]
    assert [s["id"] for s in hits] == [seed_story["id"]]
    assert api.get("/api/stories", params={"q": "zzzz-no-such-word"}).json()["total"] == 0


def test_stories_search_tolerates_fts_syntax(api):
    for q in ['"unbalanced', "NEAR(", "a AND OR", "*", "-x", "title:kim"]:
        assert api.get("/api/stories", params={"q": q}).status_code == 200, q


def test_stories_filter_by_site(api, seed_story):
    hits = api.get("/api/stories", params={"site": "content-farm"}).json()["stories"]
    assert [s["id"] for s in hits] == [seed_story["id"]]


def test_story_by_id(api, seed_story):
    r = api.get(f"/api/stories/{seed_story['id']}")
    assert r.status_code == 200
    s = r.json()
    assert s["original"] == ["seed-ap"]
    assert {row["site"] for row in s["site_summary"]} == {"wire", "content-farm"}


def test_a_story_shows_comparisons_made_after_it_was_built(tmp_path):
    """An index that left its diffs for later: once a pair is compared (here through the Python API), the
    story page's edge and per-site summary carry its flags and added sentences without a rebuild."""
    import wiretrace
    from conftest import DATA

    db = tmp_path / "later.wt"
    with wiretrace.Corpus(db, workers=1) as corpus:
        corpus.add([DATA / "corpus" / "corpus.jsonl"], diffs=False)
    with client(db) as c:
        story_id = next(
            s["id"] for s in c.get("/api/stories").json()["stories"] if "seed-ap" in s["original"]
        )
        before = c.get(f"/api/stories/{story_id}").json()
        farm = next(r for r in before["site_summary"] if r["site"] == "content-farm")
        assert (farm["added_sentences"], farm["compared"]) == (0, 0)
        with wiretrace.Corpus(db, workers=1) as corpus:
            assert corpus.pair("seed-ap", "seed-rewrite")["relation"]["type"] == "rewrite"
        after = c.get(f"/api/stories/{story_id}").json()
    edge = next(e for e in after["edges"] if e["to"] == "seed-rewrite")
    assert edge["added"] == 2 and edge["flags"]["quote_fabricated"] >= 1
    farm = next(r for r in after["site_summary"] if r["site"] == "content-farm")
    assert (farm["added_sentences"], farm["compared"]) == (2, 1)


def test_invalid_story_id_is_422_and_unknown_is_404(api):
    assert api.get("/api/stories/not-a-story").status_code == 422
    assert api.get("/api/stories/st-../../etc").status_code in (404, 422)
    r = api.get("/api/stories/st-0000000000")
    assert r.status_code == 404 and r.json()["error"].startswith("no such story")


# --- articles ------------------------------------------------------------------------------------


def test_article_has_text_clean_labels_story_and_pairs(api, seed_story):
    r = api.get("/api/articles/seed-rewrite")
    assert r.status_code == 200
    a = r.json()
    assert a["id"] == "seed-rewrite" and a["source"] == "content-farm" and a["story"] == seed_story["id"]
    kinds = {b["kind"] for b in a["blocks"]}
    assert {"body", "boilerplate"} <= kinds
    ad = next(b for b in a["blocks"] if "Advertisement" in a["text"][b["start"] : b["end"]])
    assert ad["kind"] == "boilerplate" and ad["reason"] == "ad slot"
    assert any(
        p["from"] == "seed-ap" and p["relation"] == "rewrite" and p["credited"] is False for p in a["pairs"]
    )


def test_wire_credits_are_labelled_credit(api):
    a = api.get("/api/articles/seed-ap").json()
    assert a["credits"] == ["AP"]
    credit = [b for b in a["blocks"] if b["kind"] == "credit"]
    assert credit and all("AP" in a["text"][b["start"] : b["end"]] for b in credit)


def test_unknown_article_is_404_and_control_characters_422(api):
    r = api.get("/api/articles/no-such-article")
    assert r.status_code == 404 and "no such article" in r.json()["error"]
    assert api.get("/api/articles/bad%01id").status_code == 422


def test_article_search(api):
    r = api.get("/api/articles", params={"q": "Kilmarnock"}).json()
    assert r["total"] >= 1
    hit = r["articles"][0]
    assert {"id", "title", "source", "story", "snippet"} <= set(hit)
    assert "Kilmarnock" in hit["snippet"].replace("\x02", "").replace("\x03", "")
    assert api.get("/api/articles", params={"q": ""}).status_code == 422


# --- pairs ---------------------------------------------------------------------------------------


def test_stored_pair_has_the_source_as_a_whatever_the_order(api):
    for a, b in (("seed-ap", "seed-rewrite"), ("seed-rewrite", "seed-ap")):
        r = api.get("/api/pairs", params={"a": a, "b": b})
        assert r.status_code == 200 and r.headers["x-wiretrace-pair"] == "stored"
        d = r.json()
        assert d["schema"] == "wiretrace.compare/1"
        assert d["a"]["id"] == "seed-ap" and d["b"]["id"] == "seed-rewrite"
        assert d["relation"]["type"] == "rewrite"


def test_unlinked_pair_is_compared_on_demand(api):
    r = api.get("/api/pairs", params={"a": "seed-ap", "b": "ecb-1_1ecb"})
    assert r.status_code == 200 and r.headers["x-wiretrace-pair"] == "computed"
    assert r.json()["relation"]["type"] == "unrelated"


def test_pair_errors(api):
    assert api.get("/api/pairs", params={"a": "seed-ap", "b": "nope"}).status_code == 404
    assert api.get("/api/pairs", params={"a": "seed-ap", "b": "seed-ap"}).status_code == 422
    assert api.get("/api/pairs", params={"a": "seed-ap"}).status_code == 422


# --- compare -------------------------------------------------------------------------------------


def test_compare_two_texts_returns_the_contract(api):
    payload = {
        "a": {
            "text": SEED_AP.read_text(encoding="utf-8"),
            "source": "apnews.example",
            "published": "2025-05-20",
        },
        "b": {"text": SEED_REWRITE.read_text(encoding="utf-8")},
    }
    r = api.post("/api/compare", json=payload)
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["schema"] == "wiretrace.compare/1" and d["relation"]["type"] == "rewrite"
    assert d["direction"]["original"] == "a"
    assert d["a"]["source"] == "apnews.example" and d["a"]["published"] == "2025-05-20"
    added = [s["text"] for s in d["b"]["sentences"] if s["label"] == "added"]
    assert any("civilian workers" in t for t in added)


def test_compare_reads_html(api):
    page = (
        "<!DOCTYPE html><html><head><title>Bridge to close</title></head><body><article>"
        "<h1>Bridge to close</h1><p>Officials said on Monday that the bridge would close for repairs.</p>"
        "<p>The work will take three weeks, the city said.</p></article></body></html>"
    )
    r = api.post(
        "/api/compare",
        json={
            "a": {"text": page},
            "b": {"text": "Officials said Monday the bridge will close. Work takes five weeks."},
        },
    )
    assert r.status_code == 200
    assert r.json()["a"]["title"] == "Bridge to close"


def test_compare_does_not_touch_the_corpus(api):
    before = api.get("/api/health").json()["articles"]
    api.post("/api/compare", json={"a": {"text": "One text here."}, "b": {"text": "Another text here."}})
    assert api.get("/api/health").json()["articles"] == before


def test_compare_validation_errors_are_422_without_echoing_the_text(api):
    r = api.post("/api/compare", json={"a": {"text": ""}, "b": {"text": "x"}})
    assert r.status_code == 422 and r.json()["error"] == "invalid request"
    secret = "S3CRET-" * 10
    r = api.post("/api/compare", json={"a": {"text": secret}, "b": {"text": "x"}, "c": 1})
    assert r.status_code == 422 and secret not in r.text
    assert (
        api.post(
            "/api/compare", content=b"not json", headers={"content-type": "application/json"}
        ).status_code
        == 422
    )
    r = api.post("/api/compare", json={"a": {"text": "\x00\x01\x02"}, "b": {"text": "plain words here"}})
    assert r.status_code in (200, 422)


def test_body_over_the_cap_is_413_with_the_limit_named():
    with client(demo_db(), max_body=64 * 1024) as c:
        r = c.post("/api/compare", json={"a": {"text": "x" * 100_000}, "b": {"text": "y"}})
        assert r.status_code == 413
        assert "64 KiB" in r.json()["error"]
        r = c.post("/compare", files={"a_file": ("a.txt", b"z" * 100_000)}, data={"b_text": "b"})
        assert r.status_code == 413 and "64 KiB" in r.text


def test_streamed_body_over_the_cap_is_413():
    def chunks():
        for _ in range(40):
            yield b"x" * 4096

    with client(demo_db(), max_body=64 * 1024) as c:
        r = c.post("/api/compare", content=chunks(), headers={"content-type": "application/json"})
        assert r.status_code == 413


def test_article_text_over_the_limit_is_413(api):
    long = "Word after word. " * 7000  # about 119,000 characters
    r = api.post("/api/compare", json={"a": {"text": long}, "b": {"text": "Word after word."}})
    assert r.status_code == 413 and "100,000 characters" in r.json()["error"]


# --- writes --------------------------------------------------------------------------------------


def test_adding_articles_is_refused_on_a_read_only_server(api):
    r = api.post("/api/articles", json={"articles": [{"text": "A new article. It says things."}]})
    assert r.status_code == 403
    assert "--allow-writes" in r.json()["error"]
    assert api.get("/api/health").json()["articles"] == 23


def test_adding_articles_with_allow_writes_indexes_them(tmp_path):
    db = tmp_path / "corpus.wt"
    shutil.copy(demo_db(), db)
    with client(db, allow_writes=True) as c:
        assert c.get("/api/health").json()["read_only"] is False
        text = SEED_REWRITE.read_text(encoding="utf-8").replace("Kim Jong Un", "Kim Jong-un")
        r = c.post(
            "/api/articles",
            json={
                "articles": [
                    {"text": text, "id": "copy-1", "source": "copycat.example", "published": "2025-05-22"},
                    {"text": "x"},
                ]
            },
        )
        assert r.status_code == 200, r.text
        out = r.json()
        assert out["indexed"] == 2 and out["ids"][0] == "copy-1"
        assert c.get("/api/health").json()["articles"] == 25
        story = c.get("/api/stories/" + c.get("/api/articles/copy-1").json()["story"]).json()
        assert {"seed-ap", "seed-rewrite", "copy-1"} <= {a["id"] for a in story["articles"]}
        again = c.post("/api/articles", json={"articles": [{"text": text, "id": "copy-1"}]}).json()
        assert again["duplicates"] == 1 and again["indexed"] == 0
        form = c.post("/api/articles", data={"articles": "x"})
        assert form.status_code == 415


def test_an_empty_corpus_serves_and_fills_through_the_api(tmp_path):
    import wiretrace

    db = tmp_path / "empty.wt"
    wiretrace.Corpus(db).close()
    with client(db, allow_writes=True) as c:
        assert c.get("/api/stories").json()["total"] == 0
        assert "no story of two or more articles yet" in c.get("/").text
        articles = [
            {"id": "ap", "text": SEED_AP.read_text(encoding="utf-8"), "source": "apnews.example"},
            {"id": "farm", "text": SEED_REWRITE.read_text(encoding="utf-8"), "source": "farm.example"},
        ]
        assert c.post("/api/articles", json={"articles": articles}).json()["ids"] == ["ap", "farm"]
        story = c.get("/api/stories").json()["stories"][0]
        assert story["original"] == ["ap"]
        assert c.get(f"/stories/{story['id']}").status_code == 200


# --- security ------------------------------------------------------------------------------------


def test_every_response_carries_a_csp_with_no_external_source(api, seed_story):
    for url in [
        "/",
        f"/stories/{seed_story['id']}",
        "/articles/seed-ap",
        "/pair?a=seed-ap&b=seed-rewrite",
        "/compare",
        "/api/docs",
        "/api/health",
        "/api/stories/st-0000000000",
        "/nope",
    ]:
        r = api.get(url)
        csp = r.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "http" not in csp and "unsafe-inline" not in csp and "*" not in csp
        assert r.headers["x-content-type-options"] == "nosniff"


def test_pages_load_nothing_from_elsewhere(api, seed_story):
    import re

    for url in [
        "/",
        f"/stories/{seed_story['id']}",
        "/articles/seed-ap",
        "/pair?a=seed-ap&b=seed-rewrite",
        "/compare",
        "/api/docs",
    ]:
        html = api.get(url).text
        refs = re.findall(r'(?:src|href)="([^"]+)"', html)
        assert refs, url
        outside = [r for r in refs if not r.startswith(("/", "#")) and not r.startswith("http://www.w3.org")]
        assert outside == [], (url, outside)
        assert "<style" not in html and " style=" not in html and "<script>" not in html


def test_static_files_are_a_fixed_table(api):
    assert api.get("/static/app.css").headers["content-type"].startswith("text/css")
    assert "findings" in api.get("/static/pair.js").text
    for bad in [
        "/static/../pyproject.toml",
        "/static/%2e%2e%2fcli.py",
        "/static/templates/base.html",
        "/static/x",
    ]:
        assert api.get(bad).status_code == 404, bad


def test_loopback_server_refuses_other_host_names():
    with client(demo_db(), allowed_hosts=frozenset({"127.0.0.1", "localhost", "::1"})) as c:
        assert c.get("/api/health", headers={"host": "127.0.0.1:8000"}).status_code == 200
        assert c.get("/api/health", headers={"host": "[::1]:8000"}).status_code == 200
        assert c.get("/api/health", headers={"host": "evil.example"}).status_code == 400


def test_hostile_article_is_served_as_data(tmp_path):
    with client(hostile_db()) as c:
        a = c.get("/api/articles/" + XSS_ID.replace('"', "%22").replace(">", "%3E").replace("<", "%3C"))
        assert a.status_code == 200 and a.headers["content-type"] == "application/json"
        assert a.json()["title"] == XSS_TITLE and a.json()["source"] == XSS_SOURCE
