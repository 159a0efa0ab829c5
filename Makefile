# ovote: `make demo` sets everything up and serves the demo; `make test` runs the suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: demo install python assets translations browser test jstest bench clean

demo: install
	$(BIN)/ovote db upgrade
	$(BIN)/ovote demo
	OVOTE_MAIL_BACKEND=$${OVOTE_MAIL_BACKEND:-file} $(BIN)/ovote run --host $(HOST) --port $(PORT)

install: python assets translations

python: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e ".[dev]"
	touch $@

assets: frontend/node_modules/.package-lock.json
	cd frontend && npm run --silent build

frontend/node_modules/.package-lock.json: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error

translations: python
	$(BIN)/pybabel compile --statistics -d ovote/translations

# Debian's Chromium for the browser tests (root only; elsewhere install it yourself).
browser:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

test: install
	$(BIN)/pytest

# The browser client's JS suite alone, on vectors made by ovote/crypto
# (`make test` runs it too, through tests/frontend).
jstest: install
	$(BIN)/python tests/frontend/make_vectors.py frontend/test/vectors.json
	cd frontend && npm test

bench: install
	$(BIN)/python bench/crypto_bench.py
	$(BIN)/python bench/registry_bench.py
	$(BIN)/python bench/browser_encrypt.py
	$(BIN)/python bench/verify_bench.py
	$(BIN)/python bench/tally_bench.py

clean:
	rm -rf $(VENV) frontend/node_modules ovote/static/vendor ovote/static/vote ovote/static/map frontend/test/vectors.json instance .pytest_cache
