"""The bundled demo corpus: ``demo/demo.jsonl`` (real texts, sources in ``demo/README.md``) indexed once
into a cache folder, so ``wiretrace serve`` without ``--db`` has stories to show.

The cache file's name carries a hash of the data and of the code and models that index it (everything
in the package but the web UI), so an engine change or new demo data builds a fresh index and stale
ones are removed; ``rebuild=True`` forces one. The index is built under a temporary name
and renamed into place, so a crash or two servers starting at once never leave a half-built file.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from importlib import resources
from pathlib import Path

from .. import __version__


def engine_fingerprint() -> str:
    """A hash of the wiretrace version and of every file that decides what the index holds."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha1(__version__.encode())
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if path.is_file() and rel.parts[0] != "web" and "__pycache__" not in rel.parts:
            digest.update(str(rel).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def demo_data() -> bytes:
    return resources.files("wiretrace.web").joinpath("demo/demo.jsonl").read_bytes()


def cache_dir() -> Path:
    """$WIRETRACE_CACHE, else $XDG_CACHE_HOME/wiretrace, else ~/.cache/wiretrace; a temporary folder
    when that cannot be created."""
    explicit = os.environ.get("WIRETRACE_CACHE")
    base = Path(explicit) if explicit else Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    folder = base if explicit else base / "wiretrace"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".probe-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
        return folder
    except OSError:
        folder = Path(tempfile.gettempdir()) / f"wiretrace-{os.getuid() if hasattr(os, 'getuid') else 'user'}"
        folder.mkdir(parents=True, exist_ok=True)
        return folder


def demo_corpus(folder: Path | None = None, rebuild: bool = False, on_build=None) -> Path:
    """The path of the demo corpus, indexed now if needed (about two seconds; ``on_build()`` is called
    first, to tell the user)."""
    from ..corpus import Corpus

    data = demo_data()
    key = hashlib.sha1(data + engine_fingerprint().encode()).hexdigest()[:12]
    folder = folder or cache_dir()
    db = folder / f"demo-{key}.wt"
    if db.is_file() and not rebuild:
        return db
    for old in folder.glob("demo-*"):
        if not old.name.startswith(f"demo-{key}."):
            old.unlink(missing_ok=True)
    if on_build:
        on_build()
    source = folder / f"demo-{key}.jsonl"
    source.write_bytes(data)
    tmp = folder / f".demo-{key}-{os.getpid()}.wt"
    for stale in (tmp, tmp.with_name(tmp.name + "-wal"), tmp.with_name(tmp.name + "-shm")):
        stale.unlink(missing_ok=True)
    corpus = Corpus(tmp, workers=1)
    try:
        report = corpus.add([source])
    finally:
        corpus.close()
    if report.failed:
        raise RuntimeError(f"demo corpus: {len(report.failed)} records failed: {report.failed[:3]}")
    os.replace(tmp, db)
    return db
