# The control plane image the Helm chart names (values.yaml `image`), also the init container of
# every provisioned Envoy (`attache bootstrap`). Build from the repository root:
#
#   docker build -t attache:0.1.0 .
#
# Two stages: `build` compiles TypeScript with the dev dependencies; the runtime stage has only
# what `attache` reads when it runs (e2e/container-image.e2e.ts assembles exactly these paths and
# runs the commands from them, so a missing one fails a test): the compiled src/, bin/attache.js,
# the vendored protos, the CRDs (file-mode validation), envoy/ (bootstrap templates) and the
# production dependencies. It runs as a numeric non-root user so `runAsNonRoot` can be verified.
FROM node:20-bookworm-slim AS build
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npx tsc -p tsconfig.json

FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
# runtime-paths: the paths below are what e2e/container-image.e2e.ts copies.
COPY --from=build /build/dist/src ./dist/src
COPY --from=build /build/bin ./bin
COPY --from=build /build/protos ./protos
COPY --from=build /build/crds ./crds
COPY --from=build /build/envoy ./envoy
USER 65532:65532
# bin/attache.js's first line carries the node flags (src/cli/node-flags.ts): run it directly.
ENTRYPOINT ["/app/bin/attache.js"]
CMD ["--help"]
