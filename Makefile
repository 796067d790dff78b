# Readiness Coach: `make run` starts the coach on offline defaults; `make test` runs every check.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-test index lint typecheck pytest evals bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

index: install
	$(BIN)/coach index

run: index
	$(BIN)/coach serve --host $(HOST) --port $(PORT)

lint: install-test
	$(BIN)/ruff check bot evals tests benchmarks
	$(BIN)/ruff format --check bot evals tests benchmarks

typecheck: install-test
	$(BIN)/mypy bot

pytest: install-test
	$(BIN)/pytest

evals: install-test
	$(BIN)/coach eval --suite offline

test: lint typecheck pytest evals

bench: install-test
	$(BIN)/python benchmarks/bench_retrieval.py --sizes 1000,10000
	$(BIN)/python benchmarks/bench_api.py

clean:
	rm -rf $(VENV) .coach .pytest_cache .mypy_cache .ruff_cache
