# Newcomers: `make run` (check the sample reports), `make test` (the whole suite).
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.stamp
SEEDS  ?= ../shared/seeds
# -n auto: one pytest-xdist worker per core.
PYTEST_ARGS ?= -n auto -q

.DEFAULT_GOAL := install
.PHONY: install test run bench clean

install: $(STAMP)

# Rebuilt only when missing or when pyproject.toml changed.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS) tests

run: $(STAMP)
	$(BIN)/xxgk check $(SEEDS)

bench: $(STAMP)
	$(BIN)/python bench/bench_text.py --write bench/out/latest.md

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .hypothesis bench/out
