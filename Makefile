# GeoKG — `make run` (set up, ingest the seeds, run) and `make test` (set up, run every test).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
GEOKG_STORE ?= $(CURDIR)/data/store
export GEOKG_STORE

.PHONY: install run test lint clean

install: $(STAMP)

# Re-installs only when pyproject.toml changes.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: install
	$(BIN)/geokg init
	$(BIN)/geokg ingest seeds/
	$(BIN)/geokg stats
	$(BIN)/geokg query -f examples/arms-transfers.rq

lint: install
	$(BIN)/ruff check kg ontology tests

test: install lint
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) data *.egg-info
