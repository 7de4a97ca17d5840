# Placeholder until the build is written; see README.
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: test
test:
	SOMEDESK_TESTING=true $(VENV)/bin/pytest -q
