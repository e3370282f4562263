# Two commands do all set-up on a fresh machine:  make run   and   make test
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
DB      := data/innenfor.duckdb
PORT    ?= 8501
REPLICAS ?= 2
CLUSTER_PORT ?= 8500

UV      := uv==0.13.9

.PHONY: run test lint lock build venv clean bench cluster catalogs

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

## The lock files pin every package, indirect ones too, with hashes (pip checks them).
$(VENV)/.installed: requirements.lock | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.lock
	touch $@

$(VENV)/.installed-test: requirements-test.lock requirements.lock $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-test.lock
	touch $@

## After a change in requirements.txt or requirements-test.txt: resolve again and write the locks
## (needs PyPI; the test lock keeps the runtime lock's versions).
lock: | $(BIN)/python
	$(BIN)/pip install --quiet $(UV)
	$(BIN)/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes \
		--custom-compile-command "make lock" requirements.txt -o requirements.lock
	$(BIN)/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes \
		--custom-compile-command "make lock" -c requirements.lock requirements-test.txt \
		-o requirements-test.lock

venv: $(VENV)/.installed

## After changing messages in the code: extract them (bokmål is the source language) and bring
## the nynorsk and English catalogs up to date; new messages come out empty for a translator to
## fill in (tests/test_i18n.py fails until they are). Edit locale/<lang>/LC_MESSAGES/innenfor.po
## with any gettext tool (Poedit, Lokalize) or a text editor.
SOURCES := app.py app_pages ui indicators exports loaders geo vocab data
catalogs: $(VENV)/.installed
	$(BIN)/pybabel --quiet extract -F babel.cfg -k N_ -k NP_:1c,2 -k pgettext:1c,2 -k ngettext:1,2 --no-wrap --sort-by-file \
		--add-location=file --project Innenfor -o locale/innenfor.pot $(SOURCES)
	for l in nn en; do \
		$(BIN)/pybabel --quiet update --no-wrap --no-fuzzy-matching --ignore-obsolete \
			-i locale/innenfor.pot -d locale -D innenfor -l $$l; \
	done

## Build the store from the bundled data if it is missing, or holds only demo data and is older
## than its inputs; a store with coordinators' files is left as it is. Then, when SSB can be
## reached, fetch its newest NEET figures (offline: one line says how to fetch later).
build: $(VENV)/.installed
	$(BIN)/python -m loaders build --if-stale
	$(BIN)/python -m loaders fetch --if-online

## Start the dashboard on http://localhost:8501 with the bundled data.
run: build
	$(BIN)/streamlit run app.py --server.port $(PORT) --server.headless true \
		--browser.gatherUsageStats false

## Several replicas behind nginx on this machine, from the current store (deploy/cluster.py):
## nginx on http://127.0.0.1:8500, replicas on 8511, 8512 …; Ctrl-C stops all. Needs nginx.
## The demo store is built when missing (offline: no fetch from SSB here).
cluster: $(VENV)/.installed
	$(BIN)/python -m loaders build --if-stale
	$(BIN)/python -m deploy.cluster --replicas $(REPLICAS) --port $(CLUSTER_PORT)

## axe-core for the accessibility tests (package.json/package-lock.json); skipped without npm,
## and then the axe checks skip with the reason (.ci/run installs npm so they run on CI).
node_modules/axe-core/axe.min.js: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm mangler: axe-testene hoppes over (apt-get install -y nodejs npm)"; fi

## Every pin in requirements*.txt must be in its lock (else: make lock), then ruff and mypy with
## the settings in pyproject.toml.
lint: $(VENV)/.installed-test
	@for f in requirements requirements-test; do \
		sed -e 's/#.*//' -e 's/[[:space:]]//g' -e ':a' -e 's/^\([^=]*\)[._]/\1-/' -e 'ta' \
			$$f.txt | grep '==' | tr 'A-Z' 'a-z' | \
		while read -r pin; do grep -q "^$$pin[ ;]" $$f.lock \
			|| { echo "$$f.lock har ikke $$pin fra $$f.txt: kjør make lock" >&2; exit 1; }; \
		done || exit 1; \
	done
	$(BIN)/ruff check --output-format concise .
	$(BIN)/mypy

## Install test requirements, lint, and run the whole suite.
test: lint $(VENV)/.installed-test node_modules/axe-core/axe.min.js
	$(BIN)/python -m pytest -q

bench: $(VENV)/.installed-test build
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) $(DB) $(DB).wal data/raw
