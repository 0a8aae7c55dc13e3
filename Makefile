# Two entry points do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
SITE := $(VENV)/lib/python3.11/site-packages
STAMP := $(VENV)/.clinscribe-setup
PIP := $(BIN)/python -m pip --disable-pip-version-check
CONSTRAINTS := -c requirements/constraints.txt -c requirements/lock.txt

.PHONY: run test setup system-deps lint bench clean

run: setup
	$(BIN)/clinscribe serve

test: setup system-deps
	$(BIN)/python -m pytest

setup: $(STAMP)

$(STAMP): pyproject.toml requirements/constraints.txt requirements/lock.txt requirements/runtime.txt requirements/dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q "pip==26.3"
	# The CPU build first: any other route to torch pulls a multi-GB CUDA build.
	$(PIP) install -q $(CONSTRAINTS) torch==2.13.0
	$(PIP) install -q $(CONSTRAINTS) -r requirements/runtime.txt -r requirements/dev.txt
	$(PIP) install -q --no-deps --no-build-isolation -e .
	# torchaudio 2.11 (the only one beside torch 2.13) ships a CUDA extension that can't load on
	# the CPU torch; without it torchaudio still imports and speechbrain's features work.
	rm -f $(SITE)/torchaudio/lib/*.so
	$(BIN)/clinscribe model install
	touch $(STAMP)

# Synthetic speech for the tests (espeak-ng, sox): installed when missing and we may.
system-deps:
	@command -v espeak-ng >/dev/null && command -v sox >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq espeak-ng sox >/dev/null; \
	  else echo "install espeak-ng and sox (sudo apt-get install espeak-ng sox)" >&2; exit 1; fi; }

lint: setup
	$(BIN)/ruff check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
