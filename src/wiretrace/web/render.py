"""Templates and static files of the web UI.

One Jinja2 environment (autoescape on, undefined names are errors) loads the web templates from this
package and ``_pair.html`` from the report package, so the pair view is the same template as the
``compare`` evidence pack. The pair view's CSS and JS are rendered from that template once and served
as files, because the CSP allows no inline script or style. Static files are a fixed table of names
read from the package: no request ever names a file on disk.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib import resources
from typing import Any

from jinja2 import Environment
from markupsafe import Markup, escape

from ..report import html as report_html
from .queries import SNIPPET_CLOSE, SNIPPET_OPEN

STATIC_FILES = {
    "app.css": "text/css; charset=utf-8",
    "app.js": "text/javascript; charset=utf-8",
    "icon.svg": "image/svg+xml",
    "pair.css": "text/css; charset=utf-8",
    "pair.js": "text/javascript; charset=utf-8",
}


@lru_cache(maxsize=1)
def environment() -> Environment:
    web = resources.files("wiretrace.web").joinpath("templates")
    report = resources.files("wiretrace.report").joinpath("templates")

    def read(name: str) -> str:
        return (report if name.startswith("_pair") else web).joinpath(name).read_text(encoding="utf-8")

    env = report_html.make_environment(read)
    env.filters["snippet"] = snippet
    env.filters["day"] = day
    env.filters["ticks"] = ticks
    env.globals["static"] = static_url
    return env


def render(name: str, **context: Any) -> str:
    return environment().get_template(name).render(**context)


def snippet(text: str | None) -> Markup:
    """An FTS5 snippet (hits between \\x02 and \\x03) -> escaped text with the hits in <mark>."""
    out = escape(text or "")
    return Markup(str(out).replace(SNIPPET_OPEN, "<mark>").replace(SNIPPET_CLOSE, "</mark>"))


def ticks(text: str | None) -> Markup:
    """Escaped text with `backticked` words set as code (the API descriptions use them)."""
    parts = str(escape(text or "")).split("`")
    return Markup("".join(f"<code>{p}</code>" if k % 2 else p for k, p in enumerate(parts)))


def day(value: str | None) -> str:
    return (value or "")[:10]


@lru_cache(maxsize=1)
def static_files() -> dict[str, tuple[bytes, str, str]]:
    """name -> (content, media type, short content hash used to version its URL)."""
    pair_css, pair_js = report_html.pair_assets()
    root = resources.files("wiretrace.web").joinpath("static")
    texts = {
        name: root.joinpath(name).read_text(encoding="utf-8") for name in ("app.css", "app.js", "icon.svg")
    }
    texts["pair.css"], texts["pair.js"] = pair_css, pair_js
    out = {}
    for name, text in texts.items():
        data = text.encode("utf-8")
        out[name] = (data, STATIC_FILES[name], hashlib.sha1(data).hexdigest()[:10])
    return out


def static_url(name: str) -> str:
    return f"/static/{name}?v={static_files()[name][2]}"
