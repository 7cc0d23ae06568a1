"""Cheap language identification: writing system first, then function-word profiles.

A statistical identifier costs more than half a second to load, a third of the cold-start budget; news
text is long enough that the most frequent function words settle the language reliably.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from itertools import repeat

_PROFILES = {
    "en": (
        "the of and to in a is that for on with as was by at from said has have it are be this an not"
    ).split(),
    "fr": (
        "le la les de des du et est un une en que qui dans pour pas sur au aux avec par il elle ont"
    ).split(),
    "de": (
        "der die das und ist nicht ein eine zu den von mit sich des auf für im dem auch es wurde sind"
    ).split(),
    "es": (
        "el la los las de del y en que un una por con para es se no al lo como su más pero fue ha"
    ).split(),
    "it": ("il lo la gli le di del della e che un una per con non è sono da al nel si ha anche come").split(),
    "pt": ("o a os as de do da dos das e que um uma em no na para com não por se foi ao mais como").split(),
    "nl": ("de het een en van in is dat op te zijn voor met niet aan er ook als bij door werd naar").split(),
    "sv": ("och att det som en på är av för med till den har inte om ett var jag men från").split(),
    "pl": ("i w na z że do się nie jest to o jak po przez dla od za co ale").split(),
    "id": ("yang dan di ini itu dengan untuk dari dalam tidak akan pada juga ke ada oleh karena").split(),
    "tr": ("ve bir bu da de için ile olarak çok daha gibi ama olan ne en sonra kadar").split(),
}
_SCRIPTS = {
    "CYRILLIC": "ru",
    "ARABIC": "ar",
    "GREEK": "el",
    "HEBREW": "he",
    "DEVANAGARI": "hi",
    "HANGUL": "ko",
    "HIRAGANA": "ja",
    "KATAKANA": "ja",
    "CJK": "zh",
    "THAI": "th",
    "BENGALI": "bn",
    "TAMIL": "ta",
}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_NON_ASCII_LETTER = re.compile(r"[^\W\d_a-zA-Z]", re.UNICODE)


def detect_language(text: str) -> str:
    """ISO 639-1 code of the text's language, or "und" when there is too little text to tell."""
    sample = text[:5000]
    found = _WORD.findall(sample.lower())
    if sum(map(len, found)) < 12:
        return "und"
    foreign = _NON_ASCII_LETTER.findall(sample)  # usually none or a few accented letters
    if len(foreign) > 6:  # enough for another writing system to be the majority of a short text
        scripts = Counter(_script(c) for c in foreign[:2000])
        script, count = scripts.most_common(1)[0]
        if script != "LATIN" and count > 0.5 * min(2000, sum(map(len, found))):
            if script == "CJK" and (scripts["HIRAGANA"] or scripts["KATAKANA"]):
                return "ja"
            return _SCRIPTS.get(script, "und")
    words = Counter(found)
    scores = {lang: sum(map(words.get, profile, repeat(0))) for lang, profile in _PROFILES.items()}
    lang, best = max(scores.items(), key=lambda kv: kv[1])
    total = sum(words.values())
    return lang if best >= max(2, 0.08 * total) else "und"


def _script(char: str) -> str:
    name = unicodedata.name(char, "")
    for script in ("LATIN", *_SCRIPTS):
        if name.startswith(script) or (script == "CJK" and name.startswith("CJK")):
            return script
    return "OTHER"
