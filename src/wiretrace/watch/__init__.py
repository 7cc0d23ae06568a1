"""Watch: follow feeds and a drop folder into a corpus, and tell a newsroom when its story is reused.

``state`` (what is remembered, in the corpus file), ``feeds`` (feed lists and feed items), ``alerts``
(which new articles to report, and the sinks: JSONL file, signed webhook), ``watcher`` (the polling loop),
``cli`` (``wiretrace watch`` and ``wiretrace alerts``).
"""

from .alerts import KINDS, FileSink, WebhookSink
from .watcher import RoundReport, WatchConfig, Watcher

__all__ = ["KINDS", "FileSink", "RoundReport", "WatchConfig", "Watcher", "WebhookSink"]
