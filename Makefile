# Attaché. `make demo` and `make test` are the two commands a fresh machine needs; each first
# installs what it uses into .cache/ (scripts/setup.sh, idempotent): the demo only npm packages,
# Envoy and grpcurl; `make setup` and `make test` everything, the Kubernetes tools included.
.PHONY: setup demo-setup kube-setup build demo demo-delta test test-unit test-e2e lint bench golden types clean

setup:
	@bash scripts/setup.sh

# What the demo runs: npm packages, Envoy, grpcurl and the build; no Kubernetes tools.
demo-setup:
	@bash scripts/setup.sh npm envoy grpcurl build

# kube-apiserver, etcd, kubectl and helm for Kubernetes mode (part of setup; see scripts/kube.sh).
kube-setup:
	@bash scripts/kube.sh build

build:
	npx tsc -p tsconfig.json

demo: demo-setup
	@node dist/tools/demo/run-demo.js

demo-delta: demo-setup
	@node dist/tools/demo/run-demo.js --delta

# Every test: type check, lint, unit + golden tests, then e2e against real Envoy.
test: setup
	@bash scripts/test.sh

# ESLint, Prettier (check only), dependency-cruiser and knip (scripts/lint.sh); part of `make test`.
lint:
	@npm run --silent lint

test-unit:
	npx jest --selectProjects unit

test-e2e:
	npx jest --selectProjects e2e

# Benchmarks against real Envoy (about 15 minutes on 2 cores): bench/report.json and a summary
# table (README "Benchmarks"). Options after --, e.g. `npm run bench -- --routes 10,1000`.
bench:
	@bash scripts/setup.sh npm envoy ghz
	@npm run --silent bench

# Rewrite every golden output after a deliberate change (refused under CI); review `git diff` before committing.
golden:
	UPDATE_GOLDEN=1 npx jest --selectProjects unit

types:
	bash scripts/generate-types.sh
	node scripts/generate-api-types.js

clean:
	rm -rf dist
