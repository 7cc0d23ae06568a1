"""HTML page -> ``Article``: two readers, chosen by the caller.

``careful`` (trafilatura, favouring recall) reads one page as well as we know how: body, title, date,
site and URL. ``wiretrace compare``, ``search``, the web UI and ``read_article`` use it: one page at a
time, where some 30 ms a page does not matter.

``fast`` (resiliparse's main-content extraction; title, site and URL from the page's meta tags; the date
from htmldate, which trafilatura uses too) is about five times quicker for a compared-body F1 0.009 below
trafilatura's on the article-extraction benchmark. ``wiretrace index`` reads ``.html`` files and the HTML
records of WARC files with it: there the reading of every page is what limits a crawl. docs/corpus.md
("Which HTML reader runs where") has the measurements.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from ..errors import InputError
from ..model import Article

if TYPE_CHECKING:
    from resiliparse.parse.html import HTMLTree

NO_TEXT = "no article text found in this HTML page"

TITLE_KEYS = ("og:title", "twitter:title")


def careful(html: str, where: str) -> Article:
    """trafilatura's body (recall favoured, no comments or tables), title, date, site and URL."""
    import trafilatura

    doc = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=False, favor_recall=True
    )
    if doc is None or not (doc.text or "").strip():
        raise InputError(where, NO_TEXT)
    return _article(doc.text, doc.title, _iso(doc.date), doc.sitename or doc.hostname, doc.url)


def fast(html: str, where: str) -> Article:
    """resiliparse's main content (``main_text``), the page's own title, site and URL (``page_meta``) and
    the date htmldate finds (``published_date``)."""
    from resiliparse.parse.html import HTMLParserException, HTMLTree

    try:
        try:
            tree = HTMLTree.parse(html)
        except UnicodeEncodeError:  # a lone surrogate (a str from JSON; decode() never makes one)
            html = html.encode("utf-8", "replace").decode("utf-8")
            tree = HTMLTree.parse(html)
    except HTMLParserException as e:
        raise InputError(where, f"this HTML page cannot be parsed ({e})") from None
    text = main_text(tree).strip()
    if not text:
        raise InputError(where, NO_TEXT)
    title, site, url = page_meta(tree)
    return _article(text, title, published_date(html, url), site, url)


def main_text(tree: HTMLTree) -> str:
    """resiliparse's main-content extraction with block structure kept (line breaks matter to cleaning),
    and without list bullets, image alt texts, comment sections or the post's byline block: on the
    benchmark pages each of these cost compared precision for next to no recall."""
    from resiliparse.extract.html2text import extract_plain_text

    return extract_plain_text(
        tree,
        preserve_formatting=True,
        main_content=True,
        list_bullets=False,
        alt_texts=False,
        comments=False,
        post_meta=False,
    )


def page_meta(tree: HTMLTree) -> tuple[str | None, str | None, str | None]:
    """(title, site, URL) as the page declares them: Open Graph or Twitter title, else ``<title>``;
    ``og:site_name``; ``og:url``, else the canonical link."""
    metas: dict[str, str] = {}
    # .values(): indexing an ElementNodeList walks the list for every item (5 ms a page)
    for node in tree.document.query_selector_all("meta[content]").values():
        key = (node.getattr("property") or node.getattr("name") or "").lower()
        content = " ".join((node.getattr("content") or "").split())
        if key and content and key not in metas:
            metas[key] = content
    title = next((metas[k] for k in TITLE_KEYS if k in metas), None) or " ".join((tree.title or "").split())
    link = tree.document.query_selector('link[rel="canonical"][href]')
    url = metas.get("og:url") or (" ".join((link.getattr("href") or "").split()) if link is not None else "")
    return title or None, metas.get("og:site_name"), url or None


def published_date(html: str, url: str | None) -> date | None:
    """The date the page claims, found as trafilatura finds it (htmldate: the URL, meta tags, JSON-LD,
    dated elements; the original date, not the last update). htmldate's extensive search (more kinds of
    element, then the visible text) costs about 20 ms a page, so it runs only for a page the quick search
    finds no date on; on the 181 benchmark pages this gives trafilatura's date every time. The tree is
    trafilatura's: htmldate's own loader would fetch a payload that is only a URL."""
    import trafilatura
    from htmldate import find_date

    tree = trafilatura.load_html(html)
    if tree is None:
        return None
    # find_date copies a tree it is given before pruning it, so the second search sees the whole page
    found = find_date(tree, extensive_search=False, original_date=True, url=url)
    return _iso(found or find_date(tree, extensive_search=True, original_date=True, url=url))


def _iso(value: str | None) -> date | None:
    """htmldate's ``YYYY-MM-DD`` (it keeps to 1995 .. today)."""
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _article(
    text: str, title: str | None, published: date | None, source: str | None, url: str | None
) -> Article:
    """The title goes first when the body does not start with it (cleaning finds the headline there)."""
    title = (title or "").strip() or None
    if title and not text.lstrip().startswith(title):
        text = f"{title}\n\n{text}"
    return Article(text=text, title=title, published=published, source=source, url=url)
