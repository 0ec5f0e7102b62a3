# Two commands do everything on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: install install-test model index run test eval fit compare bench clean-index

$(PY):
	$(PYTHON) -m venv $(VENV)

# torch first, pinned, so that nothing pulls a CUDA build from the registry.
$(STAMP): pyproject.toml | $(PY)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet torch==2.13.0
	$(PIP) install --quiet -e '.[ui]'
	touch $@

install: $(STAMP)

# Test extras, Debian's Chromium (Playwright drives it; no browser download) and CJK fonts.
$(TEST_STAMP): $(STAMP)
	$(PIP) install --quiet -e '.[ui,test]'
	@if ! command -v chromium >/dev/null || ! fc-list 2>/dev/null | grep -qi 'Noto Sans CJK'; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	fi
	touch $@

install-test: $(TEST_STAMP)

model: install
	$(PY) -m assistant model

index: model
	$(PY) -m assistant index

# `make run PORT=7861` (or ASSISTANT_UI_PORT=7861 make run) when 7860 is taken.
run: index
	$(PY) -m ui $(if $(PORT),--port $(PORT))

test: install-test model
	$(PY) -m pytest

eval: index
	$(PY) -m evals run

fit: install-test index
	$(PY) -m evals fit

compare: index
	$(PY) -m evals compare

bench: index
	$(PY) -m evals bench

clean-index:
	rm -rf index/*.json index/*.npy index/*.faiss index/*.npz
