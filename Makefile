# Two commands on a fresh machine:
#   make run   installs what is missing, builds in release mode, checks Plans/
#   make test  installs what is missing and runs the whole test suite
SWIFT ?= swift
PLANS ?= Plans
# The release executable carries the Swift runtime and Foundation in itself: it starts in about
# 20 ms instead of 30 (no symbol lookups through Foundation's shared libraries), and needs only
# the Debian libraries below, not the Swift toolchain. The tests' debug build links them dynamically.
RELEASE = -c release --static-swift-stdlib
# Debian packages the build needs, and those only the tests need.
APT_PACKAGES = libyaml-dev libxlsxwriter-dev pkg-config zlib1g-dev libglpk-dev coinor-libclp-dev libgoogle-perftools-dev
# Carlito has Calibri's metrics: without it LibreOffice lays the pages out wider than Excel does.
TEST_APT_PACKAGES = unzip libreoffice-calc-nogui locales fonts-crosextra-carlito poppler-utils
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Installs the Debian packages of $(1) that are not installed yet.
define apt_install_missing
	@missing=""; \
	for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
endef

.PHONY: all setup setup-test build run test bench clean

all: build

setup:
	$(call apt_install_missing,$(APT_PACKAGES))

# LibreOffice recalculates the exported workbook; a French locale checks that numbers are still
# written with a dot under LANG=fr_FR.UTF-8.
setup-test: setup
	$(call apt_install_missing,$(TEST_APT_PACKAGES))
	@if ! locale -a 2>/dev/null | grep -qi '^fr_FR.utf8$$'; then \
	  echo "Generating the fr_FR.UTF-8 locale"; \
	  $(SUDO) sed -i 's/^# *fr_FR.UTF-8 UTF-8/fr_FR.UTF-8 UTF-8/' /etc/locale.gen && $(SUDO) locale-gen >/dev/null; \
	fi
	@# The calendar of `echeances --format ics` is read back by a real iCalendar parser.
	@python3 -c 'import icalendar' 2>/dev/null || python3 -m pip install -q icalendar \
	  || python3 -m pip install -q --break-system-packages icalendar

build: setup
	$(SWIFT) build $(RELEASE)

run: build
	.build/release/maquette verifier $(PLANS)
	.build/release/maquette exporter $(PLANS)

test: setup-test
	$(SWIFT) build
	python3 Tests/recalc/check_recalc.py .build/debug/maquette $(PLANS) --evolutions
	python3 Tests/recalc/check_recalc.py .build/debug/maquette $(PLANS) travaux-decales dsil-refusee-halle pire-cas
	$(SWIFT) test --disable-swift-testing

# Times the commands on a programme of about 1 000 operations (Benchmarks/bench.sh).
bench: setup
	$(call apt_install_missing,time python3-pip)
	python3 -c 'import yaml, xlsxwriter, openpyxl' 2>/dev/null || python3 -m pip install -q pyyaml xlsxwriter openpyxl
	$(SWIFT) build $(RELEASE)
	Benchmarks/bench.sh

clean:
	rm -rf .build
