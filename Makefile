# wiretrace: `make demo` and `make test` work from a fresh clone (they create .venv and install first).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo serve test browser lint bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: install
	@mkdir -p out
	$(BIN)/wiretrace compare examples/ap-wire.txt examples/content-farm-rewrite.txt
	$(BIN)/wiretrace compare examples/ap-wire.txt examples/content-farm-rewrite.txt --format html -o out/seed-report.html
	$(BIN)/wiretrace compare examples/ap-wire.txt examples/content-farm-rewrite.txt --format json -o out/seed-report.json
	$(BIN)/python -c "from wiretrace.web import demo_corpus; print('demo corpus indexed:', demo_corpus())"
	@echo
	@echo "Report: $(CURDIR)/out/seed-report.html (open it in a browser); JSON: out/seed-report.json"
	@echo "Web UI: $(BIN)/wiretrace serve   (or: make serve) then open http://127.0.0.1:8000/ (the bundled demo corpus)"

serve: install
	$(BIN)/wiretrace serve

# Debian's chromium for the browser tests (tests/test_web_browser.py), installed when missing and root.
# Outside CI the browser tests skip without it; in CI (CI set) they fail, so this must succeed there.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium) \
	      || echo "warning: could not install chromium; browser tests will skip (or fail under CI)"; \
	  else echo "chromium not found and not root: browser tests will skip (or fail under CI)"; fi; }

test: install browser
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts

# Quality and speed on the real dev data in ../shared/data; writes docs/benchmarks.md (takes ~50 min).
# BENCH_SIZES=10000,100000 adds the 100k corpus run (much longer) and, with two sizes, a second pair of runs
# whose sentence pool scales with the corpus size (equal sentence reuse: the scaling ratio without a denser corpus).
BENCH_SIZES ?= 10000
bench: install
	@mkdir -p out/bench
	$(BIN)/python bench/run.py --out out/bench/compare.md
	$(BIN)/python bench/realnews_bench.py --workers 2 > out/bench/realnews.md
	$(BIN)/python bench/event_bench.py --workers 2 --reproduce out/bench/events-work > out/bench/events.md
	$(BIN)/python bench/corpus_bench.py --quality --throughput $(BENCH_SIZES) --scale-pool > out/bench/corpus.md
	$(BIN)/python bench/web_load.py --seconds 30 --clients 50 > out/bench/web.md
	$(BIN)/python bench/watch_bench.py > out/bench/watch.md
	$(BIN)/python bench/engine_bench.py > out/bench/engines.md
	{ printf '# Benchmarks\n\n'; cat out/bench/realnews.md out/bench/events.md; sed '1{/^# Benchmarks$$/d}' out/bench/compare.md; \
	  cat out/bench/corpus.md out/bench/engines.md out/bench/web.md out/bench/watch.md; } > docs/benchmarks.md
	@echo "wrote docs/benchmarks.md"

clean:
	rm -rf $(VENV) out .pytest_cache .ruff_cache
