# GeoKG — `make run` (set up, ingest the seeds, run) and `make test` (set up, run every test).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
GEOKG_STORE ?= $(CURDIR)/data/store
export GEOKG_STORE

.PHONY: install run test lint eval bench bench-growth bench-cluster clean

install: $(STAMP)

HOST ?= 127.0.0.1
PORT ?= 8080

# Re-installs only when pyproject.toml or package-lock.json change.
$(STAMP): pyproject.toml package-lock.json
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	npm ci --no-audit --no-fund --loglevel=error
	touch $(STAMP)

run: install
	$(BIN)/geokg init
	$(BIN)/geokg ingest seeds/
	$(BIN)/geokg stats
	$(BIN)/geokg serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check kg ontology server tests bench

test: install lint
	$(BIN)/python -m pytest -q

# Extraction quality on the 45 annotated real 2016 articles of ../shared/corpus (see docs/quality.md): the shared
# scorer's totals and precision/recall per kind of fact; then event fusion's B-cubed score on all 186 articles
# (bench/fusion_quality.py). EVAL_ARGS=--in-process builds the graphs without the CLI, --no-fusion skips fusion.
EVAL_ARGS ?=
eval: install
	$(BIN)/python -m bench.quality $(EVAL_ARGS)

# Benchmarks with same-run baselines (see bench/RESULTS.md): `make bench` (1,000 articles, about 20 minutes here)
# and `make bench-growth` (1,000 and 10,000 articles ingested, then a store of 10 × 10,000 copied articles
# probed; about an hour here). GROWTH=1000,10000,100000 REPLICATE=0 ingests 100,000 for real (hours).
SIZES ?= 1000
GROWTH ?= 1000,10000
REPLICATE ?= 10
bench: install
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'   # the oxigraph server is the query baseline
	$(BIN)/python -m bench.run --sizes $(SIZES) --jobs 1,2 --seconds 10

bench-growth: install
	$(BIN)/python -m bench.run --sizes $(GROWTH) --jobs 2 --stages ingest,growth --baseline-max 10000 \
		--replicate $(REPLICATE)

# Extraction on a Dask cluster (local:N and a running cluster) against `geokg extract --jobs N`, and `geokg load`
# against bulk_load (300 articles, each way twice: about 10 minutes here).
bench-cluster: install
	$(BIN)/python -m bench.cluster --articles 300 --jobs 1,2 --repeat 2

clean:
	rm -rf $(VENV) data *.egg-info
