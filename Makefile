# Two commands do all set-up on a fresh Debian 12 machine: `make test` and `make video`.
# Both install what they need (apt packages, .venv, the project) and skip what is done.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup apt test test-quick video site phrases slides references bench clean

setup: apt $(STAMP)

apt:
	@tools/ensure_apt.sh

# Re-installs only when pyproject.toml changes.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $@

# Everything, slow tests included (the page tests need Debian's headless Chromium).
test: setup
	@tools/ensure_apt.sh browser
	$(BIN)/python -m pytest --durations=15

# The quick loop: skips tests marked slow.
test-quick: setup
	$(BIN)/python -m pytest -m "not slow"

# The full explainer at publishing quality (1080p, 30 fps), narrated, into media/explainer/: the mp4 (AAC speech),
# the webm (Opus), its captions, one clip per section, a page and a presenter page. Sections render in
# parallel; unchanged ones are cached, and so is every spoken line.
video: setup
	$(BIN)/attnvid render scripts/explainer.yaml --quality p --formats mp4,webm --out media

# Every shipped video with all its web formats into site/, ready to publish.
site: setup
	$(BIN)/attnvid render scripts/cat_sat.yaml scripts/brian_typed.yaml scripts/warm_black_cat.yaml \
		scripts/explainer.yaml --formats mp4,webm,gif --out site

# Every phrase walkthrough (one per single-phrase script).
phrases: setup
	$(BIN)/manim -ql -a --disable_caching --media_dir media scenes/phrase.py
	@ls -1 media/videos/phrase/480p15/*.mp4

# CatSat as lecture slides (manim-slides, one slide per beat) in one HTML file that plays with
# no network: reveal.js comes from the project's own cache (.cache/, filled by tools/revealjs.py).
SLIDES_CACHE := XDG_CACHE_HOME=$(CURDIR)/.cache
slides: setup
	@$(SLIDES_CACHE) $(BIN)/python tools/revealjs.py >/dev/null
	$(BIN)/manim-slides render -ql --disable_caching --progress_bar none --media_dir media scenes/slides.py CatSatSlides
	$(SLIDES_CACHE) $(BIN)/manim-slides convert --to html --offline --one-file CatSatSlides site/catsat_slides.html
	@ls -1 site/catsat_slides.html

# Re-make the key frames the render test compares against (after a deliberate change of look).
references: setup
	$(BIN)/python tools/update_references.py

# Render times against the ffmpeg-only floor; writes bench-out/bench.{json,md}.
bench: setup
	$(BIN)/python tools/bench.py

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .hypothesis .cache
