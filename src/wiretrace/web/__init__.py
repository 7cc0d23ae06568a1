"""Web UI and HTTP API (``wiretrace serve``): browse stories, see the lineage, read the diff.

``create_app(db)`` builds the ASGI application over a corpus file; ``serve()`` runs it with uvicorn;
``demo_corpus()`` indexes the bundled demo corpus. Modules: ``queries`` (read-only SQL over the store),
``service`` (what pages and API share), ``api`` and ``pages`` (the routes), ``lineage`` (the story
pictures' geometry), ``articles`` (the reading view), ``jobs`` and ``workers`` (compares in a process
pool), ``security`` (headers, body cap, Host check), ``render`` (templates and static files).
"""

from .app import create_app
from .demo import demo_corpus
from .server import serve

__all__ = ["create_app", "demo_corpus", "serve"]
