# make demo / make test set up everything they need on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Debian packages: fonts for every script a review arrives in (Latin, Cyrillic,
# CJK, emoji), HarfBuzz's subsetter (small PDFs) and poppler-utils (pdftoppm)
# to look at the PDFs.
SYSTEM_PACKAGES := fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji fonts-dejavu-core libharfbuzz-subset0 poppler-utils

.PHONY: demo test drills bench system-deps venv browser clean catalogs

demo: $(STAMP)
	$(BIN)/repscan demo --dir demo-output

# The suite without the long fault drills (about ten minutes on two cores); `make drills` runs those, CI both.
test: $(STAMP)
	$(BIN)/python -m pytest -q -m "not drill"

drills: $(STAMP)
	$(BIN)/python -m pytest -q -m drill

# The client-language catalogs (repscan/core/locale): extract every message of the code and the report, email
# and alert templates (babel.cfg), merge it into each language's .po, then check each is complete. A new or changed
# English text shows up as an empty msgstr in every .po: translate it there and run this again until it passes.
LOCALE    := repscan/core/locale
LANGUAGES := uk ro ru de fr es

catalogs: $(STAMP)
	$(BIN)/pybabel -q extract -F babel.cfg --no-location --sort-output --omit-header -o $(LOCALE)/repscan.pot .
	for lang in $(LANGUAGES); do \
	  $(BIN)/pybabel -q update -D repscan -i $(LOCALE)/repscan.pot -d $(LOCALE) -l $$lang --init-missing \
	    --no-fuzzy-matching --ignore-obsolete --ignore-pot-creation-date --no-wrap || exit 1; \
	done
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/reports/test_i18n.py -k catalog

bench: $(STAMP)
	$(BIN)/python -m bench

venv: $(STAMP)

$(STAMP): pyproject.toml | system-deps
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

# fetch = "browser": Debian's Chromium (never a browser download) and scrapy-playwright in the virtualenv.
browser: $(STAMP)
	@if ! command -v chromium >/dev/null && ! dpkg -s chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing: chromium"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "warning: could not install chromium; the browser tests will skip"; \
	  else \
	    echo "warning: chromium is not installed (sudo apt-get install chromium); the browser tests will skip"; \
	  fi; \
	fi
	$(BIN)/python -m pip install -q -e '.[browser]'

# Installs the Debian packages when one is missing and we may (root + apt-get);
# otherwise says which to install and carries on (rendering still works, with
# tofu boxes for scripts the machine has no font for).
system-deps:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing: $$missing"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null) \
	      || echo "warning: could not install $$missing"; \
	  else \
	    echo "warning: missing Debian packages: $$missing (sudo apt-get install $$missing)"; \
	  fi; \
	fi

clean:
	rm -rf $(VENV) demo-output build *.egg-info
