# Compute Asset Protocol — two commands for a newcomer: `make demo` and `make test`.
# Needs only python3, node/npm and make: everything else installs from PyPI and npm, pinned.

SHELL := /bin/bash
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
# Ape (py-solc-x) finds the solc-js wrapper here; ape-foundry finds anvil on PATH.
export SOLCX_BINARY_PATH := $(CURDIR)/tools/solc/bin
export PATH := $(CURDIR)/node_modules/.bin:$(BIN):$(PATH)
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: setup compile test fuzz demo bench snapshot lint slither clean

setup: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: requirements.txt pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -c 'import site; open(site.getsitepackages()[0] + "/cap-project.pth", "w").write("$(CURDIR)\n")'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# Ape copies the OpenZeppelin package (500+ files) into contracts/.cache on a first compile, and lists at most 500
# files of the contracts folder when it looks contracts up: the copy would hide some of ours. Compilation is done
# by then; the copy is not needed again.
compile: setup
	ape compile
	rm -rf contracts/.cache

test: compile
	tools/run_tests.sh

# The stateful fuzzing suite's deep profile (tests/fuzz): more and longer random sequences than `make test` runs;
# CAP_FUZZ_EXAMPLES and CAP_FUZZ_STEPS override its size. Prints the steps it tried.
fuzz: compile
	CAP_FUZZ_PROFILE=deep ape test tests/fuzz -p no:cacheprovider

demo: compile
	ape run demo

# The gas benchmark: writes benchmarks/gas.md, gas.json and gas-snapshot.json (see README, Benchmarks).
bench: compile
	tools/bench.sh

# Re-measures the operations only and rewrites benchmarks/gas-snapshot.json (what the snapshot test compares with).
snapshot: compile
	ape run bench --snapshot-only

# Static analysis of contracts/*.sol (not mocks) with the repo's solc; fails on High/Medium findings that
# slither.triage.json does not list with a reason. Also run as the last step of `make test`.
slither: setup
	python tools/slither_gate.py

lint: setup
	ruff check cap scripts tests ape_console_extras.py
	ruff format --check cap scripts tests ape_console_extras.py

clean:
	rm -rf .build contracts/.cache $(VENV) node_modules
