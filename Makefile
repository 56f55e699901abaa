# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
EXAMPLE := fixtures/example-article.txt

.PHONY: run test bench bench-quick clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/claimx extract --format table $(EXAMPLE)

test: $(STAMP)
	$(BIN)/python -m pytest -q

# the benchmark (docs/bench.md): make bench, make bench ARGS=--quick, make bench ARGS="--compare old.json"
# claimx's bytecode is compiled first, as `pip install` does: the editable install leaves that to
# the first run, and with PYTHONDONTWRITEBYTECODE set every run would compile ~50 ms of source
bench: $(STAMP)
	$(BIN)/python -m compileall -q claimx
	$(BIN)/python bench/run.py $(ARGS)

bench-quick: $(STAMP)
	$(BIN)/python -m compileall -q claimx
	$(BIN)/python bench/run.py --quick $(ARGS)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
