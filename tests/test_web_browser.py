"""The web UI in a real browser: Debian's chromium, headless, driven by Playwright's Python package,
against `wiretrace serve` started as a user starts it (a subprocess on 127.0.0.1, free port).

Screenshots of every page go to out/screenshots/. Outside CI these tests skip when chromium (or the
playwright package) is missing; in CI (env CI set) they must run, so `make test` installs chromium.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import SEED_AP, SEED_REWRITE
from test_web_api import XSS_ID, hostile_db

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "out" / "screenshots"
CHROMIUM = shutil.which("chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
ADDED = "rgb(29, 95, 196)"  # .lab-added border colour (report/templates/_pair.html)


def _load_bench():
    spec = importlib.util.spec_from_file_location("web_load", ROOT / "bench" / "web_load.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _need_browser() -> None:
    reason = None
    if importlib.util.find_spec("playwright") is None:
        reason = "the playwright package is not installed (pip install -e '.[dev]')"
    elif CHROMIUM is None:
        reason = "chromium is not installed (apt-get install chromium; `make test` does it as root)"
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests must run in CI: {reason}")
        pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    _need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


def _server(tmp_path_factory, db: Path | None, workers: int):
    bench = _load_bench()
    proc, base = bench.start_server(db, workers, tmp_path_factory.mktemp("cache"))
    try:
        bench.wait_ready(base)
    except Exception:
        proc.kill()
        raise
    return proc, base


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def demo(browser, tmp_path_factory):
    proc, base = _server(tmp_path_factory, None, 1)
    yield base
    _stop(proc)


@pytest.fixture(scope="module")
def hostile(browser, tmp_path_factory):
    proc, base = _server(tmp_path_factory, hostile_db(), 1)
    yield base
    _stop(proc)


class Watch:
    """A page with listeners: dialogs (alert/confirm) are recorded and dismissed, script errors and
    console errors (a CSP refusal is one) are recorded."""

    def __init__(self, page) -> None:
        self.page = page
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        page.on("dialog", self._dialog)
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        page.on("console", lambda m: self.errors.append(f"console: {m.text}") if m.type == "error" else None)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()


@pytest.fixture
def tab(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, java_script_enabled=True)
    page = context.new_page()
    watch = Watch(page)
    yield watch
    context.close()


def shot(page, name: str, full: bool = True) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full)


def seed_story(base: str) -> str:
    import httpx

    stories = httpx.get(base + "/api/stories", timeout=30).json()["stories"]
    return next(s["id"] for s in stories if "seed-ap" in s["original"])


def test_stories_page_lists_the_demo_stories(tab, demo):
    import httpx

    stories = httpx.get(demo + "/api/stories", timeout=30).json()["stories"]
    tab.page.goto(demo + "/")
    rows = tab.page.locator("table.stories tbody tr")
    assert rows.count() == len(stories) >= 6
    titles = tab.page.locator("a.st-title").all_inner_texts()
    assert any(t.startswith("Leader Kim Jong-un has called") for t in titles)
    shot(tab.page, "stories")
    tab.page.fill("input[name=q]", "Kilmarnock")
    tab.page.click("button[type=submit]")
    tab.page.wait_for_url("**/?q=Kilmarnock**")
    assert tab.page.locator("table.stories tbody tr").count() == 1
    assert tab.page.locator(".hit-list mark").count() >= 1
    shot(tab.page, "stories-search")
    assert tab.errors == [] and tab.dialogs == []


def test_story_page_shows_the_lineage_picture(tab, demo):
    story = seed_story(demo)
    tab.page.goto(f"{demo}/stories/{story}")
    graph = tab.page.locator("svg#lineage")
    assert graph.is_visible()
    box = graph.bounding_box()
    assert box["width"] > 300 and box["height"] > 60
    assert tab.page.locator("svg#lineage a.node").count() == 2
    assert tab.page.locator("svg#lineage a.node.original").get_attribute("data-id") == "seed-ap"
    edge = tab.page.locator("svg#lineage a.edge-rewrite path.line")
    assert edge.count() == 1
    assert tab.page.locator("svg.timeline circle").count() == 2
    shot(tab.page, "story")
    tab.page.locator("svg#lineage a.edge-rewrite").click()
    tab.page.wait_for_url("**/pair?a=seed-ap&b=seed-rewrite")
    assert tab.errors == [] and tab.dialogs == []


def test_same_event_story_lineage(tab, demo):
    import httpx

    stories = httpx.get(demo + "/api/stories", timeout=30).json()["stories"]
    story = next(s for s in stories if not s["original"] and s["size"] >= 3)
    tab.page.goto(f"{demo}/stories/{story['id']}")
    assert tab.page.locator("svg#lineage a.edge-same_event").count() >= 3
    shot(tab.page, "story-same-event")


def test_pair_view_highlights_the_added_sentences_of_the_seed_rewrite(tab, demo):
    page = tab.page
    page.goto(f"{demo}/pair?a=seed-ap&b=seed-rewrite")
    added = page.locator("#col-b .sent.lab-added")
    assert added.count() == 2
    texts = " ".join(added.all_inner_texts())
    assert "civilian workers" in texts and "billions of dollars" in texts
    for k in range(added.count()):
        colour = added.nth(k).evaluate("el => getComputedStyle(el).borderLeftColor")
        assert colour == ADDED
    shot(page, "pair", full=False)
    # hover a derived sentence: its source sentence lights up
    para = page.locator("#col-b .sent.lab-paraphrase").first
    para.hover()
    assert page.locator("#col-a .sent.linked").count() >= 1
    # keyboard: j steps through the findings, k goes back
    page.locator("h1").click()
    page.keyboard.press("j")
    first = page.locator(".sent.current")
    assert first.count() == 1 and "finding" in first.get_attribute("class")
    first_id = first.get_attribute("id")
    page.keyboard.press("j")
    second_id = page.locator(".sent.current").get_attribute("id")
    assert second_id != first_id and second_id.startswith("b-")
    page.keyboard.press("k")
    assert page.locator(".sent.current").get_attribute("id") == first_id
    assert "finding 1 of" in page.locator("#finding-pos").inner_text()
    shot(page, "pair-keyboard", full=False)
    assert tab.errors == [] and tab.dialogs == []


def test_compare_form_works_end_to_end(tab, demo, tmp_path):
    page = tab.page
    page.goto(f"{demo}/compare")
    page.fill("textarea[name=a_text]", SEED_AP.read_text(encoding="utf-8"))
    upload = tmp_path / "rewrite.txt"
    upload.write_text(SEED_REWRITE.read_text(encoding="utf-8"), encoding="utf-8")
    page.set_input_files("input[name=b_file]", str(upload))
    page.locator("details.meta-fields summary").first.click()
    page.fill("input[name=a_source]", "apnews.example")
    shot(page, "compare-form")
    page.click("button[type=submit]")
    page.wait_for_selector("section.verdict")
    assert "REWRITE" in page.locator("section.verdict h1").inner_text()
    assert page.locator("#col-b .sent.lab-added").count() == 2
    assert "apnews.example" in page.content()
    shot(page, "compare-result", full=False)
    assert tab.errors == [] and tab.dialogs == []


def test_article_page_strikes_boilerplate_and_highlights_credits(tab, demo):
    page = tab.page
    page.goto(f"{demo}/articles/seed-rewrite")
    struck = page.locator(".clean-text del.bp")
    assert struck.count() >= 3
    assert "line-through" in struck.first.evaluate("el => getComputedStyle(el).textDecorationLine")
    shot(page, "article")
    page.goto(f"{demo}/articles/seed-ap")
    assert page.locator(".clean-text mark.credit").count() >= 1
    shot(page, "article-credits")
    page.goto(f"{demo}/api/docs")
    assert page.locator("section.endpoint").count() >= 8
    shot(page, "api-docs", full=False)
    assert tab.errors == [] and tab.dialogs == []


def test_hostile_article_runs_no_script(tab, hostile):
    page = tab.page
    quoted = XSS_ID.replace('"', "%22").replace(">", "%3E").replace("<", "%3C").replace(" ", "%20")
    import httpx

    story = httpx.get(f"{hostile}/api/articles/{quoted}", timeout=30).json()["story"]
    assert story
    urls = [
        "/",
        "/?q=script",
        f"/stories/{story}",
        f"/articles/{quoted}",
        f"/pair?a=seed-rewrite&b={quoted}",
        f"/pair?a=seed-ap&b={quoted}",
    ]
    for url in urls:
        page.goto(hostile + url)
        page.wait_for_load_state("load")
        page.mouse.move(300, 300)
        page.mouse.move(900, 600)
        assert page.evaluate("typeof window.__xss") == "undefined", url
        assert page.locator("img").count() == 0, url
        assert page.locator('a[href^="javascript:"]').count() == 0, url
        assert page.locator("script:not([src])").count() == 0, url
    shot(page, "xss-article")
    # the same text through the compare form
    page.goto(hostile + "/compare")
    evil = page.evaluate("id => fetch('/api/articles/' + encodeURIComponent(id)).then(r => r.json())", XSS_ID)
    page.fill("textarea[name=a_text]", SEED_REWRITE.read_text(encoding="utf-8"))
    page.fill("textarea[name=b_text]", evil["text"])
    page.click("button[type=submit]")
    page.wait_for_selector("section.verdict")
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert tab.dialogs == []
    assert tab.errors == []


@pytest.fixture(scope="module")
def watched(browser, tmp_path_factory):
    from test_web_alerts import watched_db

    db = watched_db(tmp_path_factory.mktemp("watched"))
    proc, base = _load_bench().start_server(db, 1, tmp_path_factory.mktemp("cache"), ("--allow-writes",))
    _load_bench().wait_ready(base)
    yield base
    _stop(proc)


def test_alerts_page_lists_the_alert_and_tracks_a_source(tab, watched):
    """The Alerts page of a watched corpus: the header counts the alert, the hostile title is text, the
    pair link opens the diff, and the track form (script, JSON) adds a source on an --allow-writes server."""
    page = tab.page
    page.goto(watched + "/")
    assert page.locator("nav .badge").inner_text() == "1"
    page.click("nav >> text=Alerts")
    page.wait_for_selector("li.watch-alert")
    assert page.locator("li.watch-alert .alert-kind").all_inner_texts() == ["Uncredited reuse"]
    assert page.locator("img").count() == 0 and page.evaluate("typeof window.__xss") == "undefined"
    assert "onerror" in page.locator("li.watch-alert .alert-pair").inner_text()  # shown as text
    shot(page, "alerts")
    page.fill("#track-form input[name=value]", "Associated Press")
    page.click("#track-form button[type=submit]")
    page.wait_for_selector(".track-list >> text=Associated Press")
    assert "Associated Press" in page.locator(".track-list").inner_text()
    page.click("li.watch-alert >> text=see what changed")
    page.wait_for_selector("section.verdict")
    assert tab.dialogs == [] and tab.errors == []
