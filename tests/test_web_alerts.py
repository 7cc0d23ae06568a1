"""Alerts in the web UI and API: the Alerts page (newest first, filters, the count in the header),
``GET /api/alerts``, and tracks, which only a server started with ``--allow-writes`` may change.

The corpus is built the way a user builds it: ``Watcher`` rounds against a local feed server
(tests/feedserver.py) serving the real AP story and its real rewrite (tests/data/seed_*.txt), the rewrite
under a title that carries markup, which every page must show as text."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import DATA, SEED_AP, SEED_REWRITE
from feedserver import Site, seed_texts
from test_web_api import client
from wiretrace.corpus import Corpus
from wiretrace.watch import WatchConfig, Watcher
from wiretrace.watch.state import WatchState

HOSTILE_TITLE = '<img src=x onerror="alert(1)"> Kim Jong Un Orders Artillery Surge'


def watched_db(folder: Path) -> Path:
    """A corpus with one uncredited_reuse alert (tracked source 127.0.0.1), built by two watch rounds."""
    ap, body, _ = seed_texts(DATA)
    db = folder / "watched.wt"
    with Site() as site:
        site.add("/world/kim-artillery.html", ap)
        with Corpus(db, workers=1) as corpus:
            WatchState(corpus.store).add_track("source", "127.0.0.1")
            w = Watcher(corpus, WatchConfig(feeds=[site.base + "/feed.xml"], interval=0.0, delay=0.01))
            w.round()
            site.add("/farm/kim-surge.html", body, HOSTILE_TITLE, host="localhost")
            assert w.round().alerts == 1
    return db


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    return watched_db(tmp_path_factory.mktemp("watched"))


def test_api_lists_alerts_newest_first_with_filters(db: Path) -> None:
    with client(db) as c:
        d = c.get("/api/alerts").json()
        assert d["total"] == 1
        (a,) = d["alerts"]
        assert a["kind"] == "uncredited_reuse" and a["added"] == 2 and a["credited"] is False
        assert c.get("/api/alerts", params={"kind": "new_member"}).json()["total"] == 0
        assert c.get("/api/alerts", params={"tracked": "127.0.0.1"}).json()["total"] == 1
        assert c.get("/api/alerts", params={"kind": "nonsense"}).status_code == 422
        assert c.get("/api/tracks").json()["tracks"][0] | {"added": None} == {
            "kind": "source",
            "value": "127.0.0.1",
            "added": None,
        }


def test_alerts_page_shows_the_alert_escaped_and_the_count_in_the_header(db: Path) -> None:
    with client(db) as c:
        page = c.get("/alerts").text
        home = c.get("/").text
    assert "Uncredited reuse" in page and "no credit" in page and "2 added sentences" in page
    assert "&lt;img src=x onerror=" in page and "<img src=x" not in page
    assert 'aria-label="1 alerts">1</span>' in home  # every page's header counts them
    assert "/pair?a=" in page  # the pair page says what changed


def test_a_corpus_never_watched_has_no_alerts(tmp_path: Path) -> None:
    db = tmp_path / "plain.wt"
    shutil.copy(SEED_AP, tmp_path / "ap.txt")
    with Corpus(db, workers=1) as corpus:
        corpus.add([tmp_path / "ap.txt"])
    with client(db) as c:
        assert c.get("/api/alerts").json() == {"total": 0, "offset": 0, "limit": 50, "alerts": []}
        assert "No alert yet" in c.get("/alerts").text


def test_tracks_change_only_with_allow_writes(tmp_path: Path, db: Path) -> None:
    copy = tmp_path / "copy.wt"
    shutil.copy(db, copy)
    with client(copy) as c:
        r = c.post("/api/tracks", json={"kind": "source", "value": "apnews.com"})
        assert r.status_code == 403
        assert c.delete("/api/tracks", params={"kind": "source", "value": "127.0.0.1"}).status_code == 403
    with client(copy, allow_writes=True) as c:
        assert c.post("/api/tracks", json={"kind": "source", "value": "apnews.com"}).json()["added"] is True
        assert c.post("/api/tracks", data={"kind": "source", "value": "x"}).status_code == 415  # not JSON
        r = c.post("/api/tracks", json={"kind": "story", "value": "st-0000000000"})
        assert r.status_code == 404 and "no such story" in r.json()["error"]
        values = {t["value"] for t in c.get("/api/tracks").json()["tracks"]}
        assert values == {"127.0.0.1", "apnews.com"}
        assert c.delete("/api/tracks", params={"kind": "source", "value": "apnews.com"}).status_code == 200
        assert c.delete("/api/tracks", params={"kind": "source", "value": "apnews.com"}).status_code == 404


def test_compare_accepts_plain_strings(tmp_path: Path, db: Path) -> None:
    with client(db) as c:
        plain = c.post(
            "/api/compare",
            json={"a": SEED_AP.read_text(encoding="utf-8"), "b": SEED_REWRITE.read_text(encoding="utf-8")},
        )
        assert plain.status_code == 200, plain.text
        assert plain.json()["relation"]["type"] == "rewrite"
        mixed = c.post("/api/compare", json={"a": {"text": "One text here."}, "b": "Another text here."})
        assert mixed.status_code == 200
        assert c.post("/api/compare", json={"a": "", "b": "text"}).status_code == 422
