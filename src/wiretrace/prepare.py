"""Article -> Document: the clean, segment and facts stages run in order on one article."""

from __future__ import annotations

from .clean import attributions, clean, republished_from
from .facts import extract, quotes
from .language import detect_language
from .model import Article, Document, Facts, Sentence
from .segment import split_spans
from .text import content_stems


def prepare(article: Article, light: bool = False) -> Document:
    """Label lines, split sentences (offsets into ``article.text``), extract facts and content stems.

    ``light`` extracts only quotations, all that deciding the relation of a pair needs; the other facts
    are for the claim-level diff (corpus verification prepares every article light, once).
    """
    text = article.text
    blocks, credits = clean(text, article.title)
    sentences: list[Sentence] = []
    for block in blocks:
        if block.kind == "body":
            spans = list(split_spans(text, block.start, block.end))
        else:
            spans = [(block.start, block.end)]
        for s, e in spans:
            sentences.append(Sentence(len(sentences), s, e, text[s:e], block.kind, block.reason))
    if light:
        facts = tuple(Facts(quotes=tuple(quotes(s.text, s.start))) for s in sentences)
    else:
        facts = tuple(
            extract(s.text, s.start, article.published, headline=s.kind == "headline") for s in sentences
        )
    tokens = tuple(content_stems(s.text) for s in sentences)
    language = article.language or detect_language(" ".join(s.text for s in sentences if s.kind == "body"))
    notices = republished_from(text, blocks)
    named = attributions(text, blocks)
    return Document(article, tuple(sentences), facts, tuple(credits), tokens, language, notices, named)
