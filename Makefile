# Attaché. `make demo` and `make test` are the two commands a fresh machine needs;
# both run `make setup` first, which installs every real component into .cache/ (idempotent).
.PHONY: setup kube-setup build demo demo-delta test test-unit test-e2e bench golden types clean

setup:
	@bash scripts/setup.sh
	@echo "==> build (tsc)"
	@npx tsc -p tsconfig.json

# kube-apiserver, etcd, kubectl and helm for Kubernetes mode (part of setup; see scripts/kube.sh).
kube-setup:
	@bash scripts/kube.sh build

build:
	npx tsc -p tsconfig.json

demo: setup
	@node dist/src/demo/run-demo.js

demo-delta: setup
	@node dist/src/demo/run-demo.js --delta

# Every test: type check, unit + golden tests, then e2e against real Envoy.
test: setup
	@bash scripts/test.sh

test-unit:
	npx jest --selectProjects unit

test-e2e:
	npx jest --selectProjects e2e

# Benchmarks against real Envoy (about 15 minutes on 2 cores): bench/report.json and a summary
# table (README "Benchmarks"). Options after --, e.g. `npm run bench -- --routes 10,1000`.
bench: setup
	@npm run --silent bench

# Rewrite golden outputs after a deliberate change; review `git diff` before committing.
golden:
	UPDATE_GOLDEN=1 npx jest --selectProjects unit src/gatewayapi
	node scripts/sync-ir-inputs.js
	UPDATE_GOLDEN=1 npx jest --selectProjects unit

types:
	bash scripts/generate-types.sh

clean:
	rm -rf dist
