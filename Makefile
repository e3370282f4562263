# Two commands do all set-up on a fresh machine:  make run   and   make test
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
DB      := data/innenfor.duckdb
PORT    ?= 8501

.PHONY: run test build venv clean bench

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements-test.txt requirements.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-test.txt
	touch $@

venv: $(VENV)/.installed

## Build the store from the bundled data if it is missing, or holds only demo data and is older
## than its inputs; a store with coordinators' files is left as it is.
build: $(VENV)/.installed
	$(BIN)/python -m loaders build --if-stale

## Start the dashboard on http://localhost:8501 with the bundled data.
run: build
	$(BIN)/streamlit run app.py --server.port $(PORT) --server.headless true \
		--browser.gatherUsageStats false

## axe-core for the accessibility tests (package.json/package-lock.json); skipped without npm,
## and then the axe checks skip with the reason (.ci/run installs npm so they run on CI).
node_modules/axe-core/axe.min.js: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm mangler: axe-testene hoppes over (apt-get install -y nodejs npm)"; fi

## Install test requirements and run the whole suite.
test: $(VENV)/.installed-test node_modules/axe-core/axe.min.js
	$(BIN)/python -m pytest -q

bench: $(VENV)/.installed-test build
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) $(DB) $(DB).wal data/raw
