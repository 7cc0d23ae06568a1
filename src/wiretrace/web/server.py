"""``wiretrace serve``: run the web UI and API with uvicorn.

The socket is bound here, before uvicorn starts, so the address printed is the one really listened on
(``--port 0`` picks a free port) and a port in use is one clear error line. Loopback only by default;
any other address gets a warning, because the server has no authentication.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import sys
from pathlib import Path

from ..errors import InputError
from .app import DEFAULT_MAX_BODY, create_app
from .security import LOOPBACK_HOSTS


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def host_warning(host: str, allow_writes: bool) -> str | None:
    """The warning printed when the server listens beyond this machine (None on a loopback address)."""
    if is_loopback(host):
        return None
    return (
        f"WARNING: listening on {host}, not on a loopback address: anyone who can reach this machine "
        "can use this server, which has no authentication"
        + (" and accepts writes (--allow-writes)" if allow_writes else "")
        + ". Use --host 127.0.0.1 unless you mean it."
    )


def bind(host: str, port: int) -> socket.socket:
    host = host.strip("[]")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as e:
        sock.close()
        raise InputError(f"{host}:{port}", f"cannot listen there ({e.strerror})") from None
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def serve(
    db: str | Path | None = None,
    host: str = "127.0.0.1",
    port: int = 8000,
    allow_writes: bool = False,
    workers: int | None = None,
    max_body: int = DEFAULT_MAX_BODY,
    access_log: bool = False,
    rebuild_demo: bool = False,
) -> int:
    import uvicorn

    demo = db is None
    if demo:
        from .demo import demo_corpus

        def announce() -> None:
            print("wiretrace: indexing the bundled demo corpus (once, a few seconds) ...", file=sys.stderr)

        path = demo_corpus(rebuild=rebuild_demo, on_build=announce)
    else:
        path = Path(db)
        if not path.is_file():
            if not allow_writes:
                raise InputError(
                    str(path), "no such corpus (create it with `wiretrace index PATH --db FILE`)"
                )
            from ..corpus import Corpus

            Corpus(path).close()  # a new, empty corpus that POST /api/articles will fill
    loopback = is_loopback(host)
    warning = host_warning(host, allow_writes)
    if warning:
        print(f"wiretrace: {warning}", file=sys.stderr)
    if workers is None:
        workers = min(2, os.cpu_count() or 1)
    app = create_app(
        path,
        allow_writes=allow_writes,
        workers=workers,
        max_body=max_body,
        allowed_hosts=LOOPBACK_HOSTS | {host.strip("[]").lower()} if loopback else None,
        demo=demo,
    )
    sock = bind(host, port)
    real_port = sock.getsockname()[1]
    shown = f"[{host.strip('[]')}]" if ":" in host else host
    from .queries import Reader

    reader = Reader(path)
    counts = reader.counts()
    reader.close()
    what = "the demo corpus" if demo else str(path)
    mode = "read-write (--allow-writes)" if allow_writes else "read-only"
    print(
        f"wiretrace: serving {what} ({counts['articles']} articles, {counts['stories']} stories), {mode}",
        file=sys.stderr,
    )
    print(
        f"wiretrace: open http://{shown}:{real_port}/  (API: /api/, docs: /api/docs; Ctrl-C stops)",
        flush=True,
    )
    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=access_log,
        timeout_graceful_shutdown=5,
        lifespan="on",
    )
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
    return 0
