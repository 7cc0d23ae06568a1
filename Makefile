# wiretrace: `make demo` and `make test` work from a fresh clone (they create .venv and install first).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test lint bench clean

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
	@echo
	@echo "Report: $(CURDIR)/out/seed-report.html (open it in a browser); JSON: out/seed-report.json"

test: install
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) out .pytest_cache .ruff_cache
