# Newcomers: `make run` (the web app on demo data), `make test` (the whole suite).
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.stamp
SEEDS  ?= ../shared/seeds
# -n auto: one pytest-xdist worker per core.
PYTEST_ARGS ?= -n auto -q

.DEFAULT_GOAL := install
.PHONY: install test test-pg run check-seeds bench clean sysdeps
# The store's and the web app's tests run a second time on PostgreSQL when one answers here (CI's machine runs it).
PG_URL ?= postgres://postgres@127.0.0.1:5432/test

install: $(STAMP)

# Rebuilt only when missing or when pyproject.toml or the optional C modules (setup.py) changed.
$(STAMP): pyproject.toml setup.py src/xxgk/read/_pdfscan.c src/xxgk/_speedups.c
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,ocr]'
	touch $(STAMP)

test: $(STAMP) sysdeps
	$(BIN)/python -m pytest $(PYTEST_ARGS) tests
	$(MAKE) --no-print-directory test-pg

test-pg: $(STAMP)
	@if $(BIN)/python -c "import psycopg; psycopg.connect('$(PG_URL)', connect_timeout=3).close()" 2>/dev/null; then \
		echo "store and web tests on PostgreSQL ($(PG_URL))"; \
		DATABASE_URL=$(PG_URL) $(BIN)/python -m pytest $(PYTEST_ARGS) tests/store tests/web; \
	elif [ "$$CI" = "true" ]; then echo "PostgreSQL not reachable at $(PG_URL) (required in CI)"; exit 1; \
	else echo "PostgreSQL not reachable at $(PG_URL): the store and web tests ran on SQLite only"; fi

# The web app on the demo store: `xxgk demo` loads the demo hierarchy, its reports and logins into
# DB (default: DATABASE_URL, else ./xxgk.sqlite3; a second run adds nothing) and prints the logins;
# `xxgk serve` serves it on HOST:PORT with its job queue until Ctrl-C.
HOST ?= 127.0.0.1
PORT ?= 8000
DB ?=
run: $(STAMP)
	$(BIN)/xxgk demo $(if $(DB),--db $(DB))
	$(BIN)/xxgk serve $(if $(DB),--db $(DB)) --host $(HOST) --port $(PORT)

# What `make run` did before the web app: check the sample reports.
check-seeds: $(STAMP)
	$(BIN)/xxgk check $(SEEDS)

bench: $(STAMP) sysdeps
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[bench]'
	$(BIN)/python bench/bench_text.py --write bench/out/latest.md
	$(BIN)/python bench/bench_pdf.py --producer all
	$(BIN)/python bench/bench_write.py
	$(BIN)/python bench/bench_ocr.py

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .hypothesis bench/out src/xxgk/read/_pdfscan.*.so src/xxgk/_speedups.*.so

# System packages for the tests: headless Chromium prints the test PDFs, Noto CJK (CFF outlines) and
# WenQuanYi Zen Hei (TrueType outlines, as Windows' SimSun) give them Chinese glyphs in the two font
# technologies PDF producers embed differently, LibreOffice opens the written DOCX (and reads
# .doc/.wps/.odt), pdftoppm rasterises written PDFs. Installed with apt-get only when missing (CI: a
# fresh machine, as root).
SYSDEPS := chromium fonts-noto-cjk fonts-wqy-zenhei fontconfig libreoffice-writer-nogui poppler-utils
sysdeps:
	@if ! command -v chromium >/dev/null 2>&1 || ! command -v soffice >/dev/null 2>&1 \
		|| ! command -v pdftoppm >/dev/null 2>&1 || [ -z "$$(fc-list :lang=zh 2>/dev/null)" ] \
		|| [ -z "$$(fc-list 'WenQuanYi Zen Hei' 2>/dev/null)" ]; then \
		echo "installing $(SYSDEPS)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(SYSDEPS) >/dev/null; \
	fi
