"""The real entry point, as a user runs it: formats, files, standard input, errors and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import DATA, SEED_AP, SEED_REWRITE

WIRETRACE = str(Path(sys.executable).with_name("wiretrace"))


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([WIRETRACE, *args], input=stdin, capture_output=True, timeout=120)


def test_json_follows_the_contract():
    r = run("compare", str(SEED_AP), str(SEED_REWRITE), "--format", "json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["schema"] == "wiretrace.compare/1"
    assert set(d) >= {"relation", "direction", "a", "b", "stats", "findings"}
    assert set(d["b"]["sentences"][1]) >= {
        "i",
        "text",
        "start",
        "end",
        "label",
        "matches",
        "similarity",
        "flags",
    }
    assert {"b_from_a", "a_kept", "labels"} <= set(d["stats"])


def test_terminal_summary_names_the_verdict_and_the_finding():
    r = run("compare", str(SEED_AP), str(SEED_REWRITE), "--color", "never")
    out = r.stdout.decode()
    assert r.returncode == 0
    assert "b is a REWRITE of a" in out and "uncredited_reuse" in out and "quote_fabricated" in out


def test_html_and_markdown_are_written_to_files(tmp_path):
    html, md = tmp_path / "r.html", tmp_path / "r.md"
    assert (
        run("compare", str(SEED_AP), str(SEED_REWRITE), "--format", "html", "-o", str(html)).returncode == 0
    )
    assert run("compare", str(SEED_AP), str(SEED_REWRITE), "--format", "md", "-o", str(md)).returncode == 0
    assert html.read_text().lstrip().lower().startswith("<!doctype html")
    assert "| 13 | added |" in md.read_text() or "added" in md.read_text()


def test_derived_text_from_standard_input():
    r = run("compare", str(SEED_AP), "-", "--format", "json", stdin=SEED_REWRITE.read_bytes())
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["relation"]["type"] == "rewrite"


def test_publication_dates_given_on_the_command_line_decide_direction():
    r = run(
        "compare",
        str(SEED_REWRITE),
        str(SEED_AP),
        "--format",
        "json",
        "--a-published",
        "2025-05-21",
        "--b-published",
        "2025-05-20",
    )
    d = json.loads(r.stdout)
    assert d["b"]["published"] == "2025-05-20"
    assert d["direction"]["original"] == "b"
    assert any("published first" in e for e in d["direction"]["evidence"])


def test_bad_input_is_one_clear_line_and_exit_code_2(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    r = run("compare", str(empty), str(SEED_AP))
    err = r.stderr.decode()
    assert r.returncode == 2
    assert str(empty) in err and "empty" in err and "Traceback" not in err


def test_a_url_is_not_fetched_by_compare_but_the_error_says_how():
    r = run("compare", "https://news.example/story", str(SEED_AP))
    assert r.returncode == 2
    assert b"https://news.example/story: is a URL; download it first with `wiretrace fetch URL`" in r.stderr


def test_bad_date_option_is_a_usage_error():
    r = run("compare", str(SEED_AP), str(SEED_REWRITE), "--a-published", "yesterday-ish")
    assert r.returncode == 2 and b"not a date" in r.stderr


def test_the_same_pair_gives_the_same_result_whatever_the_hash_seed():
    """Python seeds string hashing per process, and sets iterate in hash order; a weight summed in that
    order once decided a merge at its threshold differently from run to run (this FRANK pair did)."""
    a, b = DATA / "frank_vaughan_article.txt", DATA / "frank_vaughan_reference.txt"
    outputs = set()
    for seed in ("0", "2", "5"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        r = subprocess.run(
            [WIRETRACE, "compare", str(a), str(b), "--format", "json"],
            capture_output=True,
            env=env,
            timeout=120,
        )
        assert r.returncode == 0, r.stderr
        outputs.add(r.stdout)
    assert len(outputs) == 1
