"""``make bench``: quality and speed of ``wiretrace compare`` on the real dev data, beside a baseline.

Writes docs/benchmarks.md (command, machine, date, numbers). Quality uses sets the shipped classifier was
not trained on (FRANK validation split, SummEdits, Falke, MSRP dev, relation pairs); the TF-IDF baseline is
reported at its oracle threshold (chosen on the scored set itself), which flatters it.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from bench import datasets as ds  # noqa: E402
from bench import entail_bench  # noqa: E402
from bench.baseline import (  # noqa: E402
    TfidfBaseline,
    accuracy_f1,
    balanced_accuracy,
    best_threshold_balanced_accuracy,
    best_two_thresholds_accuracy,
    predict_relation,
    predict_threshold,
)
from bench.direction_bench import bench_lines as direction_lines  # noqa: E402
from bench.featurize import derived_labels, unsupported  # noqa: E402


def support_task(name: str, items: list, limit: int | None) -> dict:
    items = items[:limit] if limit else items
    labels = [not x.supported for x in items]
    t = time.perf_counter()
    pred = [unsupported(x.source, x.sentence) for x in items]
    secs = time.perf_counter() - t
    base = TfidfBaseline().fit([x.source for x in items] + [x.sentence for x in items])
    scores = base.sentence_support_scores(items)
    _, base_ba = best_threshold_balanced_accuracy([-s for s in scores], labels)
    out = {
        "set": name,
        "n": len(items),
        "unsupported": sum(labels),
        "wiretrace": balanced_accuracy(pred, labels),
        "baseline": base_ba,
        "seconds": secs,
    }
    if name.startswith("FRANK"):
        for corpus in ("cnndm", "bbc"):
            idx = [i for i, x in enumerate(items) if x.subset == corpus]
            if idx and len({labels[i] for i in idx}) == 2:
                out[f"wiretrace_{corpus}"] = balanced_accuracy(
                    [pred[i] for i in idx], [labels[i] for i in idx]
                )
    return out


def heldout_task(limit: int | None) -> dict:
    """AggreFact's XSumFaith summaries (all unfaithful, none seen in development): how many wiretrace
    flags, by error type, and with which labels; FRANK validation's supported BBC sentences give the false
    alarm rate beside it. The baseline's threshold is its best on FRANK validation's BBC sentences (this
    set has one class, so no threshold can be chosen on it)."""
    items = ds.aggrefact_xsum()
    items = items[:limit] if limit else items
    labels = [set(derived_labels(x.source, x.sentence)) for x in items]
    flagged = [bool(lb & {"altered", "added"}) for lb in labels]
    bbc = [x for x in ds.frank_sentences("validation") if x.subset == "bbc"]
    bbc = bbc[:limit] if limit else bbc
    honest = [x for x in bbc if x.supported]
    alarms = [unsupported(x.source, x.sentence) for x in honest]
    base = TfidfBaseline().fit([x.source for x in bbc] + [x.sentence for x in bbc])
    bbc_scores = [-s for s in base.sentence_support_scores(bbc)]
    t, _ = best_threshold_balanced_accuracy(bbc_scores, [not x.supported for x in bbc])
    base_alarms = [s >= t for s, x in zip(bbc_scores, bbc, strict=True) if x.supported]
    held = TfidfBaseline().fit([x.source for x in items] + [x.sentence for x in items])
    base_flagged = [-s >= t for s in held.sentence_support_scores(items)]

    def share(rows: list[int], values: list[bool]) -> tuple[int, float]:
        return len(rows), (sum(values[i] for i in rows) / len(rows) if rows else 0.0)

    kinds = {
        "extrinsic only": lambda e: all(k.startswith("extrinsic") for k in e),
        "intrinsic only": lambda e: all(k.startswith("intrinsic") for k in e),
        "both": lambda e: {k.split("-")[0] for k in e} == {"extrinsic", "intrinsic"},
        "a whole invented sentence": lambda e: "extrinsic-entire_sent" in e,
    }
    groups = {name: [i for i, x in enumerate(items) if test(x.edit_types)] for name, test in kinds.items()}
    models = sorted({x.subset for x in items})
    return {
        "n": len(items),
        "docs": len({x.group for x in items}),
        "recall": sum(flagged) / len(items),
        "base_recall": sum(base_flagged) / len(items),
        "groups": {k: (*share(v, flagged), share(v, base_flagged)[1]) for k, v in groups.items()},
        "models": {m: share([i for i, x in enumerate(items) if x.subset == m], flagged) for m in models},
        "added": sum("added" in lb for lb in labels) / len(items),
        "altered": sum("altered" in lb for lb in labels) / len(items),
        "honest": len(honest),
        "alarm": sum(alarms) / max(1, len(honest)),
        "base_alarm": sum(base_alarms) / max(1, len(honest)),
    }


def _all_text(html: str) -> str:
    """The baseline: every text node of the page but scripts and styles."""
    import lxml.html

    root = lxml.html.fromstring(html)
    for node in root.xpath("//script|//style|//noscript"):
        node.drop_tree()
    return root.text_content()


def html_section(html: dict) -> list[str]:
    """The HTML-input section of docs/benchmarks.md from ``html_task``'s result."""
    return [
        "## Article text from real news pages (HTML input)",
        "",
        f"{html['n']} real news pages with a person's marking of the article body (scrapinghub's "
        "article-extraction-benchmark), read the way wiretrace reads an HTML file: `wiretrace compare` "
        "with trafilatura (favouring recall), `wiretrace index` (`.html` files and WARC records) with "
        "resiliparse's main-content extraction; the title put first. Word precision and recall against "
        "the marked body, averaged over pages; the baseline is every text node of the page but scripts and "
        "styles.",
        "",
        "| text | precision | recall | F1 |",
        "|---|---|---|---|",
        *(
            f"| {name} | " + " | ".join(f"{x:.3f}" for x in html["mean"][key]) + " |"
            for key, name in (
                ("compare read", "wiretrace compare (trafilatura): the text read from the page"),
                ("compare body", "wiretrace compare: the sentences compared (boilerplate lines left out)"),
                ("index read", "wiretrace index (resiliparse): the text read from the page"),
                ("index body", "wiretrace index: the sentences compared"),
                ("baseline", "baseline: all the page's text"),
            )
        ),
        "",
        f"- reading alone, same run, pages interleaved: trafilatura {html['read_ms']['compare']:.1f} ms per "
        f"page, resiliparse (with htmldate for the date) {html['read_ms']['index']:.1f} ms per page "
        f"({html['read_ms']['compare'] / max(1e-9, html['read_ms']['index']):.1f}x); "
        f"{html['ms']:.0f} ms per page in all (both readers, cleaning and the baseline).",
        f"- pages with no article text found: {html['failed']['compare']} (trafilatura), "
        f"{html['failed']['index']} (resiliparse); pages whose compared text scores F1 below 0.5: "
        f"{html['poor']['compare']} (trafilatura), {html['poor']['index']} (resiliparse).",
        "- The cleaning trades a little recall for precision on purpose: the marked bodies keep lines that "
        'wiretrace labels boilerplate (a wire dateline such as "ST. JOSEPH, Mich. (AP) —", a copyright '
        "line, bare shopping links, a newsletter prompt). The lowest scores are pages where trafilatura "
        "takes in text around a short article (related items, a site's other posts). resiliparse keeps more "
        "of the page around the article (a cookie notice, a poll, a 'Key Points' box), which costs "
        "precision; `bench/html_readers.py` compares the readers and their options.",
        "",
    ]


def html_task(limit: int | None) -> dict:
    """Article text from real news pages (scrapinghub's article-extraction-benchmark): what wiretrace
    reads from the HTML, and what it then compares (the sentences its cleaning keeps as body), against
    the ground-truth body, beside every text node of the page (the baseline). Both HTML readers read
    every page in the same run (``compare``'s trafilatura, ``index``'s resiliparse), each timed alone with
    the library caches cleared, so neither finds the other's work on the page already done."""
    from bench.html_readers import library_caches, word_prf
    from wiretrace.errors import InputError
    from wiretrace.ingest.decode import decode
    from wiretrace.ingest.read import parse_text
    from wiretrace.prepare import prepare

    pages = ds.extraction_pages()[:limit] if limit else ds.extraction_pages()
    readers = {"compare": False, "index": True}  # reader -> fast_html
    scores: dict[str, list[tuple[float, float, float]]] = {"baseline": []}
    failed, secs = dict.fromkeys(readers, 0), dict.fromkeys(readers, 0.0)
    caches, started = library_caches(), time.perf_counter()
    for page in pages:
        text, _ = decode(page.html, page.page_id)
        for reader, fast in readers.items():
            for cache in caches:
                cache.cache_clear()
            t = time.perf_counter()
            try:
                article = parse_text(text, page.page_id, f"{page.page_id}.html", fast_html=fast)
            except InputError:
                failed[reader] += 1
                article = None
            secs[reader] += time.perf_counter() - t
            read = article.text if article else ""
            body = " ".join(s.text for s in prepare(article).sentences if s.kind == "body") if article else ""
            scores.setdefault(f"{reader} read", []).append(word_prf(read, page.body))
            scores.setdefault(f"{reader} body", []).append(word_prf(body, page.body))
        scores["baseline"].append(word_prf(_all_text(text), page.body))
    mean = {k: tuple(statistics.fmean(x[i] for x in v) for i in range(3)) for k, v in scores.items()}
    return {
        "n": len(pages),
        "failed": failed,
        "mean": mean,
        "poor": {r: sum(f < 0.5 for _, _, f in scores[f"{r} body"]) for r in readers},
        "read_ms": {r: 1000 * secs[r] / max(1, len(pages)) for r in readers},
        "ms": 1000 * (time.perf_counter() - started) / max(1, len(pages)),
    }


def paraphrase_task(limit: int | None) -> dict:
    dev = ds.msrp("dev")[:limit] if limit else ds.msrp("dev")
    ok = ("verbatim", "paraphrase")
    pred = [
        all(lb in ok for lb in derived_labels(p.a, p.b)) and all(lb in ok for lb in derived_labels(p.b, p.a))
        for p in dev
    ]
    labels = [p.paraphrase for p in dev]
    acc, f1 = accuracy_f1(pred, labels)
    train = ds.msrp("train")
    base = TfidfBaseline().fit([p.a for p in train] + [p.b for p in train])
    t, _ = best_threshold_balanced_accuracy(base.pair_scores(train), [p.paraphrase for p in train])
    b_acc, b_f1 = accuracy_f1(predict_threshold(base.pair_scores(dev), t), labels)
    return {
        "n": len(dev),
        "acc": acc,
        "f1": f1,
        "base_acc": b_acc,
        "base_f1": b_f1,
        "majority": max(sum(labels), len(labels) - sum(labels)) / len(labels),
    }


def relation_of(a: str, b: str) -> str:
    """The pair's relation type as ``compare`` gives it (which decides it from the links alone, as corpus
    mode does), without the claim-level diff that the relation does not need."""
    from wiretrace.compare import relate_documents
    from wiretrace.model import Article
    from wiretrace.prepare import prepare

    return relate_documents(prepare(Article(text=a)), prepare(Article(text=b)))[0].type


def relation_task(n_each: int) -> dict:
    pairs = ds.relation_pairs(n_each=n_each)
    truth = [p.relation for p in pairs]
    pred, confusion = [], {}
    for p in pairs:
        rel = relation_of(p.a, p.b)
        got = "derived" if rel in ("copy", "rewrite") else rel
        pred.append(got)
        confusion[(p.relation, got)] = confusion.get((p.relation, got), 0) + 1
    acc = sum(x == y for x, y in zip(pred, truth, strict=True)) / len(truth)
    base = TfidfBaseline().fit([p.a for p in pairs] + [p.b for p in pairs])
    scores = base.pair_scores(pairs)
    t1, t2, _ = best_two_thresholds_accuracy(scores, truth)
    bpred = predict_relation(scores, t1, t2)
    b_acc = sum(x == y for x, y in zip(bpred, truth, strict=True)) / len(truth)
    return {"n": len(pairs), "acc": acc, "base_acc": b_acc, "confusion": confusion}


def _derived(rel: str) -> bool:
    return rel in ("copy", "rewrite")


def reuse_task(limit: int | None) -> dict:
    """Data the relation rules were not first built on: LLM polishes and rewrites of real BBC texts
    (derived), Clough and Stevenson's graded answers (cut / light / heavy derived, non independent),
    against the relation benchmark's ECB+ same-event pairs (independent) for the LLM set's negatives."""
    llm = ds.llm_rewrites()
    llm = llm[:: max(1, len(llm) // limit)] if limit else llm
    same = [p for p in ds.relation_pairs(n_each=300) if p.relation == "same_event"]
    llm_rel = [relation_of(x.source, x.rewrite) for x in llm]
    same_rel = [relation_of(p.a, p.b) for p in same]
    groups: dict[str, list[str]] = {}
    for x, rel in zip(llm, llm_rel, strict=True):
        kind = x.operation if x.operation in ("complete", "rewrite") else "polish"
        groups.setdefault(f"{x.dataset} {kind}", []).append(rel)
    pairs = [(x.source, x.rewrite) for x in llm] + [(p.a, p.b) for p in same]
    truth = [True] * len(llm) + [False] * len(same)
    base = TfidfBaseline().fit([t for pair in pairs for t in pair])
    _, base_ba = best_threshold_balanced_accuracy(base.pair_scores(pairs), truth)
    answers = ds.clough_stevenson()
    c_rel = [relation_of(x.source, x.answer) for x in answers]
    c_truth = [x.category != "non" for x in answers]
    c_base = TfidfBaseline().fit([x.source for x in answers] + [x.answer for x in answers])
    _, c_base_ba = best_threshold_balanced_accuracy(
        c_base.pair_scores([(x.source, x.answer) for x in answers]), c_truth
    )
    by_category: dict[str, list[str]] = {}
    for x, rel in zip(answers, c_rel, strict=True):
        by_category.setdefault(x.category, []).append(rel)
    return {
        "llm_n": len(llm),
        "llm_derived": sum(map(_derived, llm_rel)) / len(llm),
        "llm_unrelated": llm_rel.count("unrelated"),
        "llm_groups": {k: (len(v), sum(map(_derived, v)) / len(v)) for k, v in sorted(groups.items())},
        "same_n": len(same),
        "same_derived": sum(map(_derived, same_rel)) / len(same),
        "llm_ba": balanced_accuracy([_derived(r) for r in llm_rel + same_rel], truth),
        "llm_base_ba": base_ba,
        "clough_n": len(answers),
        "clough_ba": balanced_accuracy([_derived(r) for r in c_rel], c_truth),
        "clough_base_ba": c_base_ba,
        "clough_categories": {
            k: (len(v), sum(map(_derived, v)) / len(v)) for k, v in sorted(by_category.items())
        },
    }


def _article(words: int, seed: int) -> str:
    """A real-text article of about ``words`` words, built from FRANK source articles."""
    arts = [x.source for x in ds.frank_sentences("validation")]
    text, i = [], seed
    while sum(len(t.split()) for t in text) < words:
        text.append(arts[i % len(arts)])
        i += 37
    return " ".join(" ".join(text).split()[:words])


REPRODUCED = {True: "yes (byte for byte, checked now)", False: "**no: retrain it**", None: "unchecked"}
# The figures of the last benchmark run before the entailment model (docs/benchmarks.md at a21a790).
BEFORE = {
    "commit": "a21a790",
    "FRANK validation (sentences)": "0.887 (cnndm 0.610, bbc 0.565)",
    "SummEdits (news)": "0.572",
    "Falke triples": "0.530",
    "false alarms": "0.852",
    "msrp": "0.762",
    "relation": "0.951",
    "warm_ms": "52 ms",
    "cold_s": "0.36 s",
}
TARGETS = {
    "FRANK validation (sentences)": ">= 0.88 (>= 0.65 within cnndm and within bbc)",
    "SummEdits (news)": ">= 0.65",
    "Falke triples": ">= 0.65",
}


def recipe_reproduces(script: str, shipped: Path) -> bool:
    """Whether ``scripts/<script>``, run now on the current code and data with ``--out``, writes the very
    file that ships (a feature changed without retraining would make them differ)."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / shipped.name
        cmd = [sys.executable, str(ROOT / "scripts" / script), "--out", str(out)]
        subprocess.run(cmd, check=True, capture_output=True)
        return out.read_bytes() == shipped.read_bytes()


def model_reproduced() -> bool:
    """The support classifier against its recipe (``recipe_reproduces``)."""
    return recipe_reproduces("train_support.py", ROOT / "src" / "wiretrace" / "data" / "support_model.json")


def speed_task(repeats: int) -> dict:
    from wiretrace import entail
    from wiretrace.compare import compare

    a = _article(800, 0)
    sents = a.split(". ")
    b = ". ".join(s for k, s in enumerate(sents) if k % 3) + ". " + _article(150, 5)
    reads = []
    model = entail.model()
    real = model.score
    model.score = lambda pairs: (reads.extend(pairs), real(pairs))[1]  # count what the cascade sends
    try:
        warm = compare(a, b)  # warm: models loaded, caches filled
    finally:
        model.score = real
    times, base_times = [], []
    b_sents = [SimpleNamespace(source=a, sentence=s) for s in b.split(". ")]
    for _ in range(repeats):  # interleaved with the baseline, so both see the same machine load
        t = time.perf_counter()
        compare(a, b)
        times.append(time.perf_counter() - t)
        t = time.perf_counter()
        TfidfBaseline().fit([a, b]).sentence_support_scores(b_sents)
        base_times.append(time.perf_counter() - t)
    tmp = Path(os.environ.get("TMPDIR", "/tmp"))
    pa, pb = tmp / "wt-bench-a.txt", tmp / "wt-bench-b.txt"
    pa.write_text(a)
    pb.write_text(b)
    exe = str(Path(sys.executable).with_name("wiretrace"))
    colds, rss = [], []
    for _ in range(5):
        t = time.perf_counter()
        subprocess.run(
            [exe, "compare", str(pa), str(pb), "--format", "json", "-o", os.devnull],
            check=True,
            capture_output=True,
        )
        colds.append(time.perf_counter() - t)
        rss.append(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
    return {
        "warm_ms": statistics.median(times) * 1000,
        "baseline_ms": statistics.median(base_times) * 1000,
        "warm_p90_ms": sorted(times)[int(0.9 * len(times))] * 1000,
        "cold_s": statistics.median(colds),
        "rss_mb": max(rss),
        "words": (len(a.split()), len(b.split())),
        "model_reads": len(reads),
        "sentences": sum(r.sentence.kind == "body" for r in warm.b_results),
    }


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    py = platform.python_version()
    return f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB RAM, Python {py}, {platform.system()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small samples (for a smoke run)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--only", choices=("quality",), help="quality numbers only, printed, nothing written")
    args = parser.parse_args()
    limit = 120 if args.quick else None
    started = time.time()
    support = [
        support_task("FRANK validation (sentences)", ds.frank_sentences("validation"), limit),
        support_task("SummEdits (news)", ds.summedits(), limit),
        support_task("Falke triples", ds.falke(), limit),
    ]
    para = paraphrase_task(limit)
    held = heldout_task(limit)
    html = html_task(limit)
    if args.only == "quality":
        for r in support:
            print(r)
        print(para)
        print(held)
        print(html)
        print(relation_task(100))
        return
    model = entail_bench.model_task()
    rel = relation_task(40 if args.quick else 300)
    reuse = reuse_task(limit)
    speed = speed_task(10 if args.quick else 30)
    reproduced = None if args.quick else model_reproduced()
    from bench.relation_bench import relation_bench_lines  # Reuters-21578 indexed whole: minutes

    templates = [] if args.quick else relation_bench_lines(workers=2)
    cmd = "make bench" + (" (quick)" if args.quick else "")
    lines = [
        "# Benchmarks",
        "",
        f"- command: `{cmd}` (`python bench/run.py`), {time.time() - started:.0f} s in all",
        f"- machine: {machine()}",
        f"- date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        "- data: `../shared/data` (see bench/README.md for how labels are derived); the support classifier "
        "was trained on FRANK *test* and MSRP *train* only (scripts/train_support.py), so every set below is "
        "held out from training; SummEdits and Falke are zero-shot.",
        "- baseline: TF-IDF cosine (uni+bigrams) at its *oracle* threshold, chosen on the scored set itself.",
        "- the shipped classifier is what `scripts/train_support.py` writes from the current code and data: "
        + REPRODUCED[reproduced],
        "",
        "## Unsupported-sentence detection (altered or added vs supported), balanced accuracy",
        "",
        f"Before: the same benchmark at {BEFORE['commit']}, without the entailment model.",
        "",
        "| set | items | unsupported | wiretrace | before | TF-IDF baseline (oracle) | target |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in support:
        extra = ", ".join(f"{k.split('_')[1]} {v:.3f}" for k, v in r.items() if k.startswith("wiretrace_"))
        lines.append(
            f"| {r['set']} | {r['n']} | {r['unsupported']} | **{r['wiretrace']:.3f}**"
            f"{f' ({extra})' if extra else ''} | {BEFORE[r['set']]} | {r['baseline']:.3f} "
            f"| {TARGETS[r['set']]} |"
        )
    lines += [
        "",
        *entail_bench.markdown(model),
        "## Held out: XSumFaith summaries in AggreFact (unfaithful only)",
        "",
        f"{held['n']} model and reference summaries of {held['docs']} BBC articles from AggreFact-Unified's "
        "validation sheets, every one annotated as unfaithful, typed intrinsic (misstates the article) or "
        "extrinsic (says what the article does not), by noun phrase, predicate or whole sentence. Articles "
        "shared with FRANK are left out, so nothing here was seen in training or tuning. The set has no "
        "faithful summaries, so the share flagged is a recall only; the false-alarm rate beside it is on "
        f"the {held['honest']} supported BBC sentences of FRANK validation. The baseline's threshold is its "
        "best on FRANK validation's BBC sentences.",
        "",
        "| error type | summaries | wiretrace flags (added or altered) | TF-IDF baseline flags |",
        "|---|---|---|---|",
        f"| all | {held['n']} | **{held['recall']:.3f}** | {held['base_recall']:.3f} |",
        *(f"| {k} | {n} | {v:.3f} | {b:.3f} |" for k, (n, v, b) in held["groups"].items()),
        f"| false alarms: FRANK validation BBC sentences marked supported (before {BEFORE['false alarms']}; "
        f"target <= 0.40) | {held['honest']} | {held['alarm']:.3f} | {held['base_alarm']:.3f} |",
        "",
        f"- summaries with an `added` sentence {held['added']:.3f}, with an `altered` one "
        f"{held['altered']:.3f}; flagged by system: "
        + ", ".join(f"{m} {v:.3f} of {n}" for m, (n, v) in held["models"].items())
        + " (Gold: the BBC's own one-line summaries, annotated unfaithful because they state what the "
        "article body does not).",
        "- Read with the false-alarm row: on one-sentence abstractive summaries wiretrace flags nearly "
        "everything, faithful or not. These summaries fuse the whole article into one sentence in new words "
        '("appointed ... as their new manager" for "replaces Neil Cooper at Pittodrie"), which a '
        "classifier of alignment, lexical and fact features cannot tell from invention without inference; "
        "the TF-IDF threshold flags little of either. So a flag on such a summary says only that its "
        "wording is not in the article, and the reader has to judge the rest.",
        "",
        *html_section(html),
        "## Paraphrase (MSRP dev), pair level",
        "",
        "A pair is a paraphrase when every sentence is `verbatim` or `paraphrase` in both directions. "
        "Baseline threshold chosen on MSRP train.",
        "",
        "| items | wiretrace accuracy | before | wiretrace F1 | baseline accuracy | baseline F1 | majority "
        "| target |",
        "|---|---|---|---|---|---|---|---|",
        f"| {para['n']} | **{para['acc']:.3f}** | {BEFORE['msrp']} | {para['f1']:.3f} "
        f"| {para['base_acc']:.3f} | {para['base_f1']:.3f} "
        f"| {para['majority']:.3f} | accuracy >= 0.78 |",
        "",
        "## Relation: derived (FRANK article/summary) vs same event (ECB+) vs unrelated",
        "",
        "| pairs | wiretrace accuracy | TF-IDF two thresholds (oracle) | target |",
        "|---|---|---|---|",
        f"| {rel['n']} | **{rel['acc']:.3f}** | {rel['base_acc']:.3f} | >= 0.95 |",
        "",
        "Confusion (truth -> wiretrace):",
        "",
    ]
    for (t, g), n in sorted(rel["confusion"].items()):
        lines.append(f"- {t} -> {g}: {n}")
    lines += [
        "",
        "## Relation on other reuse data: LLM rewrites and graded short answers",
        "",
        "Derived = called `copy` or `rewrite`. LLM set: every pair of `llm-rewrites/pairs.jsonl` (MixSet, "
        "APT-Eval: a real BBC text polished, rewritten or completed by an LLM) as derived, against the "
        "relation benchmark's ECB+ same-event pairs as independent. Clough and Stevenson: answers pasted "
        "(cut), lightly or heavily revised from a Wikipedia article as derived, answers written without it "
        "(non) as independent. Baseline: TF-IDF cosine at its oracle threshold on each set.",
        "",
        "| set | pairs | wiretrace balanced accuracy | TF-IDF baseline (oracle) |",
        "|---|---|---|---|",
        f"| LLM rewrites vs ECB+ same event | {reuse['llm_n']} + {reuse['same_n']} | "
        f"**{reuse['llm_ba']:.3f}** | {reuse['llm_base_ba']:.3f} |",
        f"| Clough and Stevenson | {reuse['clough_n']} | **{reuse['clough_ba']:.3f}** "
        f"| {reuse['clough_base_ba']:.3f} |",
        "",
        f"- LLM pairs called derived: {reuse['llm_derived']:.3f} ("
        + ", ".join(f"{k} {v:.3f} of {n}" for k, (n, v) in reuse["llm_groups"].items())
        + f"); {reuse['llm_unrelated']} called unrelated (mostly degenerate generator output: repeated "
        "tokens, another language); ECB+ same-event pairs called derived: "
        f"{reuse['same_derived']:.3f}",
        "- Clough and Stevenson, share called derived by category: "
        + ", ".join(f"{k} {v:.3f} of {n}" for k, (n, v) in reuse["clough_categories"].items()),
        "- These sets were looked at while the retold-in-order rule of the relation was written "
        "(`relation.py`: both texts mutually aligned, in the same sentence order, in other words), so they "
        "are development data, not held out. On a fixed sample of 800 LLM pairs the rule turned 14 of 71 "
        "same_event verdicts into rewrites; the relation benchmark's confusion above is unchanged, and so "
        "are the 300 same-event pairs of the calibration sample (seed 29).",
        "- Not caught: a text that keeps a story's opening and invents the rest (MixSet `complete`), and "
        "answers that paste a few sentences into new text (Clough and Stevenson `cut`). A rule that called "
        "such pairs derived (a quarter of either text in sentences with the other's content words) raised "
        "MixSet `complete` from 0.00 to 0.30, but the corpus benchmark's unrelated articles are built from "
        "a shared pool of real sentences and share whole sentences all the time: it made the 100k index "
        "1.2-1.8x slower and ECB+ reprints (counted as errors) rose; it is left out.",
        "- Against the oracle TF-IDF threshold Clough and Stevenson is hard: its answers all treat the same "
        "five topics, so a threshold fitted to the set separates copying from independent writing by "
        "vocabulary alone; wiretrace's fixed thresholds, calibrated on news, call lightly and heavily "
        "revised answers same_event about a third of the time.",
        "",
        "## Speed and memory",
        "",
        f"Two articles of {speed['words'][0]} and {speed['words'][1]} words built from real FRANK text.",
        "",
        "| measure | value | target |",
        "|---|---|---|",
        f"| `compare` warm (models loaded), median | {speed['warm_ms']:.0f} ms "
        f"(p90 {speed['warm_p90_ms']:.0f} ms; before the entailment model {BEFORE['warm_ms']}) "
        "| <= 250 ms |",
        f"| sentences the entailment model read in that compare (of {speed['sentences']} derived sentences) "
        f"| {speed['model_reads']} | |",
        f"| TF-IDF baseline on the same pair (fit + best-sentence cosine per b sentence), median "
        f"| {speed['baseline_ms']:.0f} ms (wiretrace takes "
        f"{speed['warm_ms'] / speed['baseline_ms']:.1f}x as long) | |",
        f"| `wiretrace compare` cold CLI wall time, median of 5 | {speed['cold_s']:.2f} s "
        f"(before {BEFORE['cold_s']}) | <= 2 s |",
        f"| peak RSS of the CLI process | {speed['rss_mb']:.0f} MiB | |",
        "",
        "## Reading these numbers",
        "",
        "- FRANK's pooled score is driven by its composition: CNN/DM summary sentences are mostly supported "
        "and BBC/XSum ones mostly not, so telling the corpora apart scores well (the oracle TF-IDF baseline "
        "does as well). Within each corpus wiretrace is weaker (the per-corpus figures in brackets): "
        "unsupported CNN/DM sentences are usually built from the article's own words (a wrong subject, a "
        "merged clause), which alignment and fact checks cannot see without a trained inference model.",
        "- SummEdits and Falke are below their floors. SummEdits edits change one word "
        '("anniversary" -> "commemoration", "road" -> "pavement") and its annotators call some '
        "synonyms inconsistent; wiretrace catches the edits it can check (a word swapped for its opposite, a "
        "negation, a figure or name the linked source sentence lacks, an inserted detail), not synonym "
        "judgements. Falke's incorrect sentences reuse the article's words in a wrong order and stay near "
        "chance. wiretrace's own entailment model (above) reads them little better: on Falke's items alone "
        "it scores 0.524 balanced accuracy at P = 0.5 (0.566 at its best threshold), and trained with its "
        "probabilities as features the support classifier scored SummEdits 0.522 against 0.579 without, so "
        "the model acts after the classifier (`meaning_changed`, weakly linked sentences it reads as "
        "entailed), not as a feature. It learned swaps and splices (dev 0.88) but not role swaps (dev "
        "`news:roles` 0.25: `roles_swapped` is an explicit check) nor fused, reworded claims.",
        "- The relation thresholds were calibrated on another random sample of the same FRANK/ECB+ pools "
        "(relation_pairs seed 29; the benchmark uses seed 13), so the relation score is not fully held out. "
        "Most remaining errors are ECB+ 'same event' pairs that are near-rewrites of one wire story.",
        '- MSRP pairs labelled paraphrase often differ in figures ("six to seven years" vs "up to 25 '
        'years"); wiretrace flags those as `number_changed`, which counts as an error here. A figure '
        'rounded ("17.3 percent" -> "17 percent") or an aside left out ("Renee Jackson, 29, said") is not '
        "a change.",
        "",
    ]
    lines += [*templates, ""] if templates else []
    # The direction model is checked against its recipe from the committed feature table (re-comparing
    # the 4,836 training pairs takes 15-20 min: `python bench/direction_bench.py` does it).
    lines += [*direction_lines(features=ROOT / "bench" / "direction_features.json.gz"), ""]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
