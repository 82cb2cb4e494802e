# The two commands of the README: `make demo` (set up, build the sample graph, write Turtle and
# HTML, run an example query) and `make test` (ruff, mypy, pytest with the browser tests).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
OUT ?= out

.PHONY: demo setup test lint browser clean bench

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

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: setup browser lint
	$(BIN)/pytest -q

clean:
	rm -rf akg-store $(OUT) test-artifacts

# Benchmarks (never run by `make test`): extraction rate, builds of the synthetic corpus, the
# store write path, the corpus-level stage, every cookbook query, export, the endpoint, the
# page. BENCH_SIZES sets the document counts of the size-driven ones (e.g. "100 1000 10000").
BENCH_SIZES ?= 100 1000
bench: setup
	$(BIN)/python benchmarks/bench_extract.py
	$(BIN)/python benchmarks/bench_synthetic.py $(BENCH_SIZES)
	$(BIN)/python benchmarks/bench_build.py $(BENCH_SIZES)
	$(BIN)/python benchmarks/bench_links.py $(BENCH_SIZES)
	$(BIN)/python benchmarks/bench_queries.py $(BENCH_SIZES)
	$(BIN)/python benchmarks/bench_export.py --documents 1000
	$(BIN)/python benchmarks/bench_serve.py
	$(BIN)/python benchmarks/bench_render.py
	$(BIN)/python benchmarks/bench_hostile.py
