# presenced — the two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
SWIFT ?= $(shell command -v swift 2>/dev/null || echo /opt/swift/usr/bin/swift)
VENV := .venv
PY := $(VENV)/bin/python
BIN := .build/debug/presenced
# Optimised build for the heavy data commands (make model): its own scratch path, so
# that switching between it and the debug build recompiles neither.
RELEASE_BIN := .build-release/release/presenced
# presenced(8), written by swift-argument-parser's generate-manual plugin from the commands' help.
MAN := .build/plugins/GenerateManual/outputs/presenced/presenced.8
PREFIX ?= /usr/local
SYSCONFDIR ?= /etc

DEMO := Recordings/demo.mcap
# Real sounds one at a time in a quiet room, audio only (make sound-clips; made, not committed: 96 MB).
SOUND_CLIPS := Recordings/generated/sound-clips-dev.mcap

.PHONY: run test test-sanitize build deps test-deps venv demo-recording corpus golden report bench bgs-compare real-video vad-compare fuzz test-vm recordings-real model sound-model sound-clips sound-card release empty-hours radar-rooms long-sit load-socket load-scrape live-cost man install deb test-systemd soak start-time clean

## run: install what is missing, build, and run the daemon on config/demo.toml
run: deps build $(DEMO)
	$(BIN) run --config config/demo.toml

## test: install what is missing (apt, Python venv), build and run every test; the allocation tests again
## with the per-thread allocation counter preloaded (scripts/alloc/)
ALLOC_COUNTER := .build/alloc/libpresenced-alloc-count.so
test: test-deps venv $(ALLOC_COUNTER)
	$(SWIFT) build --build-tests
	scripts/corpus.sh
	$(SWIFT) test --skip-build 2>&1 | tee .build/test.log; exit $${PIPESTATUS[0]}
	LD_PRELOAD=$(CURDIR)/$(ALLOC_COUNTER) $(SWIFT) test --skip-build --filter AllocationTests 2>&1 | tee .build/test-alloc.log; \
	  exit $${PIPESTATUS[0]}

$(ALLOC_COUNTER): scripts/alloc/alloc_count.c
	mkdir -p $(dir $@)
	cc -shared -fPIC -O2 -o $@ $<

## test-sanitize: every test again under AddressSanitizer and ThreadSanitizer, the daemons they start too
## (scripts/test-sanitize.sh; SANITIZERS="thread" for one; about 15 minutes from nothing)
test-sanitize: test-deps venv
	SWIFT=$(SWIFT) scripts/test-sanitize.sh

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

## demo-recording: make the demo recording when missing or stale (deterministic: the same bytes every time).
## It is made on first use rather than committed: 90 s of noisy 15 fps video is 70 MB.
demo-recording: build
	scripts/corpus.sh $(notdir $(DEMO))

## corpus: make the simulated recordings of Recordings/scenes.tsv that are missing or stale (git-ignored)
corpus: build
	scripts/corpus.sh

## report: score the whole corpus against its labels (out/report/index.html and metrics.json), and, each on its
## own, real sounds one at a time in a quiet room (out/report/sound-clips/) and empty rooms with a real
## loudspeaker playing (out/report/loudspeaker/)
report: corpus $(SOUND_CLIPS)
	$(BIN) eval $$(awk '!/^#/ && NF == 4 {print "Recordings/" $$1}' Recordings/scenes.tsv) \
	  $$(git ls-files 'Recordings/*.mcap') --report out/report
	$(BIN) eval $(SOUND_CLIPS) --report out/report/sound-clips
	PRESENCED=$(BIN) PY=$(PY) scripts/loudspeaker-rooms.sh dev Recordings/generated/loudspeaker
	$(BIN) eval Recordings/generated/loudspeaker/*.mcap --report out/report/loudspeaker

## sound-clips: the sound classifier's dev clips one at a time in a quiet room, audio only (git-ignored):
## what each kind of real sound does to a vacant room (make report, "switched on" per condition)
sound-clips: $(SOUND_CLIPS)
$(SOUND_CLIPS): scripts/convert/sound_clips.py scripts/sound/dataset.py | venv
	mkdir -p $(dir $@)
	$(PY) scripts/convert/sound_clips.py ../shared/data data/sound $@

## test-vm: camera (vivid, with unplug and replug) and microphone (snd-aloop) capture on real kernel
## drivers in a QEMU guest under software emulation (scripts/vm/)
test-vm: test-deps
	scripts/deps.sh vm
	$(SWIFT) build --build-tests
	scripts/vm/test.sh

## bench: the benchmarks of Benchmarks/ beside their baselines, as a Markdown table (BENCHMARKS.md)
bench: deps
	python3 scripts/bench.py

## bgs-compare: background subtraction against OpenCV MOG2 and KNN on the same frames: real video (make real-video,
## skipped when absent) and simulated scenes; F-measure, frame-level presence, time per frame
bgs-compare: build venv
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-peers.txt
	$(PY) scripts/peers/bgs_compare.py

## real-video: the real video development set (SBI2015 with per-pixel ground truth, scripts/convert/sbi2015.py) from
## SBI2015 (default: the fetch tool's mirror of lim-anggun/FgSegNet beside the checkout); not committed (CC BY-NC)
SBI2015 ?= ../.mirror/lim-anggun+FgSegNet/repo
real-video: venv
	@if [ ! -e "$(SBI2015)" ]; then echo "real-video: skipped: no SBI2015 source at $(SBI2015) (SBI2015=a checkout or the git directory of lim-anggun/FgSegNet)"; exit 0; fi; \
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-peers.txt && \
	$(PY) scripts/convert/sbi2015.py "$(SBI2015)" Recordings/generated/real-video

## vad-compare: voice detection against webrtcvad mode 3 on real Speech Commands audio (recall, false positives)
vad-compare: build venv
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-peers.txt
	$(PY) scripts/peers/vad_vs_webrtcvad.py

## fuzz: libFuzzer on each parser (FUZZ_TARGETS) for FUZZ_TIME seconds each; new coverage is merged into Fuzz/corpus/
FUZZ_TIME ?= 600
FUZZ_TARGETS ?= mcap-reader ld2410 ld2450 config client-input mqtt-decoder
fuzz: deps
	for t in $(FUZZ_TARGETS); do scripts/fuzz.sh $$t $(FUZZ_TIME) || exit 1; done

## test-systemd: the Debian package under a real systemd in a systemd-nspawn container: install, READY, events
## with the demo config, watchdog restart, socket activation, clean stop, upgrade, purge (about a minute after the
## first debootstrap)
test-systemd: deb $(DEMO)
	scripts/nspawn/test.sh $$(ls -t out/presenced_*.deb | head -1) $(DEMO)

## release: the optimised build of presenced ($(RELEASE_BIN)), the Swift runtime linked in, so it runs
## where no Swift toolchain is installed
release: deps
	$(SWIFT) build -c release --product presenced --scratch-path .build-release --static-swift-stdlib

## man: the manual page presenced(8) ($(MAN)), from the command line's own help
man: build
	$(SWIFT) package plugin generate-manual --configuration debug --section 8 \
	  --date $$(git log -1 --format=%cs 2>/dev/null || date +%F) >/dev/null

## install: the release binary, units, sysusers/tmpfiles files, configuration, model and manual page
## under DESTDIR, PREFIX (default /usr/local) and SYSCONFDIR (default /etc); an existing configuration is kept
install: release man
	DESTDIR="$(DESTDIR)" PREFIX="$(PREFIX)" SYSCONFDIR="$(SYSCONFDIR)" scripts/install.sh $(RELEASE_BIN) $(MAN)

## deb: the Debian package out/presenced_<version>_<arch>.deb (installs, upgrades and purges cleanly: make test-systemd)
deb: release man
	scripts/deps.sh package
	scripts/deb.sh $(RELEASE_BIN) $(MAN)

## model: train the default model from Recordings/ (training.tsv, and simulated rooms whose microphone hears a real
## loudspeaker); sound-only recordings teach it nothing: the microphone alone answers by its sound classifier
## (Sources/PresenceFusion/MicrophoneAlone.swift). Writes models/default.model and its card models/README.md; the
## next build embeds the model in the binary
model: release venv
	MANIFEST=Recordings/training.tsv PRESENCED=$(RELEASE_BIN) scripts/corpus.sh
	PRESENCED=$(RELEASE_BIN) PY=$(PY) scripts/loudspeaker-rooms.sh train Recordings/generated/train
	$(RELEASE_BIN) train $$(awk '!/^#/ && NF == 4 {print "Recordings/" $$1}' Recordings/training.tsv) \
		Recordings/generated/train/loudspeaker-*.mcap --out models/default.model

## sound-model: train the sound classifier on real recordings (scripts/sound/: ../shared/data and data/sound);
## writes models/sound.model, models/sound.onnx and the card models/SOUND.md; about 15 minutes on 2 cores
TRAIN_VENV := .venv-train
sound-model: $(TRAIN_VENV)/.installed
	$(TRAIN_VENV)/bin/python scripts/sound/train.py ../shared/data data/sound --out models

## sound-card: the sound model's card again, with what each dev clip did to a quiet room in the daemon
## (make sound-clips, scored by presenced eval): how often each kind of sound switched the room on alone
sound-card: build $(SOUND_CLIPS)
	$(BIN) eval $(SOUND_CLIPS) --report out/report/sound-clips > /dev/null
	$(PY) scripts/sound/card.py models/sound.model models/SOUND.md out/report/sound-clips/metrics.json

$(TRAIN_VENV)/.installed: requirements-train.txt
	python3 -m venv $(TRAIN_VENV)
	$(TRAIN_VENV)/bin/python -m pip install -q --disable-pip-version-check -r requirements-train.txt
	touch $@

## live-cost: what one browser on the live page costs the daemon at real-time pace, side by side with none
## (scripts/load/live_page_cost.py, about 3 minutes)
live-cost: release
	cd scripts/load && python3 live_page_cost.py ../../$(RELEASE_BIN)

## load-socket: 1000 subscribers on the event socket: every event to every client in order, fan-out p99 (about 40 s)
load-socket: release
	python3 scripts/load/subscribers.py $(RELEASE_BIN) --clients 1000 --seconds 30

## load-scrape: /metrics latency under wrk while the pipeline runs (target p99 under 2 ms; needs wrk: scripts/deps.sh bench)
load-scrape: release
	scripts/deps.sh bench
	scripts/load/scrape.sh $(RELEASE_BIN)

## soak: the daemon for SOAK_MINUTES (60) at SOAK_SPEED (1; 24 = a day of events in an hour) with 100 clients
## coming and going: memory, descriptors and tick p99 must stay flat (scripts/load/soak.py)
SOAK_MINUTES ?= 60
SOAK_SPEED ?= 1
soak: release
	python3 scripts/load/soak.py $(RELEASE_BIN) --minutes $(SOAK_MINUTES) --speed $(SOAK_SPEED)

## start-time: time from exec to the first hello and to READY=1, and from SIGTERM to exit (scripts/load/start_time.py)
start-time: release
	python3 scripts/load/start_time.py $(RELEASE_BIN)

## empty-hours: false alarms over 8 hours of simulated empty rooms (BATCHES, MINUTES to change; about 10 minutes)
empty-hours: release
	scripts/empty-hours.sh

## radar-rooms: the radar alone in 6 rooms the model was not trained on, calibrated and not, as an LD2410 beside
## ESPHome's LD2410 logic (factory and tuned thresholds) and as an LD2450 beside ESPHome's (any target); about 6 minutes
radar-rooms: release
	scripts/radar-rooms.sh

## long-sit: someone sitting still for an hour, without a microphone and with the radar alone (about 10 minutes)
long-sit: release
	scripts/long-sit.sh

## recordings-real: convert the real data of ../shared/data into committed recordings (Recordings/README.md)
recordings-real: venv
	$(PY) scripts/convert/speech_commands.py ../shared/data/speech-commands Recordings/speech-commands.mcap

## golden: replay the corpus and rewrite Recordings/golden/, printing what changed in words
golden: corpus
	python3 scripts/golden.py $(NAMES)

$(DEMO):
	$(MAKE) demo-recording

clean:
	rm -rf .build run $(VENV)
