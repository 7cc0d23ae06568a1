"""Alerts: which new articles a newsroom must hear about, and getting the news to it.

An alert is raised for a new article that derives from a tracked source, article or story (or from which
one of them derives): the pair the corpus verified as a copy or rewrite, oriented as its stories are
(the engine's direction, else dates), with its full claim-level comparison (added sentences, flags) and
whether the derived text credits the tracked party. Kinds, one per pair, first that applies:

- ``uncredited_reuse``: the derived text does not credit the source it reuses;
- ``rewrite_with_added_claims``: it credits it, but adds sentences the source does not support;
- ``credited_syndication``: a credited copy with nothing added (off by default: it is what syndication
  is for);
- ``new_member``: a new article joined a tracked story (when no other alert names it).

An alert's id is a hash of the tracked party and the two articles, so working a round out twice (after a
crash) stores it once, and it is the idempotency key every sink receives.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from .. import __version__
from ..clean import canonical_wire
from ..corpus import Corpus
from ..corpus.stories import DERIVATION, orient
from ..errors import InputError
from ..ingest.records import host
from ..lexicon import WIRES
from .state import TRACK_KINDS, Track, WatchState, now_iso

KINDS = ("uncredited_reuse", "rewrite_with_added_claims", "credited_syndication", "new_member")
DEFAULT_KINDS = frozenset(KINDS) - {"credited_syndication"}
HOOK_TIMEOUT = 10.0
SIGNATURE_HEADER = "X-Wiretrace-Signature"


def add_track(corpus: Corpus, kind: str, value: str) -> bool:
    """Track a source, an article or a story of ``corpus`` (an article or story must exist: InputError
    otherwise). A story is anchored to its original (or first) article, since its id follows its original.
    False when it was tracked already."""
    if kind not in TRACK_KINDS:
        raise InputError(kind, "a track is a source, an article or a story")
    value = value.strip()
    if not value or len(value) > 512:
        raise InputError(value[:40] or kind, "a tracked value must be 1 to 512 characters")
    anchor = None
    if kind == "article" and corpus.store.number_of(value) is None:
        raise InputError(value, "no such article in the corpus")
    if kind == "story":
        story = corpus.story(value)
        if story is None:
            raise InputError(value, "no such story in the corpus")
        originals = story.get("original") or [a["id"] for a in story.get("articles") or []]
        anchor = originals[0] if originals else None
    return WatchState(corpus.store).add_track(kind, value, anchor)


def alert_id(track: Track, *articles: str) -> str:
    key = "\x1f".join((track.kind, track.value.lower(), *articles))
    return "al-" + hashlib.sha1(key.encode()).hexdigest()[:16]


def _site_matches(value: str, site: str | None, url: str | None) -> bool:
    v = value.lower().removeprefix("www.")
    hosts = {(site or "").lower().removeprefix("www."), host(url) or ""}
    return any(h and (h == v or h.endswith("." + v)) for h in hosts)


def party_of(track: Track, row: dict) -> bool:
    """Whether the article (a stored row: id, source, url, credits) belongs to the tracked party: for a
    source, its site (or a subdomain) or a wire credit it carries ("Associated Press"); for an article,
    its id. A tracked story is matched by membership (``find_alerts``)."""
    if track.kind == "article":
        return row["id"] == track.value
    if track.kind != "source":
        return False
    if _site_matches(track.value, row.get("source"), row.get("url")):
        return True
    wire = canonical_wire(track.value)
    return any(canonical_wire(str(c)) == wire for c in json.loads(row.get("credits") or "[]"))


def _aliases(name: str) -> set[str]:
    """A name and, for a wire, every way of writing it ("AP", "Associated Press", "The Associated Press")."""
    return {name, *WIRES.get(canonical_wire(name), ())}


def _names(track: Track, source: dict) -> set[str]:
    """What a credit to the tracked party may say: its name, the source's site and wire credits."""
    names = _aliases(track.value) if track.kind == "source" else set()
    for credit in json.loads(source.get("credits") or "[]"):
        names |= _aliases(str(credit))
    site = host(source.get("url")) or host(source.get("source"))
    if site:
        names.add(site)
    return {n.lower() for n in names if n and len(n) > 2}


def credits_party(compared: dict, track: Track, source: dict, derived_text: str) -> bool:
    """Whether the derived text credits the source: the engine's credit findings where the source carries
    a wire credit, else any credit, attribution, republication notice or mention of the party's name or
    site in the derived text."""
    types = {f.get("type") for f in compared.get("findings") or []}
    if "uncredited_reuse" in types:
        return False
    if "credited_syndication" in types:
        return True
    names = _names(track, source)
    b = compared.get("b") or {}
    said = [*b.get("credits", []), *b.get("attributions", []), *b.get("republished_from", [])]
    if any(a.lower() in names for s in said for a in _aliases(str(s))):
        return True
    low = derived_text.lower()
    return any(n in low for n in names)


def _article(row: dict) -> dict:
    return {k: row.get(k) for k in ("id", "title", "source", "url", "published", "first_seen")}


def find_alerts(
    corpus: Corpus,
    tracks: list[Track],
    after: int,
    kinds: frozenset[str] = DEFAULT_KINDS,
    base_url: str | None = None,
) -> list[dict]:
    """Alerts for the articles numbered above ``after`` (the new ones), against ``tracks``."""
    store = corpus.store
    if not tracks:
        return []
    pairs = store.db.execute(
        "SELECT lo, hi, src, dst, relation, direction, confidence, evidence FROM pairs"
        f" WHERE hi > ? AND status = 'done' AND relation IN ({','.join('?' * len(DERIVATION))})"
        " ORDER BY hi, lo",
        (after, *DERIVATION),
    ).fetchall()
    numbers = {n for p in pairs for n in p[:2]}
    fields = ("n", "id", "title", "source", "url", "published", "first_seen", "credits")
    info = store.articles(numbers, fields=fields)
    alerts: list[dict] = []
    alerted: set[int] = set()  # new articles an alert already names (new_member is then not repeated)
    created = now_iso()
    for lo, hi, src, dst, relation, direction, confidence, evidence in pairs:
        edge = orient(
            {
                "src": src,
                "dst": dst,
                "direction": direction,
                "confidence": confidence,
                "evidence": json.loads(evidence or "{}"),
            },
            info,
        )
        s, d = info[edge["src"]], info[edge["dst"]]
        for track in tracks:
            on_src, on_dst = party_of(track, s), party_of(track, d)
            if on_src == on_dst:  # neither side is the party, or it reused its own story
                continue
            alert = _pair_alert(corpus, track, s, d, relation, edge, on_src, after, created, base_url)
            if alert is not None and alert["kind"] in kinds:
                alerts.append(alert)
                alerted.update(n for n in (lo, hi) if n > after)
    if "new_member" in kinds:
        alerts += _story_alerts(
            corpus, [t for t in tracks if t.kind == "story"], after, alerted, created, base_url
        )
    return alerts


def _pair_alert(
    corpus: Corpus,
    track: Track,
    s: dict,
    d: dict,
    relation: str,
    edge: dict,
    tracked_is_source: bool,
    after: int,
    created: str,
    base_url: str | None,
) -> dict | None:
    compared = corpus.pair(s["id"], d["id"])  # the full comparison, computed once and stored
    if compared is None:
        return None
    if compared["a"]["id"] != s["id"]:  # the comparison reads the other way: follow it
        s, d = d, s
        tracked_is_source = not tracked_is_source
    row = corpus.store.pair_row(s["n"], d["n"]) or {}
    text = (corpus.store.article(d["n"]) or {}).get("text", "")
    credited = credits_party(compared, track, s, text)
    added = int((compared.get("stats") or {}).get("labels", {}).get("added", 0))
    flags = dict((compared.get("stats") or {}).get("flags") or {})
    kind = (
        "uncredited_reuse"
        if not credited
        else "rewrite_with_added_claims"
        if added
        else "credited_syndication"
    )
    link = "/pair?" + urlencode({"a": s["id"], "b": d["id"]})
    story = corpus.story(d["id"])
    return {
        "id": alert_id(track, s["id"], d["id"]),
        "kind": kind,
        "created": created,
        "tracked": {"kind": track.kind, "value": track.value},
        "tracked_side": "source" if tracked_is_source else "derived",
        "new": [side for side, a in (("source", s), ("derived", d)) if a["n"] > after],
        "source": _article(s),
        "derived": _article(d),
        "relation": relation,
        "direction": {
            "original": s["id"],
            "basis": edge.get("basis"),
            "uncertain": bool(edge.get("uncertain")),
            "confidence": row.get("confidence"),
        },
        "credited": credited,
        "added": added,
        "flags": flags,
        "story": story["id"] if story else None,
        "link": link,
        "url": base_url.rstrip("/") + link if base_url else None,
        "detail": compared["relation"].get("detail"),
    }


def _story_alerts(
    corpus: Corpus, tracks: list[Track], after: int, alerted: set[int], created: str, base_url: str | None
) -> list[dict]:
    store = corpus.store
    out = []
    for track in tracks:
        story = corpus.story(track.anchor or track.value)
        if story is None:
            continue
        members = [a["id"] for a in story.get("articles") or []]
        new = store.db.execute(
            "SELECT n FROM articles WHERE n > ? AND id IN ({})".format(",".join("?" * len(members))),
            [after, *members],
        ).fetchall()
        rows = store.articles([n for (n,) in new if n not in alerted])
        for n in sorted(rows):
            row, aid = rows[n], rows[n]["id"]
            link = f"/stories/{story['id']}"
            out.append(
                {
                    "id": alert_id(track, aid),
                    "kind": "new_member",
                    "created": created,
                    "tracked": {"kind": track.kind, "value": track.value},
                    "tracked_side": "story",
                    "new": ["derived"],
                    "source": None,
                    "derived": _article(row),
                    "relation": None,
                    "direction": None,
                    "credited": None,
                    "added": None,
                    "flags": {},
                    "story": story["id"],
                    "link": link,
                    "url": base_url.rstrip("/") + link if base_url else None,
                    "detail": "joined the tracked story "
                    + ((story.get("label") or {}).get("title") or story["id"]),
                }
            )
    return out


# ----------------------------------------------------------------------------------------- delivery


class Sink:
    """Where alerts go besides the corpus; ``name`` keys its delivery queue."""

    name: str
    batch = True  # False: each alert is sent, and its delivery recorded, before the next is sent

    def send(self, alerts: list[dict]) -> list[tuple[str, str | None]]:
        """(alert id, None when taken or the reason it was not) for each alert, in order."""
        raise NotImplementedError


@dataclass
class FileSink(Sink):
    """Appends alerts as JSON lines. Before appending it reads the ids the file holds, so an alert written
    just before a crash (and not yet marked delivered) is not written again."""

    path: Path

    @property
    def name(self) -> str:
        return f"file:{self.path.resolve()}"

    def _written(self) -> set[str]:
        ids = set()
        if self.path.exists():
            with self.path.open(encoding="utf-8", errors="replace") as fh:
                for line in fh:
                    try:
                        ids.add(json.loads(line)["id"])
                    except (ValueError, KeyError, TypeError):
                        continue  # a line cut by a crash: the alert is written again below
        return ids

    def send(self, alerts: list[dict]) -> list[tuple[str, str | None]]:
        try:
            written = self._written()
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as fh:
                if fh.tell() and not self.path.read_bytes().endswith(b"\n"):
                    fh.write("\n")  # after a torn last line, start a fresh one
                for a in alerts:
                    if a["id"] not in written:
                        fh.write(json.dumps(a, ensure_ascii=False) + "\n")
                fh.flush()
                os.fsync(fh.fileno())
        except OSError as e:
            return [(a["id"], f"{self.path}: {e.strerror}") for a in alerts]
        return [(a["id"], None) for a in alerts]


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # a POST is never re-sent elsewhere
        return None


def sign(secret: bytes, body: bytes) -> str:
    """The signature header's value: ``sha256=`` and the hex HMAC-SHA256 of the exact body bytes."""
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


@dataclass
class WebhookSink(Sink):
    """POSTs each alert as JSON; the alert id goes in the body and in ``Idempotency-Key`` (a receiver that
    sees it twice, after a crash between its answer and our record of it, drops the second), and with a
    secret the body is signed in ``X-Wiretrace-Signature``. Anything but a 2xx answer is a failure."""

    url: str
    secret: bytes | None = None
    timeout: float = HOOK_TIMEOUT
    batch = False

    @property
    def name(self) -> str:
        return f"webhook:{self.url}"

    def send(self, alerts: list[dict]) -> list[tuple[str, str | None]]:
        opener = urllib.request.build_opener(_NoRedirects())
        out = []
        for a in alerts:
            body = json.dumps(a, ensure_ascii=False, sort_keys=True).encode()
            headers = {
                "Content-Type": "application/json",
                "User-Agent": f"wiretrace/{__version__}",
                "Idempotency-Key": a["id"],
            }
            if self.secret is not None:
                headers[SIGNATURE_HEADER] = sign(self.secret, body)
            request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
            try:
                with opener.open(request, timeout=self.timeout) as resp:
                    resp.read(65536)
                out.append((a["id"], None))
            except urllib.error.HTTPError as e:
                out.append((a["id"], f"HTTP {e.code}"))
            except (urllib.error.URLError, OSError) as e:
                out.append((a["id"], f"not reached ({getattr(e, 'reason', None) or e})"))
        return out


def webhook_secret(env_name: str | None) -> bytes | None:
    """The secret from the named environment variable; an error when it is named but unset or empty."""
    if not env_name:
        return None
    value = os.environ.get(env_name)
    if not value:
        raise InputError(env_name, "the environment variable named by --webhook-secret-env is not set")
    return value.encode()


def deliver(state: WatchState, sinks: list[Sink], at: float, retry_base: float) -> tuple[int, int]:
    """Send every due queued alert to each sink; (delivered, failed). A failure stays queued and is tried
    again after ``retry_base`` seconds, doubling each time (at most an hour)."""
    sent = failed = 0
    for sink in sinks:
        queued = state.queued(sink.name, at)
        if not queued:
            continue
        tries = {a["id"]: t for a, t in queued}
        alerts = [a for a, _ in queued]
        for chunk in [alerts] if sink.batch else [[a] for a in alerts]:
            results = sink.send(chunk)
            ok = [aid for aid, why in results if why is None]
            state.delivered(sink.name, ok)
            sent += len(ok)
            for aid, why in results:
                if why is not None:
                    failed += 1
                    state.delivery_failed(sink.name, aid, at + min(3600.0, retry_base * 2 ** tries[aid]), why)
    return sent, failed
