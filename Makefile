# Two commands on a fresh machine:
#   make run   installs what is missing, builds in release mode, checks Plans/
#   make test  installs what is missing and runs the whole test suite
SWIFT ?= swift
PLANS ?= Plans
# Debian packages the build and the tests need.
APT_PACKAGES = libxlsxwriter-dev pkg-config zlib1g-dev unzip
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all setup build run test clean

all: build

setup:
	@missing=""; \
	for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

build: setup
	$(SWIFT) build -c release

run: build
	.build/release/maquette verifier $(PLANS)

test: setup
	$(SWIFT) test --disable-swift-testing

clean:
	rm -rf .build
