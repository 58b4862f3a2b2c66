# finarchive: `make demo` installs everything and archives samples/; `make test` runs the tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export FINARCHIVE_HOME ?= $(CURDIR)/finarchive-data

SCANS := $(sort $(wildcard samples/*.png samples/*.jpg samples/*.jpeg samples/*.pdf samples/*.tif samples/*.tiff))

.PHONY: demo test lint install system-deps bench samples clean-demo locale

$(BIN)/finarchive: pyproject.toml
	./scripts/install-system-deps.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[web,test,elasticsearch,celery,ppocr]"
	$(BIN)/pip install -q --no-deps "rapidocr-onnxruntime==1.4.4"  # see pyproject.toml's ppocr extra
	touch $@

install: $(BIN)/finarchive

system-deps:
	./scripts/install-system-deps.sh

demo: install
	$(BIN)/finarchive init
	$(BIN)/finarchive import --outlet DEMO-01 $(SCANS)
	$(BIN)/finarchive stats
	@echo; echo '$$ finarchive search "товарная накладной"'
	$(BIN)/finarchive search "товарная накладной"

# one test process per core; a file's tests stay together (its browser, server and archive fixtures are shared)
test: lint
	$(BIN)/python -m pytest -q -n auto --dist loadfile

# ruff and mypy on the whole tree (pyproject.toml); make test runs it first.
lint: install
	$(BIN)/ruff check . && $(BIN)/mypy .

bench: install
	$(BIN)/python bench/throughput.py
	$(BIN)/python bench/accuracy.py

samples: install
	$(BIN)/python samples/generate.py

clean-demo:
	rm -rf finarchive-data

# The desk's gettext catalogues: extract the messages of web/, merge them into each language's .po, compile the
# .mo files (committed, so a clean clone needs no build step; tests/web/test_i18n.py fails when they are stale).
locale: install
	$(BIN)/pybabel extract -F web/babel.cfg -k N_ -k gettext -k ngettext:1,2 --no-location --sort-output \
		--project finarchive --copyright-holder finarchive -o web/locale/messages.pot .
	$(BIN)/pybabel update -i web/locale/messages.pot -d web/locale -D messages --width 120
	$(BIN)/pybabel compile -d web/locale -D messages --statistics
