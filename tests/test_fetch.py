"""``wiretrace fetch``: the only command that uses the network. It asks robots.txt first, follows no
redirect that robots.txt forbids, keeps pages exactly as served and goes on past a bad URL.

Every test talks to a real HTTP server on 127.0.0.1 serving a real news page
(tests/data/news-page-en.html)."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import DATA
from wiretrace.corpus.readers import iter_records
from wiretrace.ingest import read_article
from wiretrace.ingest.fetch import Fetcher, FetchError, Page, check_url, save_html

WIRETRACE = str(Path(sys.executable).with_name("wiretrace"))
PAGE = (DATA / "news-page-en.html").read_bytes()
ROBOTS = b"User-agent: *\nDisallow: /private/\n"


class Site:
    """Routes (path -> status, headers, body) and the requests the server saw (path, user agent)."""

    def __init__(self, routes: dict[str, tuple[int, dict[str, str], bytes]]) -> None:
        self.routes = routes
        self.seen: list[tuple[str, str]] = []
        self.url = ""


@pytest.fixture
def site() -> Iterator[Site]:
    s = Site(
        {
            "/robots.txt": (200, {"Content-Type": "text/plain"}, ROBOTS),
            "/news/story.html": (200, {"Content-Type": "text/html; charset=utf-8"}, PAGE),
            "/news/packed.html": (
                200,
                {"Content-Type": "text/html", "Content-Encoding": "gzip"},
                gzip.compress(PAGE),
            ),
            "/private/secret.html": (200, {"Content-Type": "text/html"}, b"<html><p>secret</p></html>"),
            "/moved": (302, {"Location": "/private/secret.html"}, b""),
            "/photo.jpg": (200, {"Content-Type": "image/jpeg"}, b"\xff\xd8\xff\xe0 not a page"),
        }
    )

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            s.seen.append((self.path, self.headers.get("User-Agent", "")))
            status, headers, body = s.routes.get(self.path, (404, {"Content-Type": "text/html"}, b"gone"))
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    s.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield s
    server.shutdown()
    server.server_close()


def fetch_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"}
    return subprocess.run(
        [WIRETRACE, "fetch", "--delay", "0", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=60,
    )


def test_fetch_saves_allowed_pages_as_served_and_reports_every_refusal(site, tmp_path):
    urls = [
        f"{site.url}{p}"
        for p in ("/news/story.html", "/private/secret.html", "/moved", "/photo.jpg", "/gone")
    ]
    r = fetch_cli(*urls, "-o", "pages", cwd=tmp_path)
    assert r.returncode == 1  # some failed
    saved = list((tmp_path / "pages").iterdir())
    assert len(saved) == 1 and saved[0].read_bytes() == PAGE
    assert r.stdout.strip() == f"{urls[0]} -> pages/{saved[0].name}"
    err = r.stderr
    assert f"{urls[1]}: robots.txt of {site.url} does not allow wiretrace" in err
    assert f"{urls[2]}: redirects to {site.url}/private/secret.html, which robots.txt does not allow" in err
    assert f"{urls[3]}: is image/jpeg, not an HTML page" in err
    assert f"{urls[4]}: HTTP 404" in err
    assert "fetched 1 of 5 pages, 4 failed" in err
    paths = [p for p, _ in site.seen]
    assert "/private/secret.html" not in paths  # refused before asking, also behind the redirect
    assert paths.count("/robots.txt") == 1  # read once per site
    assert all(agent.startswith("wiretrace/") for _, agent in site.seen)
    # what compare reads from the saved page is what it reads from the original file
    assert read_article(saved[0]).text == read_article(DATA / "news-page-en.html").text


def test_a_warc_of_fetched_pages_indexes_with_their_url_and_capture_date(site, tmp_path):
    url = f"{site.url}/news/story.html"
    assert fetch_cli(url, "--warc", "day.warc.gz", cwd=tmp_path).returncode == 0
    assert fetch_cli(f"{site.url}/news/packed.html", "--warc", "day.warc.gz", cwd=tmp_path).returncode == 0
    items = list(iter_records([tmp_path / "day.warc.gz"]))  # appended: both captures are there
    assert [i.ok for i in items] == [True, True]
    first = items[0]
    assert first.article.url == url
    assert first.first_seen and first.first_seen[:4].isdigit()
    # read as `wiretrace index` reads an .html file: the bulk reader
    assert first.article.text == read_article(DATA / "news-page-en.html", fast_html=True).text
    assert items[1].article.text == first.article.text  # the gzip encoding was undone before saving


def test_urls_come_from_a_file_and_a_bad_one_does_not_stop_the_rest(site, tmp_path):
    (tmp_path / "urls.txt").write_text(f"# today\nftp://example.org/x\n\n{site.url}/news/story.html\n")
    r = fetch_cli("--from", "urls.txt", cwd=tmp_path)
    assert r.returncode == 1
    assert "ftp://example.org/x: not an http(s) URL" in r.stderr
    assert len(list((tmp_path / "pages").iterdir())) == 1
    assert fetch_cli(cwd=tmp_path).returncode == 2  # nothing to fetch is a usage error


def test_an_unreadable_robots_txt_means_no_fetch_and_a_missing_one_means_no_rules(site):
    site.routes["/robots.txt"] = (503, {}, b"busy")
    with pytest.raises(FetchError, match=r"robots\.txt of .* answered HTTP 503; not fetched"):
        Fetcher(delay=0).fetch(f"{site.url}/news/story.html")
    assert "/news/story.html" not in [p for p, _ in site.seen]
    del site.routes["/robots.txt"]
    assert Fetcher(delay=0).fetch(f"{site.url}/private/secret.html").body == b"<html><p>secret</p></html>"


def test_crawl_delay_spaces_requests_to_one_site(site):
    site.routes["/robots.txt"] = (200, {}, b"User-agent: wiretrace\nCrawl-delay: 3\n")
    waits: list[float] = []
    f = Fetcher(delay=0.5, sleep=waits.append)
    f.fetch(f"{site.url}/news/story.html")
    f.fetch(f"{site.url}/news/story.html")
    assert waits and max(waits) > 2.5  # the site's 3 s, not our 0.5 s


def test_size_limit_holds_for_plain_and_compressed_pages(site):
    with pytest.raises(FetchError, match=r"a page may be at most 1\.0 KiB"):
        Fetcher(delay=0, max_bytes=1024).fetch(f"{site.url}/news/story.html")
    small = len(gzip.compress(PAGE)) + 10  # the packed body fits, what it unpacks to does not
    with pytest.raises(FetchError, match="unpacks to more than"):
        Fetcher(delay=0, max_bytes=small).fetch(f"{site.url}/news/packed.html")


def test_a_new_capture_never_overwrites_an_old_one(tmp_path):
    old = Page("https://news.example/a", "https://news.example/a", 200, "OK", [], b"<p>first</p>")
    new = Page("https://news.example/a", "https://news.example/a", 200, "OK", [], b"<p>second</p>")
    first = save_html(old, tmp_path)
    assert save_html(old, tmp_path) == first  # the same capture again: nothing new
    second = save_html(new, tmp_path)
    assert (
        second != first and first.read_bytes() == b"<p>first</p>" and second.read_bytes() == b"<p>second</p>"
    )


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/a", "example.org/a", "http://[::1"])
def test_only_http_urls_are_fetched(url):
    with pytest.raises(FetchError):
        check_url(url)
