"""``wiretrace watch``: follow feeds into a corpus and tell a newsroom when its story is reused.

Every test talks to servers started on 127.0.0.1 (tests/feedserver.py): a news site whose RSS feed gains
items between rounds (the real AP story of tests/data/seed_ap.txt first, then its real content-farm
rewrite, served as another site), with a robots.txt that disallows /private/ and 304 answers to
conditional requests; and a webhook receiver that fails twice before it accepts. Loops are bounded."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import DATA
from feedserver import Hook, Site, seed_texts
from wiretrace.corpus import Corpus
from wiretrace.watch import FileSink, WatchConfig, Watcher, WebhookSink
from wiretrace.watch.alerts import add_track, credits_party, party_of, sign
from wiretrace.watch.feeds import read_feed_list
from wiretrace.watch.state import Track, WatchState

WIRETRACE = str(Path(sys.executable).with_name("wiretrace"))
AP, REWRITE, HEADLINE = seed_texts(DATA)
SECRET = b"test-secret"


def watcher(tmp: Path, site: Site, sinks=(), **config) -> Watcher:
    corpus = Corpus(tmp / "corpus.wt", workers=1)
    WatchState(corpus.store).add_track("source", "127.0.0.1")
    cfg = WatchConfig(feeds=[site.base + "/feed.xml"], interval=0.0, delay=0.01, retry_base=0.0, **config)
    return Watcher(corpus, cfg, list(sinks))


def test_a_rewrite_of_a_tracked_story_raises_one_signed_uncredited_reuse_alert(tmp_path: Path) -> None:
    with Site() as site, Hook(fail=2) as hook:
        site.add("/world/kim-artillery.html", AP)
        site.add("/private/memo.html", "A page robots.txt keeps out.", "Memo")
        w = watcher(tmp_path, site, [FileSink(tmp_path / "alerts.jsonl"), WebhookSink(hook.url, SECRET)])
        first = w.round()
        assert (first.fetched, first.indexed, first.alerts) == (1, 1, 0)  # the source itself is no news
        assert [u for u, _ in first.skipped] == [site.base + "/private/memo.html"]

        site.add("/farm/kim-surge.html", REWRITE, HEADLINE, host="localhost")  # another site
        second = w.round()
        assert (second.new_items, second.fetched, second.alerts) == (1, 1, 1)
        for _ in range(4):  # the webhook failed twice; the alert stays queued and goes out later
            w.round()
        w.corpus.close()

    assert "/private/memo.html" not in site.paths()  # robots.txt obeyed for every item
    total, alerts = WatchState(Corpus(tmp_path / "corpus.wt").store).alerts()
    assert total == 1
    alert = alerts[0]
    assert alert["kind"] == "uncredited_reuse"
    assert alert["added"] == 2 and alert["credited"] is False and alert["relation"] in ("copy", "rewrite")
    assert alert["source"]["url"].endswith("/world/kim-artillery.html")
    assert alert["derived"]["url"].startswith("http://localhost:")
    assert alert["tracked_side"] == "source" and alert["new"] == ["derived"]
    assert alert["link"] == f"/pair?a={alert['source']['id']}&b={alert['derived']['id']}"

    assert [status for _, _, status in hook.posts] == [500, 500, 200]
    ((headers, body),) = [(h, b) for h, b, s in hook.posts if s == 200]
    assert json.loads(body)["id"] == alert["id"] == headers["Idempotency-Key"]
    expected = "sha256=" + hmac.new(SECRET, body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["X-Wiretrace-Signature"], expected)
    lines = (tmp_path / "alerts.jsonl").read_text().splitlines()
    assert [json.loads(x)["id"] for x in lines] == [alert["id"]]


def test_an_unchanged_feed_is_asked_for_conditionally_and_answered_304(tmp_path: Path) -> None:
    with Site() as site:
        site.add("/world/kim-artillery.html", AP)
        w = watcher(tmp_path, site)
        w.round()
        again = w.round()
        w.corpus.close()
    feeds = [h for p, h in site.log if p == "/feed.xml"]
    assert "If-None-Match" not in feeds[0] and feeds[1]["If-None-Match"]
    assert (again.feeds_polled, again.feeds_unchanged, again.fetched) == (1, 1, 0)
    assert site.paths().count("/world/kim-artillery.html") == 1  # an item is fetched once


def test_a_page_without_a_date_takes_its_feed_items_date(tmp_path: Path) -> None:
    """The test pages carry no date; the feed says when each item was published (Dec 6, 2024, UTC), which
    is kept with the capture (a WARC extension header) and read as the article's publication date."""
    with Site() as site:
        site.add("/world/kim-artillery.html", AP)
        w = watcher(tmp_path, site)
        w.round()
        published = w.corpus.store.db.execute("SELECT published, first_seen FROM articles").fetchall()
        w.corpus.close()
    assert len(published) == 1 and published[0][0] == "2024-12-06" and published[0][1]


def test_each_feed_waits_for_its_own_interval(tmp_path: Path) -> None:
    clock = [1000.0]
    with Site() as site:
        site.add("/world/kim-artillery.html", AP)
        corpus = Corpus(tmp_path / "corpus.wt", workers=1)
        cfg = WatchConfig(feeds=[site.base + "/feed.xml"], interval=600.0, delay=0.01)
        w = Watcher(corpus, cfg, clock=lambda: clock[0])
        assert w.round().feeds_polled == 1
        clock[0] += 599
        assert w.round().feeds_polled == 0  # not due yet
        assert w.next_wake() == pytest.approx(1600.0)
        clock[0] += 1
        assert w.round().feeds_polled == 1
        corpus.close()


def test_a_failing_feed_is_reported_and_backs_off_while_the_others_go_on(tmp_path: Path) -> None:
    clock = [1000.0]
    with Site() as site:
        site.add("/world/kim-artillery.html", AP)
        corpus = Corpus(tmp_path / "corpus.wt", workers=1)
        broken = site.base + "/gone.xml"  # 404
        cfg = WatchConfig(feeds=[broken, site.base + "/feed.xml"], interval=60.0, delay=0.01)
        w = Watcher(corpus, cfg, clock=lambda: clock[0])
        first = w.round()
        assert first.feed_errors == [(broken, "HTTP 404 Not Found")]
        assert first.fetched == 1  # the good feed went on
        state = w.state.feed(broken)
        assert state["failures"] == 1 and state["next_poll"] == pytest.approx(1060.0)
        clock[0] += 60
        w.round()
        assert w.state.feed(broken)["next_poll"] == pytest.approx(1180.0)  # 2 x the interval
        corpus.close()


def test_an_item_already_in_the_corpus_is_not_fetched_again(tmp_path: Path) -> None:
    with Site() as site:
        url = site.add("/world/kim-artillery.html", AP)
        record = tmp_path / "known.jsonl"
        record.write_text(json.dumps({"text": AP, "url": url}) + "\n")
        corpus = Corpus(tmp_path / "corpus.wt", workers=1)
        corpus.add([record])
        w = Watcher(corpus, WatchConfig(feeds=[site.base + "/feed.xml"], interval=0.0, delay=0.01))
        r = w.round()
        corpus.close()
    assert r.fetched == 0 and r.skipped == [(url, "already in the corpus")]
    assert "/world/kim-artillery.html" not in site.paths()


def test_a_dropped_file_is_indexed_once_it_has_settled(tmp_path: Path) -> None:
    inbox = tmp_path / "incoming"
    inbox.mkdir()
    corpus = Corpus(tmp_path / "corpus.wt", workers=1)
    w = Watcher(corpus, WatchConfig(folder=inbox))
    (inbox / "ap.txt").write_text(AP, encoding="utf-8")
    (inbox / ".partial.txt").write_text("being written", encoding="utf-8")
    assert w.round().files == 0  # just written: it may still grow
    assert w.round().indexed == 1  # unchanged since the last look
    assert w.round().files == 0  # never read twice
    assert corpus.store.count() == 1
    corpus.close()


def test_tracked_article_and_story_raise_alerts_for_new_members(tmp_path: Path) -> None:
    with Site() as site:
        site.add("/world/kim-artillery.html", AP)
        corpus = Corpus(tmp_path / "corpus.wt", workers=1)
        w = Watcher(
            corpus, WatchConfig(feeds=[site.base + "/feed.xml"], interval=0.0, delay=0.01, retry_base=0)
        )
        w.round()
        (ap_id,) = [r[0] for r in corpus.store.db.execute("SELECT id FROM articles")]
        w.state.add_track("article", ap_id)
        site.add("/farm/kim-surge.html", REWRITE, HEADLINE, host="localhost")
        w.round()
        _, alerts = w.state.alerts()
        corpus.close()
    assert [(a["kind"], a["tracked"]["kind"]) for a in alerts] == [("uncredited_reuse", "article")]


def test_a_new_copy_in_a_tracked_story_is_a_new_member(tmp_path: Path) -> None:
    with Site() as site:
        site.add("/world/kim-artillery.html", AP)
        site.add("/farm/kim-surge.html", REWRITE, HEADLINE, host="localhost")
        corpus = Corpus(tmp_path / "corpus.wt", workers=1)
        w = Watcher(corpus, WatchConfig(feeds=[site.base + "/feed.xml"], interval=0.0, delay=0.01))
        w.round()
        (story,) = corpus.stories()
        assert add_track(corpus, "story", story["id"])
        short = "\n".join(AP.strip().splitlines()[:6])  # a copy of the first paragraphs, on a third site
        site.add("/copy/kim.html", short, "N. Korea's Kim wants more shells", host="localhost")
        third = w.round()
        _, alerts = w.state.alerts()
        corpus.close()
    assert third.indexed == 1
    assert [(a["kind"], a["story"]) for a in alerts] == [("new_member", story["id"])]
    assert alerts[0]["derived"]["title"] == "N. Korea's Kim wants more shells"


def test_a_wire_is_tracked_and_credited_by_any_of_its_names() -> None:
    """The AP story's credit line reads "— AP"; a newsroom tracks "Associated Press"."""
    from wiretrace import compare

    d = compare(AP, REWRITE + "\n\nReporting by The Associated Press.").to_dict()
    source = {"id": "ap", "source": "example.org", "url": None, "credits": json.dumps(d["a"]["credits"])}
    track = Track("source", "Associated Press")
    assert d["a"]["credits"] == ["AP"] and party_of(track, source)
    assert not party_of(Track("source", "Reuters"), source)
    assert credits_party(d, track, source, REWRITE + "\n\nReporting by The Associated Press.")
    plain = compare(AP, REWRITE).to_dict()
    assert not credits_party(plain, track, source, REWRITE)


def test_webhook_signature_is_an_hmac_of_the_exact_body() -> None:
    body = b'{"id": "al-1"}'
    assert sign(b"k", body) == "sha256=" + hmac.new(b"k", body, hashlib.sha256).hexdigest()
    assert sign(b"k", body) != sign(b"other", body)


def test_a_feed_list_names_the_line_of_a_bad_url(tmp_path: Path) -> None:
    feeds = tmp_path / "feeds.txt"
    feeds.write_text("# wires\nhttps://example.org/rss  # main\n\nftp://example.org/feed\n")
    from wiretrace.errors import InputError

    with pytest.raises(InputError) as e:
        read_feed_list(feeds)
    assert e.value.where == f"{feeds}:4" and "http" in e.value.reason
    feeds.write_text("# wires\nhttps://example.org/rss  # main\nhttps://example.org/rss\n")
    assert read_feed_list(feeds) == ["https://example.org/rss"]


def _run(*args: str, env: dict | None = None, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([WIRETRACE, *args], capture_output=True, text=True, env=env, timeout=120, **kw)


@pytest.mark.slow
def test_kill_9_mid_round_then_a_restart_loses_and_repeats_nothing(tmp_path: Path) -> None:
    """The CLI with its real politeness (a second between requests to a host), killed while it fetches."""
    db, alerts_file = tmp_path / "corpus.wt", tmp_path / "alerts.jsonl"
    env = {**os.environ, "WT_HOOK_KEY": SECRET.decode()}
    with Site() as site, Hook() as hook:
        site.add("/world/kim-artillery.html", AP)
        feeds = tmp_path / "feeds.txt"
        feeds.write_text(site.base + "/feed.xml\n")
        common = [
            str(feeds),
            "--db",
            str(db),
            "--once",
            "--alerts",
            str(alerts_file),
            "--webhook",
            hook.url,
            "--webhook-secret-env",
            "WT_HOOK_KEY",
        ]
        first = _run("watch", *common, "--track-source", "127.0.0.1", env=env)
        assert first.returncode == 0, first.stderr

        site.add("/farm/kim-surge.html", REWRITE, HEADLINE, host="localhost")
        site.hold["/farm/kim-surge.html"] = hold = __import__("threading").Event()
        proc = subprocess.Popen([WIRETRACE, "watch", *common], env=env, stderr=subprocess.PIPE, text=True)
        assert site.asked.wait(60), "the rewrite was never asked for"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        hold.set()
        time.sleep(0.2)

        again = _run("watch", *common, env=env)
        assert again.returncode == 0, again.stderr
        twice = _run("watch", *common, env=env)  # nothing new: nothing sent
        assert twice.returncode == 0, twice.stderr

    listed = json.loads(_run("alerts", "--db", str(db), "--format", "json").stdout)
    assert listed["total"] == 1 and listed["alerts"][0]["kind"] == "uncredited_reuse"
    key = listed["alerts"][0]["id"]
    assert [h["Idempotency-Key"] for h, _ in hook.accepted()] == [key]
    assert [json.loads(x)["id"] for x in alerts_file.read_text().splitlines()] == [key]
    with Corpus(db) as corpus:
        assert corpus.store.count() == 2  # both articles, once each
    table = _run("alerts", "--db", str(db))
    assert "uncredited_reuse" in table.stdout and "no credit, 2 added sentences" in table.stdout


def test_watch_refuses_a_delay_under_a_second_and_an_unset_secret(tmp_path: Path) -> None:
    feeds = tmp_path / "feeds.txt"
    feeds.write_text("http://127.0.0.1:9/feed.xml\n")
    r = _run("watch", str(feeds), "--db", str(tmp_path / "c.wt"), "--once", "--delay", "0.2")
    assert r.returncode == 2 and "--delay must be at least 1 second" in r.stderr
    env = {k: v for k, v in os.environ.items() if k != "WT_UNSET_KEY"}
    r = _run(
        "watch",
        str(feeds),
        "--db",
        str(tmp_path / "c.wt"),
        "--once",
        "--webhook",
        "http://127.0.0.1:9/h",
        "--webhook-secret-env",
        "WT_UNSET_KEY",
        env=env,
    )
    assert r.returncode == 2 and "WT_UNSET_KEY" in r.stderr
