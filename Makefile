# The two commands of the README: `make demo` (set up, build the sample graph, write Turtle and
# HTML, run an example query) and `make test` (ruff, mypy, pytest with the browser tests and
# the Virtuoso server).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
OUT ?= out

.PHONY: demo setup test lint browser virtuoso clean bench audit

demo: setup
	$(BIN)/akg build
	mkdir -p $(OUT)
	$(BIN)/akg export -o $(OUT)/graph.ttl
	$(BIN)/akg render -o $(OUT)/graph.html --title "U.S.-Japan 2+2 statements"
	$(BIN)/akg query -n meetings

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# Debian's chromium drives the browser tests through Playwright (no browser download).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

# Debian's Virtuoso is the second SPARQL server the remote-store tests start (tests/virtuoso_server.py).
virtuoso:
	@command -v virtuoso-t >/dev/null 2>&1 || { \
	  echo "Installing Debian's Virtuoso for the remote-store tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq virtuoso-opensource-7-bin >/dev/null; }

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: setup browser virtuoso lint
	$(BIN)/pytest -q

clean:
	rm -rf akg-store $(OUT) test-artifacts

# Known vulnerabilities of every installed package (pip-audit asks PyPI's JSON API for each
# pinned version). Not part of `make test`: it needs the network, and --strict makes a package
# it could not look up a failure rather than a pass (README, "Limits and guarantees").
audit: setup
	$(BIN)/pip freeze --exclude-editable > $(VENV)/audit-requirements.txt
	$(BIN)/pip-audit --strict --no-deps --disable-pip --progress-spinner off \
	  -r $(VENV)/audit-requirements.txt

# Benchmarks (never run by `make test`): extraction rate, builds of the synthetic corpus, the
# store write path, the corpus-level stage, every cookbook query, export, the endpoint, the
# page, validation. BENCH_SIZES sets the document counts of the size-driven ones (e.g. "100
# 1000 10000").
BENCH_SIZES ?= 100 1000
bench: setup
	$(BIN)/python benchmarks/bench_extract.py
	$(BIN)/python benchmarks/bench_synthetic.py $(BENCH_SIZES)
	$(BIN)/python benchmarks/bench_build.py $(BENCH_SIZES)
	$(BIN)/python benchmarks/bench_links.py $(BENCH_SIZES)
	$(BIN)/python benchmarks/bench_queries.py $(BENCH_SIZES)
	$(BIN)/python benchmarks/listing_floor.py --documents 1000
	$(BIN)/python benchmarks/bench_update.py $(BENCH_SIZES)
	$(BIN)/python benchmarks/bench_add.py $(BENCH_SIZES)
	$(BIN)/python benchmarks/bench_export.py --documents 1000
	$(BIN)/python benchmarks/bench_serve.py
	$(BIN)/python benchmarks/bench_beside_writer.py --seconds 30
	$(BIN)/python benchmarks/bench_render.py
	$(BIN)/python benchmarks/bench_validate.py $(BENCH_SIZES)
	$(BIN)/python benchmarks/bench_hostile.py
