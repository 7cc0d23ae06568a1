"""HTML readers side by side on scrapinghub's article-extraction-benchmark (181 real news pages): the
measurements behind ``ingest/html.py``'s choice of reader (docs/corpus.md, "Which HTML reader runs where").

Every reader reads every page in turn (page by page, readers interleaved, so load on a shared machine
falls on all of them alike), with the library caches (htmldate, trafilatura, courlan) cleared before each
read: otherwise a reader would find the dates and URLs of a page already worked out by the one before.
Scores as ``bench/run.py`` gives them: word precision, recall and F1 against the marked body of the text
read and of the sentences wiretrace then compares; title and date: pages where they equal today's reader's.

    python bench/html_readers.py [--limit N] [--rounds R]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from bench import datasets as ds  # noqa: E402
from wiretrace.errors import InputError  # noqa: E402
from wiretrace.ingest import html as readers  # noqa: E402
from wiretrace.ingest.decode import decode  # noqa: E402
from wiretrace.model import Article  # noqa: E402
from wiretrace.prepare import prepare  # noqa: E402

_WORD = re.compile(r"\w+")
QUIET = {"list_bullets": False, "alt_texts": False}  # no bullets, no image alt texts


def word_prf(found: str, truth: str) -> tuple[float, float, float]:
    """Precision, recall and F1 of the words (lower-cased, counted with repeats) of ``found`` against
    ``truth``."""
    f = Counter(w.lower() for w in _WORD.findall(found))
    t = Counter(w.lower() for w in _WORD.findall(truth))
    hit = sum((f & t).values())
    p, r = hit / max(1, sum(f.values())), hit / max(1, sum(t.values()))
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def library_caches() -> list:
    """The functools caches of the libraries the HTML readers call (htmldate, trafilatura, courlan,
    justext, resiliparse), to clear between reads."""
    found = []
    for name, module in list(sys.modules.items()):
        if name.split(".")[0] in ("htmldate", "trafilatura", "courlan", "justext", "resiliparse"):
            found += [
                v for v in vars(module).values() if hasattr(v, "cache_clear") and hasattr(v, "cache_info")
            ]
    return found


def trafilatura_reader(**options: bool) -> Callable[[str, str], Article]:
    """``careful`` with other trafilatura options (``fast``: no fallback extractors, no extensive date
    search)."""
    import trafilatura

    def read(html: str, where: str) -> Article:
        doc = trafilatura.bare_extraction(
            html, with_metadata=True, include_comments=False, include_tables=False, **options
        )
        if doc is None or not (doc.text or "").strip():
            raise InputError(where, readers.NO_TEXT)
        return readers._article(
            doc.text, doc.title, readers._iso(doc.date), doc.sitename or doc.hostname, doc.url
        )

    return read


def resiliparse_reader(**options: bool) -> Callable[[str, str], Article]:
    """resiliparse's main content with these options and the page's meta-tag title (as ``fast``), no date:
    what each option does to the body."""
    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.html import HTMLTree

    def read(html: str, where: str) -> Article:
        tree = HTMLTree.parse(html)
        text = extract_plain_text(tree, main_content=True, **options)
        if not text.strip():
            raise InputError(where, readers.NO_TEXT)
        title, site, url = readers.page_meta(tree)
        return readers._article(text, title, None, site, url)

    return read


def resiliparse_with_trafilatura_metadata(html: str, where: str) -> Article:
    """``fast``'s body with title, date, site and URL from ``trafilatura.extract_metadata`` (its quick
    date search)."""
    import trafilatura
    from resiliparse.parse.html import HTMLTree

    text = readers.main_text(HTMLTree.parse(html)).strip()
    if not text:
        raise InputError(where, readers.NO_TEXT)
    doc = trafilatura.extract_metadata(trafilatura.load_html(html), extensive=False)
    return readers._article(text, doc.title, readers._iso(doc.date), doc.sitename or doc.hostname, doc.url)


READERS: dict[str, Callable[[str, str], Article]] = {
    "trafilatura, favor_recall (today: `careful`)": readers.careful,
    "trafilatura, favor_recall, fast": trafilatura_reader(favor_recall=True, fast=True),
    "trafilatura, fast": trafilatura_reader(fast=True),
    "resiliparse main_content, defaults (formatted)": resiliparse_reader(),
    "resiliparse, unformatted": resiliparse_reader(preserve_formatting=False),
    "resiliparse, formatted, no bullets/alt texts": resiliparse_reader(preserve_formatting=True, **QUIET),
    "resiliparse, formatted, no bullets/alt texts, noscript": resiliparse_reader(
        preserve_formatting=True, noscript=True, **QUIET
    ),
    "resiliparse, formatted, no bullets/alt texts/comments": resiliparse_reader(
        preserve_formatting=True, comments=False, **QUIET
    ),
    "resiliparse, formatted, no bullets/alt texts/comments/post_meta": resiliparse_reader(
        preserve_formatting=True, comments=False, post_meta=False, **QUIET
    ),
    "`fast`: the above + htmldate's date": readers.fast,
    "the above body + trafilatura.extract_metadata": resiliparse_with_trafilatura_metadata,
}


def measure(limit: int | None, rounds: int, names: list[str]) -> dict[str, dict]:
    pages = ds.extraction_pages()[:limit] if limit else ds.extraction_pages()
    texts = [decode(p.html, p.page_id)[0] for p in pages]
    readers.careful(texts[0], "warm-up")  # imports, compiled patterns
    readers.fast(texts[0], "warm-up")
    caches = library_caches()
    out = {n: {"ms": [], "read": [], "body": [], "meta": []} for n in names}
    for r in range(rounds):
        secs = dict.fromkeys(names, 0.0)
        for page, html in zip(pages, texts, strict=True):
            for name in names:
                for c in caches:
                    c.cache_clear()
                t = time.perf_counter()
                try:
                    article = READERS[name](html, page.page_id)
                except InputError:
                    article = None
                secs[name] += time.perf_counter() - t
                if r:
                    continue
                text = article.text if article else ""
                body = (
                    " ".join(s.text for s in prepare(article).sentences if s.kind == "body")
                    if article
                    else ""
                )
                out[name]["read"].append(word_prf(text, page.body))
                out[name]["body"].append(word_prf(body, page.body))
                out[name]["meta"].append((article.title, article.published) if article else (None, None))
        for name in names:
            out[name]["ms"].append(1000 * secs[name] / len(pages))
    ref = out[names[0]]["meta"]
    for name in names:
        o = out[name]
        o["poor"] = sum(f < 0.5 for _, _, f in o["body"])
        o["read"], o["body"] = (
            tuple(statistics.fmean(x[i] for x in o[k]) for i in range(3)) for k in ("read", "body")
        )
        o["title"] = sum(
            (a[0] or "").lower() == (b[0] or "").lower() for a, b in zip(ref, o["meta"], strict=True)
        )
        o["date"] = sum(a[1] == b[1] for a, b in zip(ref, o["meta"], strict=True))
        o["dated"] = sum(m[1] is not None for m in o["meta"])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, help="the first N pages only")
    parser.add_argument("--rounds", type=int, default=3, help="timing rounds (scores come from the first)")
    args = parser.parse_args()
    names = list(READERS)
    res = measure(args.limit, args.rounds, names)
    base = statistics.median(res[names[0]]["ms"])
    print(
        f"| reader | text P / R / F1 | compared P / R / F1 | ms/page (median of {args.rounds}) | "
        "x today | same title | same date | dated | compared F1 < 0.5 |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for name in names:
        o = res[name]
        ms = statistics.median(o["ms"])
        print(
            f"| {name} | "
            + " / ".join(f"{x:.3f}" for x in o["read"])
            + " | "
            + " / ".join(f"{x:.3f}" for x in o["body"])
            + f" | {ms:.1f} | {base / ms:.1f} | {o['title']} | {o['date']} | {o['dated']} | {o['poor']} |"
        )


if __name__ == "__main__":
    main()
