"""ASGI middleware: security headers on every response, a cap on request bodies, a Host check.

- CSP: everything from this origin only, no inline script or style, no frames, forms post here only.
- Bodies: a declared Content-Length over the cap is refused before any byte is read; a body without
  one is counted as it streams and refused as soon as it passes the cap. Either way: 413, with a
  message that names the limit.
- Host: when the server listens on a loopback address, requests must name a loopback host, so a web
  page elsewhere cannot reach it through DNS rebinding.
"""

from __future__ import annotations

import json

from starlette.exceptions import HTTPException

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
DRAIN_LIMIT = 64 * 2**20  # a refused body up to this size is read and dropped before the 413 is sent


class TooLarge(HTTPException):
    """Raised while a body streams past the cap. An HTTPException, so that body parsers which turn
    other errors into a 400 let it through, and the app's handler answers 413."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            413,
            f"request body too large: the limit is {human_bytes(limit)} (wiretrace serve --max-body BYTES)",
        )


def host_name(header: str) -> str:
    """'127.0.0.1:8000' -> '127.0.0.1'; '[::1]:8000' -> '::1'."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1 : header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def human_bytes(n: int) -> str:
    return f"{n / 2**20:g} MiB" if n >= 2**20 else f"{n / 2**10:g} KiB" if n >= 2**10 else f"{n} bytes"


class Guard:
    """Wraps the app: headers, body cap and (optionally) the loopback Host check."""

    def __init__(self, app, max_body: int, allowed_hosts: frozenset[str] | None = None) -> None:
        self.app = app
        self.max_body = max_body
        self.allowed_hosts = allowed_hosts

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        started = False

        async def send_with_headers(message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in HEADERS if k not in names]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        if self.allowed_hosts is not None:
            host = host_name(headers.get(b"host", b"").decode("latin-1"))
            if host not in self.allowed_hosts:
                await self._refuse(
                    scope, send_with_headers, 400, "this server answers only to a loopback host"
                )
                return

        length = headers.get(b"content-length")
        if length is not None:
            try:
                declared = int(length)
            except ValueError:
                await self._refuse(scope, send_with_headers, 400, "invalid Content-Length")
                return
            if declared > self.max_body:
                if declared <= DRAIN_LIMIT:
                    await self._drain(receive)
                await self._too_large(scope, send_with_headers)
                return

        seen = 0

        async def counted_receive():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise TooLarge(self.max_body)
            return message

        try:
            await self.app(scope, counted_receive, send_with_headers)
        except TooLarge:
            if not started:
                await self._drain(receive, seen)
                await self._too_large(scope, send_with_headers)

    @staticmethod
    async def _drain(receive, seen: int = 0) -> None:
        """Read and drop the rest of a refused body (up to DRAIN_LIMIT), so the client, still sending,
        gets to read the 413 instead of a reset connection."""
        while seen <= DRAIN_LIMIT:
            message = await receive()
            if message["type"] != "http.request":
                return
            seen += len(message.get("body", b""))
            if not message.get("more_body"):
                return

    async def _too_large(self, scope, send) -> None:
        await self._refuse(scope, send, 413, TooLarge(self.max_body).detail)

    async def _refuse(self, scope, send, status: int, message: str) -> None:
        if scope.get("path", "").startswith("/api/"):
            body = json.dumps({"error": message, "status": status}).encode()
            kind = b"application/json"
        else:
            from markupsafe import escape

            body = (
                "<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>wiretrace: "
                f"{status}</title></head><body><h1>{status}</h1><p>{escape(message)}</p>"
                '<p><a href="/">Back to the stories</a></p></body></html>'
            ).encode()
            kind = b"text/html; charset=utf-8"
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", kind),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
