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

## Build the store from the bundled data if it is missing or older than its inputs.
build: $(VENV)/.installed
	$(BIN)/python -m loaders build --if-stale

## Start the dashboard on http://localhost:8501 with the bundled data.
run: build
	$(BIN)/streamlit run app.py --server.port $(PORT) --server.headless true \
		--browser.gatherUsageStats false

## Install test requirements and run the whole suite.
test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q

bench: $(VENV)/.installed-test build
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) $(DB) $(DB).wal data/raw
