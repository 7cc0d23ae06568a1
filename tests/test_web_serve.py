"""`wiretrace serve` as a user runs it: the address it prints, loopback by default, the warning for
other addresses, clear errors, and a short bounded load test (loopback only) with zero errors."""

from __future__ import annotations

import importlib.util
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from test_web_api import demo_db
from wiretrace.web.server import host_warning, is_loopback

ROOT = Path(__file__).resolve().parents[1]
WIRETRACE = str(Path(sys.executable).with_name("wiretrace"))


def bench():
    spec = importlib.util.spec_from_file_location("web_load", ROOT / "bench" / "web_load.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    b = bench()
    proc, base = b.start_server(demo_db(), 2, tmp_path_factory.mktemp("cache"))
    b.wait_ready(base)
    yield proc, base
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_serve_prints_a_loopback_address_and_answers_there(server):
    _, base = server
    assert base.startswith("http://127.0.0.1:")
    h = httpx.get(base + "/api/health", timeout=10).json()
    assert h["read_only"] is True and h["workers"] == 2 and h["articles"] == 23


def test_serve_refuses_a_foreign_host_header(server):
    _, base = server
    assert httpx.get(base + "/", headers={"host": "attacker.example"}, timeout=10).status_code == 400
    assert httpx.get(base + "/", headers={"host": "localhost"}, timeout=10).status_code == 200


def test_only_loopback_addresses_are_quiet():
    for host in ("127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"):
        assert is_loopback(host) and host_warning(host, False) is None, host
    for host in ("0.0.0.0", "192.168.1.5", "::", "example.org"):
        warning = host_warning(host, True)
        assert (
            warning
            and "WARNING" in warning
            and "no authentication" in warning
            and "--allow-writes" in warning
        )


def test_serve_without_a_corpus_file_is_a_clear_error(tmp_path):
    r = subprocess.run(
        [WIRETRACE, "serve", "--db", str(tmp_path / "missing.wt")], capture_output=True, timeout=60, text=True
    )
    assert r.returncode == 2
    assert "no such corpus" in r.stderr and "Traceback" not in r.stderr


def test_serve_on_a_port_in_use_is_a_clear_error():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        r = subprocess.run(
            [WIRETRACE, "serve", "--db", str(demo_db()), "--port", str(port)],
            capture_output=True,
            timeout=60,
            text=True,
        )
    assert r.returncode == 2 and "cannot listen there" in r.stderr and "Traceback" not in r.stderr


def test_serve_is_in_the_help():
    r = subprocess.run([WIRETRACE, "serve", "--help"], capture_output=True, timeout=60, text=True)
    assert r.returncode == 0
    for option in ("--db", "--host", "--port", "--allow-writes", "--max-body", "--workers"):
        assert option in r.stdout


def test_fifty_clients_for_five_seconds_get_no_error(server):
    _, base = server
    stats = bench().run(base, seconds=5, clients=50)
    for kind, k in stats["kinds"].items():
        assert k["errors"] == 0, (kind, k)
        assert k["requests"] > 0, kind
    assert stats["kinds"]["compare"]["requests"] >= 10
