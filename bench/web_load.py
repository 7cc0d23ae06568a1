"""Bounded load test of ``wiretrace serve``: loopback only, stops by itself, prints a Markdown section.

Starts ``wiretrace serve`` (the bundled demo corpus, or ``--db``) on 127.0.0.1 on a free port, then runs
``--clients`` concurrent HTTP clients for ``--seconds``: half POST /api/compare with the seed pair (the
AP story and its content-farm rewrite), half read pages (the stories list, story pages, a stored pair's
diff page). Every request must succeed (2xx); p50/p99 latency and requests/s are reported per kind.

    python bench/web_load.py                      # 50 clients, 30 s, demo corpus
    python bench/web_load.py --clients 10 --seconds 5
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


def start_server(
    db: Path | None = None, workers: int | None = None, cache: Path | None = None, extra: tuple[str, ...] = ()
) -> tuple[subprocess.Popen, str]:
    """``wiretrace serve`` on 127.0.0.1, port chosen by the OS (``extra``: more options, such as
    ``--allow-writes``); returns (process, base URL)."""
    exe = Path(sys.executable).with_name("wiretrace")
    cmd = [str(exe) if exe.exists() else sys.executable, *([] if exe.exists() else ["-m", "wiretrace.cli"])]
    cmd += ["serve", "--host", "127.0.0.1", "--port", "0"]
    if db:
        cmd += ["--db", str(db)]
    if workers is not None:
        cmd += ["--workers", str(workers)]
    cmd += list(extra)
    env = dict(os.environ)
    if cache:
        env["WIRETRACE_CACHE"] = str(cache)
    # stderr goes to a file, not a pipe nobody reads (a full pipe would block the server)
    errors = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 (lives as long as the server)
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=errors, text=True, env=env)
    deadline = time.monotonic() + 120
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        m = re.search(r"open (http://127\.0\.0\.1:\d+)/", line)
        if m:
            return proc, m.group(1)
    proc.kill()
    errors.seek(0)
    raise RuntimeError(f"server did not start: {errors.read()[-2000:]}")


def wait_ready(base: str, timeout: float = 60.0) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/api/health", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("server not ready")


def _loopback_only(base: str) -> None:
    host = urlsplit(base).hostname or ""
    if host != "localhost" and not ipaddress.ip_address(host).is_loopback:
        raise SystemExit(f"refusing to load-test a non-loopback address: {host}")


async def _run(base: str, seconds: float, clients: int) -> dict:
    import httpx

    _loopback_only(base)
    a = (EXAMPLES / "ap-wire.txt").read_text(encoding="utf-8")
    b = (EXAMPLES / "content-farm-rewrite.txt").read_text(encoding="utf-8")
    payload = {"a": {"text": a}, "b": {"text": b}}
    results: dict[str, list[float]] = {"compare": [], "pages": []}
    errors: dict[str, list[str]] = {"compare": [], "pages": []}
    # An idle pooled connection is dropped after 2 s, before the server's keep-alive timeout (uvicorn: 5 s);
    # with the two equal, a request sent on a connection the server is closing fails (a browser retries it).
    limits = httpx.Limits(
        max_connections=clients + 4, max_keepalive_connections=clients + 4, keepalive_expiry=2.0
    )
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as http:
        stories = (await http.get("/api/stories", params={"limit": 100})).json()["stories"]
        page_urls = ["/"] + [f"/stories/{s['id']}" for s in stories]
        for s in stories:
            for e in s["edges"]:
                page_urls.append(f"/pair?a={e['from']}&b={e['to']}")
                break
        deadline = time.monotonic() + seconds

        async def worker(k: int) -> None:
            kind = "compare" if k % 2 == 0 else "pages"
            i = k
            while time.monotonic() < deadline:
                t0 = time.perf_counter()
                try:
                    if kind == "compare":
                        r = await http.post("/api/compare", json=payload)
                        ok = r.status_code == 200 and r.json().get("relation", {}).get("type") == "rewrite"
                    else:
                        r = await http.get(page_urls[i % len(page_urls)])
                        ok = r.status_code == 200
                    i += 1
                    if not ok:
                        errors[kind].append(f"HTTP {r.status_code}")
                except httpx.HTTPError as e:
                    errors[kind].append(type(e).__name__)
                    continue
                results[kind].append(time.perf_counter() - t0)

        started = time.monotonic()
        await asyncio.gather(*(worker(k) for k in range(clients)))
        elapsed = time.monotonic() - started
    out = {"seconds": round(elapsed, 1), "clients": clients, "kinds": {}}
    for kind, times in results.items():
        times.sort()
        out["kinds"][kind] = {
            "requests": len(times),
            "errors": len(errors[kind]),
            "error_kinds": sorted(set(errors[kind]))[:5],
            "rps": round(len(times) / elapsed, 1),
            "p50_ms": round(1000 * statistics.median(times)) if times else None,
            "p99_ms": round(1000 * times[min(len(times) - 1, int(0.99 * len(times)))]) if times else None,
        }
    return out


def run(base: str, seconds: float = 30, clients: int = 50) -> dict:
    return asyncio.run(_run(base, seconds, clients))


def markdown(stats: dict, workers: int) -> str:
    cpu = os.cpu_count()
    lines = [
        "## Web server under load (`bench/web_load.py`)",
        "",
        f"{stats['clients']} concurrent clients for {stats['seconds']} s against `wiretrace serve` on "
        f"127.0.0.1 (demo corpus, {workers} compare worker processes; {cpu} CPU cores, "
        f"Python {platform.python_version()}); "
        "half the clients POST /api/compare with the seed pair (about 2 KB each side), half read pages "
        "(stories list, story pages, a stored pair's diff page). Client and server share the machine.",
        "",
        "| requests | count | errors | requests/s | p50 latency | p99 latency |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    names = {"compare": "POST /api/compare", "pages": "HTML pages (GET)"}
    for kind, k in stats["kinds"].items():
        cells = [names[kind], k["requests"], k["errors"], k["rps"], f"{k['p50_ms']} ms", f"{k['p99_ms']} ms"]
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    lines += [
        "",
        "Compare is CPU-bound (about 50-100 ms of Python per seed pair on one core); it runs in a process "
        "pool, so requests queue for a worker instead of failing, and pages keep being served from the "
        "main process while the workers are busy. Compare throughput is bound by the number of cores.",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--seconds", type=float, default=30)
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--db", type=Path, help="corpus to serve (default: the bundled demo corpus)")
    p.add_argument("--workers", type=int, default=None, help="compare processes (default: server's)")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as cache:
        proc, base = start_server(args.db, args.workers, Path(cache))
        try:
            wait_ready(base)
            stats = run(base, args.seconds, args.clients)
            import httpx

            workers = httpx.get(base + "/api/health", timeout=10).json()["workers"]
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
    sys.stdout.write(markdown(stats, workers))
    failed = sum(k["errors"] for k in stats["kinds"].values())
    if failed:
        print(f"\n{failed} requests failed: {stats}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
