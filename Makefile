# gisd: `make run` serves on http://127.0.0.1:8080, `make test` runs every check.
# Bun comes from the npm registry (devDependency), so Node.js + npm is all a machine needs.

BUN := node_modules/.bin/bun
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)

.PHONY: all install build run test test-deps typecheck lint format bench clean

all: build

node_modules/.installed: package.json package-lock.json
	# npm install, not npm ci: npm 11 wants every platform's optional binaries listed in the lock.
	npm install --no-audit --no-fund
	@touch $@

# The browser UI, bundled into src/web/generated/ (git-ignored) for the server to embed.
WEB_SRC := $(shell find src/web -path src/web/generated -prune -o -type f -print)
src/web/generated/.built: node_modules/.installed scripts/build-web.ts $(WEB_SRC)
	$(BUN) scripts/build-web.ts

install: node_modules/.installed src/web/generated/.built

build: install
	$(BUN) scripts/build.ts

run: build
	./dist/gisd serve

# Debian packages the interoperability tests drive (gdal-bin, chromium, ...); see the script.
test-deps:
	bash scripts/setup-test-deps.sh

typecheck: install
	$(BUN) x tsc --noEmit -p .

lint: install
	$(BUN) x biome check src test scripts

format: install
	$(BUN) x biome check --write src test scripts

test: install test-deps typecheck lint
	$(BUN) test

bench: build
	$(BUN) scripts/bench/startup.ts

clean:
	rm -rf dist
