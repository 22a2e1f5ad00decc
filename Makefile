# Everything a developer or CI runs. `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
export UV_PROJECT_ENVIRONMENT := $(VENV)

.DEFAULT_GOAL := help

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==0.13.9

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --compile-bytecode --extra embedded
	@touch $@

setup: $(VENV)/.synced ## Create .venv from uv.lock with the embedded extra (local S3 server, PDF samples)

demo: setup ## Run the whole pipeline on the embedded default (local S3 + Prefect servers)
	$(VENV)/bin/govreports demo $(ARGS)

test: setup ## Run the test suite
	$(VENV)/bin/pytest $(ARGS)

# Markers come from the fixtures a test uses (tests/conftest.py), so this is every test that
# needs no S3 or Prefect server, no Great Expectations run, no corpus and no browser.
FAST := not (s3 or prefect or gx or corpus or slow or browser)

test-fast: setup ## Unit tests only (no servers, GX, corpus or browser): well under a minute
	$(VENV)/bin/pytest -m "$(FAST)" $(ARGS)

lint: setup ## ruff (lint + format check), mypy --strict, import layers
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

eval: setup ## Parser accuracy on the labelled real reports
	$(VENV)/bin/govreports eval $(ARGS)

bench: setup ## Benchmarks: parse throughput, validation share, upload-to-visible latency
	$(VENV)/bin/python benchmarks/parse_bench.py
	$(VENV)/bin/python benchmarks/latency_bench.py

ci: lint test ## What CI runs

.PHONY: help setup demo test test-fast lint eval bench ci
