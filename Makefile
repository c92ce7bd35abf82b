# The two commands of the README: `make demo` and `make test`. Both bootstrap what they need:
# a venv with the Python dependencies, and the Debian packages for MariaDB and Redis (their
# servers run as private processes on free ports; nothing relies on a server already running).
VENV   := .venv
PYTHON := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: demo test lint typecheck servers clean bench bench-smoke

$(STAMP): pyproject.toml scripts/bootstrap.sh
	@scripts/bootstrap.sh
	@touch $(STAMP)

servers: $(STAMP)
	@$(PYTHON) -m scripts.stack.packages >/dev/null

demo: servers
	@$(PYTHON) -m scripts.demo

test: servers
	@$(PYTHON) -m pytest

bench: servers
	@$(PYTHON) -m bench.proxy
	@$(PYTHON) -m bench.flag_propagation
	@$(PYTHON) -m bench.compare
	@$(PYTHON) -m bench.dashboard
	@$(PYTHON) -m bench.catalog
	@$(PYTHON) -m bench.etl

bench-smoke: servers
	@$(PYTHON) -m pytest -m slow tests/bench

lint: $(STAMP)
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .

typecheck: $(STAMP)
	@$(VENV)/bin/mypy strangler legacy_adapters new_services scripts bench

clean:
	rm -rf .run .pytest_cache .mypy_cache .ruff_cache
