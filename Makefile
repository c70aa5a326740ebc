# Two commands: `make run` (zero-setup site) and `make test` (the whole suite).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
LOCAL := DJANGO_SETTINGS_MODULE=config.settings.local
# Where `make run` listens; e.g. `make run RUN_ADDR=0.0.0.0:8000`.
RUN_ADDR ?= 127.0.0.1:8000
# Extra pytest arguments, e.g. `make test PYTEST_ARGS="tests/quizzes -x"`.
PYTEST_ARGS ?=
# pytest-xdist processes: one more than the cores. The browser, worker and drill tests
# wait on processes of their own (Chromium, Celery, servers); the extra process keeps
# the cores busy meanwhile (decision record 0011).
TEST_WORKERS ?= $(shell echo $$(( $$(nproc) + 1 )))
# Python may cache compiled modules, whatever the calling shell says: with
# PYTHONDONTWRITEBYTECODE=1 (set on this workplace's machines) every process the test run
# starts (the xdist workers, each Celery worker, gunicorn, the pytest subprocesses)
# compiled the project again and re-ran pytest's assertion rewriting (collecting alone:
# 10.7 s -> 4.9 s of CPU a process; decision record 0011, third addendum). The caches
# land in __pycache__, which git ignores.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run test test-fast install install-dev setup lint format bench bench-exam-day bench-growth bench-peer-review clean stack

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt

# npm brings axe-core for the accessibility tests (tests/a11y), pinned in package-lock.json.
# Each install runs again only when its pins changed (a stamp in .venv; npm's own hidden
# lockfile in node_modules), so `make test` does not reinstall on every run.
install-dev: $(VENV)/.dev-installed node_modules/.package-lock.json

$(VENV)/.dev-installed: $(BIN)/python requirements.txt requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund

setup: install
	mkdir -p var/mail
	$(LOCAL) $(BIN)/python manage.py migrate --noinput
	$(LOCAL) $(BIN)/python manage.py load_course
	$(LOCAL) $(BIN)/python manage.py seed_demo

run: setup
	@echo "Tradeoffs: http://$(RUN_ADDR)/  (admin: http://$(RUN_ADDR)/admin/; demo logins above)"
	$(LOCAL) $(BIN)/python manage.py runserver $(RUN_ADDR)

test: install-dev
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

# The inner loop: everything but the tests that need Chromium, a Celery worker or an SMTP
# server, and the scale-out drills. `make test-fast PYTEST_ARGS=--lf` reruns only what
# failed last time.
test-fast:
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup \
		-m "not browser and not worker and not smtp and not drill" $(PYTEST_ARGS)

# The full stack in containers (see README and docs/operations.md).
stack:
	@test -f .env || { echo "Create .env first: cp .env.example .env (then set DJANGO_SECRET_KEY)"; exit 1; }
	docker-compose up --build

# Style, then the import rules of .importlinter (layers, pure modules, tasks over services).
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Benchmarks against PostgreSQL (database bench_tradeoffs) and Redis db 8 on 127.0.0.1;
# needs wrk (apt-get install -y wrk). Prints one line per figure, writes bench/RESULTS.md.
bench: install-dev
	@command -v wrk >/dev/null || { echo "make bench needs wrk: apt-get install -y wrk"; exit 1; }
	$(BIN)/python -u -m bench

# Exam day (issue 20): N students start the final, autosave every 20 s and submit, with
# grading on; N doubles from 25 until a step fails, then one step halfway; prints the
# largest N with p95 < 250 ms per core and writes bench/EXAM_DAY.md (about 10-15 min).
bench-exam-day: install-dev
	$(BIN)/python -u -m bench.exam_day

# Peer-review allocation (issue 17): 5,000 submissions vs 5,000 no-op tasks on one worker;
# database bench_peer and Redis db 14 only; writes bench/PEER_REVIEW.md (about 2 min).
bench-peer-review: install-dev
	$(BIN)/python -u -m bench.peer_review

# Growth curves (issue 20): each job's time per unit and peak memory at 1k, 10k and 100k
# graded attempts; database bench_growth and Redis db 10 only; writes bench/GROWTH.md.
# GROWTH_SIZES=1000,10000 for a shorter run; GROWTH_LIMITS=regrade=1000 caps a slow job.
bench-growth: install-dev
	$(BIN)/python -u -m bench.growth

clean:
	rm -rf var staticfiles
