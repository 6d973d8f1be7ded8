# Two commands on a fresh machine with Python 3 and make:
#   make lab    set up .venv and open the lessons in JupyterLab
#   make playground  set up .venv and open every demo as an app (Voila, no code)
#   make test   set up .venv and run lint plus the whole test suite
#   make hub    a JupyterHub with the course on 127.0.0.1:8000 (deploy/README.md)
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
EXTRAS ?= dev,browser,cluster,hub
# JupyterHub's proxy, from npm, in a folder of the project (never a global install).
PROXY  := deploy/proxy/node_modules/.installed-stamp
HUB_ARGS ?=

.PHONY: lab playground test lint venv bench assignments hub hub-proxy

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[$(EXTRAS)]"
	touch $(STAMP)

venv: $(STAMP)

# Served from the project root, started in assignments/ so formgrader finds the course.
lab: $(STAMP)
	$(BIN)/python -m course.lab

# Every demo on one page, no code (Voila on 127.0.0.1:8866); options: PLAYGROUND_ARGS="...".
PLAYGROUND_ARGS ?=
playground: $(STAMP)
	$(BIN)/python -m course.app $(PLAYGROUND_ARGS)

# Student versions of every assignment, for studying alone (instructors: see README).
assignments: $(STAMP)
	$(BIN)/autograder release

$(PROXY): deploy/proxy/package.json
	npm install --prefix deploy/proxy --no-audit --no-fund --loglevel=error
	touch $(PROXY)

hub-proxy: $(PROXY)

# Students and an instructor on one machine; passwords from COURSE_HUB_STUDENT_PASSWORD and
# COURSE_HUB_INSTRUCTOR_PASSWORD (made and printed when unset). Options: HUB_ARGS="...".
hub: $(STAMP) $(PROXY)
	$(BIN)/python -m deploy.hub $(HUB_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .

test: lint
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python benchmarks/bench_nn_vs_torch.py
	$(BIN)/python benchmarks/bench_search_parallel.py
	$(BIN)/python benchmarks/bench_grading.py
	$(BIN)/python benchmarks/bench_watch.py
	$(BIN)/python benchmarks/bench_playground.py
