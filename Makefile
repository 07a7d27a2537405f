# presenced — the two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
SWIFT ?= $(shell command -v swift 2>/dev/null || echo /opt/swift/usr/bin/swift)
VENV := .venv
PY := $(VENV)/bin/python
BIN := .build/debug/presenced

DEMO := Recordings/demo.mcap

.PHONY: run test build deps test-deps venv demo-recording clean

## run: install what is missing, build, and run the daemon on config/demo.toml
run: deps build $(DEMO)
	$(BIN) run --config config/demo.toml

## test: install what is missing (apt, Python venv), build and run every test
test: test-deps venv
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build 2>&1 | tee .build/test.log; exit $${PIPESTATUS[0]}

build:
	$(SWIFT) build --product presenced

deps:
	scripts/deps.sh

test-deps:
	scripts/deps.sh test

## venv: the Python peers that cross-check our recording format (git-ignored)
venv: $(VENV)/.installed
$(VENV)/.installed: requirements.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt
	touch $@

## demo-recording: regenerate the demo recording (deterministic: the same bytes every time).
## It is made on first use rather than committed: 90 s of noisy 15 fps video is 70 MB.
demo-recording: build
	$(BIN) simulate --scene sit-still --duration 90s --seed 1 --out $(DEMO)

$(DEMO):
	$(MAKE) demo-recording

clean:
	rm -rf .build run $(VENV)
