"""Page furniture: the lines of a news page that are not the story, recognised one line at a time.

Ad slots, related links, navigation headings, timestamps, prompts, contact and copyright lines, captions.
The patterns were collected from real pages (scrapinghub's article-extraction-benchmark, ECB+ and the
other development texts) and each is checked against story lines that resemble it
(``tests/data/page_furniture.json``): "... before rescuers could reach him." is story text, "Amy
Kuperinsky may be reached at ..." is not. Credits and datelines, which are parsed as well as labelled,
live in ``clean``.
"""

from __future__ import annotations

import re


def _any(*alternatives: str) -> str:
    return "(?:" + "|".join(alternatives) + ")"


def has_hint(lower: str, hints: tuple[str, ...]) -> bool:
    """Whether the lower-cased line holds one of the words one of a pattern's alternatives needs: a line
    with none of them cannot match, and finding a word is much cheaper than trying every alternative."""
    return any(map(lower.__contains__, hints))  # map: no Python frame per hint


_AD_ALTERNATIVES = (
    "advertisement", "advert", "sponsored(?: content)?", "ad", "ads",
    "story continues below(?: advertisement)?", "scroll (?:down )?to continue(?: with content)?",
    "continue reading(?: below)?", "promoted",
)  # fmt: skip
_RELATED_ALTERNATIVES = (
    "read also", "also read", "read more", "more", "related",
    r"related (?:stories?|articles?|posts?|coverage)", "see also", "see more", "recommended", "watch",
    "listen", r"more from \w+", "trending", "don'?t miss",
    "you may also like", "suggested", "also", r"also on \S+", "leggi anche(?: su)?",
)  # fmt: skip
_NAVIGATION_ALTERNATIVES = (
    "comments?", "post comment", "leave a comment", "view comments", "top stories",
    "latest(?: news| stories)?", "most (?:read|popular|viewed)(?: .{1,30})?", "popular(?: on .{1,30})?",
    "trending(?: now)?", "partner (?:news|content)", "don'?t miss", "must read", "editor'?s picks",
    "in other news", "further reading", "explore further", "more (?:stories|news|from .{1,30})",
    "read next", "up next", "related(?: coverage| stories| articles| content)?",
    "recommended(?: stories| for you)?", "you (?:may|might) also like", "share(?: this(?: article| story)?)?",
    "tweet", "e-?mail", "print", "copy link", "image", "caption", "photos?", "gallery", "back to gallery",
    "video", "updated", "loading", "skip to (?:main )?content", "advertisement", r"\[?embedded content\]?",
    r"(?:image )?\d+ ?(?:of|/|of/) ?\d+", r"(?:tags?|topics?|filed under|posted in|categories|keywords)\b.*",
)  # fmt: skip
_PROMPT_ALTERNATIVES = (
    "subscribe (?:to|now|for)", "sign up (?:for|to)", "follow us on", "share (?:this|on)",
    "send this page to someone", "click here", "clicking here", "click to tweet",
    "download (?:our|the) app", "join our", "like us on", "leave a comment", r"comments? \(\d+\)",
    "all rights reserved", r"(?:sign up|subscribe|register)\b(?: \w+){0,5} newsletters?", "our newsletters?",
    "^newsletters?$", "newsletter sign[- ]?up", "your inbox", "thanks for signing up", "your subscription",
    "enable javascript",
    r"follow (?:\w+ ){0,5}on (?:twitter|facebook|instagram|linkedin|youtube|tiktok|threads|x|bluesky|"
    "whatsapp|telegram|google news)",
    "(?:may|might|can|could) (?:earn|receive|get) (?:a )?(?:small )?(?:commission|share of the sale)",
    "affiliate (?:link|commission)s?", "(?:may|can) be reached at",
    "(?:reach|contact) (?:him|her|the (?:reporters?|writer|author)) (?:at|via)",
)  # fmt: skip
_CAPTION_ALTERNATIVES = (
    r"^(?:photo|image|picture|file photo|pictured|caption|video)\s*[:|]",
    r"\((?:centre|center|left|right|pictured|l|r|top|bottom|front|second (?:left|right))\)",
    r"\b(?:photo|photograph|image)\s*(?:by|credit|:)", "getty images",
    r"/\s*(?:ap|afp|reuters)\s*(?:photo)?\)?$", r"\bap photo\b", r"\(photo\b",
    r"^\(?(?:image |photo |main image )?credits?\s*:", r"^image caption\s*,",
)  # fmt: skip

_AD_WORDS = _any(*_AD_ALTERNATIVES)
AD = re.compile(rf"^[-–—*\s]*{_AD_WORDS}(?:[-–—*|:\s]+{_AD_WORDS})*[-–—*\s]*$", re.IGNORECASE)
RELATED = re.compile(rf"^[\[(]?\s*{_any(*_RELATED_ALTERNATIVES)}\b\s*[:|\-–—]", re.IGNORECASE)
# A short line that only names a part of the page: a heading over links, a button, a gallery counter.
NAVIGATION = re.compile(f"^{_any(*_NAVIGATION_ALTERNATIVES)}$", re.IGNORECASE)
NAVIGATION_STRIP = " \t-–—*•|:.!?…"
PROMPT = re.compile(rf"(?:^|\b){_any(*_PROMPT_ALTERNATIVES)}\b", re.IGNORECASE)
PROMPT_HINTS = (
    "subscribe", "sign up", "follow", "share", "send this", "click", "download", "join our", "like us",
    "leave a", "comment", "rights reserved", "newsletter", "inbox", "signing up", "subscription",
    "javascript", "commission", "affiliate", "reach", "contact",
)  # fmt: skip
URL = re.compile(r"^(?:<?https?://|www\.)\S+>?$", re.IGNORECASE)
# A line that is only an e-mail address, a handle or a social-media address.
CONTACT = re.compile(
    r"^(?:[\w.+-]+@[\w-]+(?:\.[\w-]+)+|@\w{2,30}|(?:twitter|x|facebook|instagram)\.com/\S+)$"
)
# Copyright notices, and AP's "This material may not be published, broadcast, rewritten or redistributed."
COPYRIGHT = re.compile(
    r"^(?:(?:copyright|©|ⓒ|\(c\))(?:\s|\d|$)|this material may not be published)", re.IGNORECASE
)
CAPTION = re.compile(_any(*_CAPTION_ALTERNATIVES), re.IGNORECASE)
CAPTION_HINTS = ("photo", "image", "picture", "caption", "video", "(", "getty", "/", "credit")

_MONTHS = "january february march april may june july august september october november december"
_MONTHS += " jan feb mar apr jun jul aug sep sept oct nov dec"
_DAYS = "monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun"
_MONTHS_DAYS = frozenset(f"{_MONTHS} {_DAYS}".split())
_DATING_WORDS = frozenset(("updated", "published", "posted", "modified", "ago"))
_TIME_WORDS = _MONTHS_DAYS | _DATING_WORDS
_TIME_WORDS |= frozenset(
    "update first last on at am pm a.m p.m hour hours minute minutes min mins second seconds day days week "
    "weeks just now today yesterday".split()
)
_TIME_START = re.compile(
    r"^[\s\W]*(?:\d|(?:" + "|".join(sorted(_TIME_WORDS, key=len, reverse=True)) + r")\b)", re.I
)
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_TIME_TOKEN = re.compile(r"^(?:\d{1,4}(?:st|nd|rd|th)?|\d{1,2}[:.]\d{2}(?:[:.]\d{2})?|[a-z]{2,4}t|utc)$")
_TIME_SPLIT = re.compile(r"[\s,/|·•:\-–—()\[\]]+")
_TRAILING_BYLINE = re.compile(r"\s+by\s+[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}\s*$")


def is_timestamp(line: str) -> bool:
    """A line that only dates the page: "Updated: 12:34 PM EST, Tue May 3, 2024", "Published 3 hours ago",
    "November 19, 2019 / 12:21 AM / Updated 14 hours ago", perhaps followed by a byline. A clock time or a
    score alone ("10 p.m.", "0 : 0") is not one: it may be the story's."""
    if not _TIME_START.match(line):  # most lines fail at their first word: no need to split them
        return False
    tokens = [t for t in _TIME_SPLIT.split(_TRAILING_BYLINE.sub("", line).lower().rstrip(".")) if t]
    if not 0 < len(tokens) <= 16:
        return False
    dated = False  # a month, a weekday, a year or a "published" word
    for t in tokens:
        t = t.rstrip(".")
        if t in _TIME_WORDS:
            dated = dated or t in _DATING_WORDS or t in _MONTHS_DAYS
        elif _TIME_TOKEN.match(t):
            dated = dated or _YEAR.match(t) is not None
        else:
            return False
    return dated


def furniture(line: str, lower: str, words: int) -> str | None:
    """The reason a line is page furniture of the kinds that come before credits (link, ad slot, related
    link, navigation, timestamp, prompt), or None. ``lower``: the line lower-cased; ``words``: its length."""
    if URL.match(line) or CONTACT.match(line.strip()):
        return "link"
    if AD.match(line):
        return "ad slot"
    if RELATED.match(line):
        return "related link"
    if words <= 8 and NAVIGATION.match(line.strip(NAVIGATION_STRIP)):
        return "navigation"
    if words <= 16 and is_timestamp(line):
        return "timestamp"
    if words <= 30 and has_hint(lower, PROMPT_HINTS) and PROMPT.search(line):
        return "prompt"
    return None
