#!/usr/bin/env bash
# Re-fetches the vendored Envoy/xDS protos (protos/vendor/) from their upstream repositories at the
# commits protos/vendor/VERSIONS pins, keeping only the files protos/vendor/ROOTS import (the
# transitive closure, resolved in VERSIONS order as src/xds/proto.ts and generate-types.sh do).
#
#   scripts/vendor-protos.sh            rewrite protos/vendor/<folder>/ from upstream
#   scripts/vendor-protos.sh --check    fetch and compare: exit 1 if protos/vendor/ differs from upstream
#
# To move to other upstream commits: edit VERSIONS (and ROOTS when Attaché emits a new message),
# run this script, then `make types`, and review both diffs.
#
# Sources: GitHub's archive of each commit (codeload.github.com). With PROTOS_GIT_MIRROR=DIR, the
# archive is taken from local clones instead (DIR/<owner>/<repo>, bare or not), for machines
# without GitHub; the commit pins what is read either way.
# google/protobuf/*.proto are not vendored: protobufjs and proto-loader bundle the well-known types.
set -euo pipefail
cd "$(dirname "$0")/.."
VENDOR=protos/vendor
CHECK=false
case "${1:-}" in
  '') ;;
  --check) CHECK=true ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac
die() { printf 'vendor-protos.sh: %s\n' "$*" >&2; exit 1; }

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# VERSIONS: folder, owner/repo, commit (full), then free text; '#' starts a comment.
FOLDERS=()
while read -r folder repo commit _; do
  [[ $folder =~ ^[a-z0-9][a-z0-9_-]*$ ]] || die "VERSIONS: \"$folder\": a folder is one plain name"
  [[ $commit =~ ^[0-9a-f]{40}$ ]] || die "VERSIONS: $folder: commit must be 40 hex digits"
  FOLDERS+=("$folder")
  mkdir -p "$TMP/src/$folder"
  if [ -n "${PROTOS_GIT_MIRROR:-}" ]; then
    git -C "$PROTOS_GIT_MIRROR/$repo" archive --format=tar "$commit" | tar -x -C "$TMP/src/$folder"
  else
    curl -fsSL --retry 3 "https://codeload.github.com/$repo/tar.gz/$commit" \
      | tar -xz -C "$TMP/src/$folder" --strip-components=1
  fi
  [ -f "$TMP/src/$folder/LICENSE" ] || die "$repo@$commit: no LICENSE at the top of the archive"
  echo "fetched $repo@${commit:0:12} → $folder"
done < <(sed 's/#.*//' "$VENDOR/VERSIONS" | grep -v '^\s*$')

# The closure: each import is looked up in the folders in VERSIONS order (the include path order).
resolve() {
  local f
  for f in "${FOLDERS[@]}"; do
    if [ -f "$TMP/src/$f/$1" ]; then echo "$f/$1"; return; fi
  done
  return 1
}
declare -A SEEN=()
QUEUE=()
while read -r p; do QUEUE+=("$p"); done < <(sed 's/#.*//' "$VENDOR/ROOTS" | grep -v '^\s*$')
while [ ${#QUEUE[@]} -gt 0 ]; do
  p=${QUEUE[0]}
  QUEUE=("${QUEUE[@]:1}")
  [ -z "${SEEN[$p]:-}" ] || continue
  if [[ $p == google/protobuf/* ]] && ! resolve "$p" > /dev/null; then SEEN[$p]=bundled; continue; fi
  found=$(resolve "$p") || die "$p: not in any VERSIONS folder"
  SEEN[$p]=$found
  while read -r imp; do QUEUE+=("$imp"); done < <(
    sed -n 's/^[[:space:]]*import[[:space:]]\+\(public[[:space:]]\+\|weak[[:space:]]\+\)\?"\([^"]*\)"[[:space:]]*;.*/\2/p' "$TMP/src/$found")
done

OUT=$TMP/out
for f in "${FOLDERS[@]}"; do
  mkdir -p "$OUT/$f"
  for legal in LICENSE NOTICE; do
    if [ -f "$TMP/src/$f/$legal" ]; then cp "$TMP/src/$f/$legal" "$OUT/$f/"; fi
  done
done
for p in "${!SEEN[@]}"; do
  [ "${SEEN[$p]}" != bundled ] || continue
  mkdir -p "$OUT/$(dirname "${SEEN[$p]}")"
  cp "$TMP/src/${SEEN[$p]}" "$OUT/${SEEN[$p]}"
done
count=$(find "$OUT" -name '*.proto' | wc -l)

if $CHECK; then
  fail=false
  for f in "${FOLDERS[@]}"; do
    diff -r "$OUT/$f" "$VENDOR/$f" || fail=true
  done
  $fail && die "protos/vendor/ differs from upstream (above); run scripts/vendor-protos.sh"
  echo "protos/vendor/: $count files, identical to upstream at the pinned commits"
else
  for f in "${FOLDERS[@]}"; do
    rm -rf "${VENDOR:?}/$f"
    cp -r "$OUT/$f" "$VENDOR/$f"
  done
  echo "protos/vendor/: wrote $count files; now run \`make types\` and review the diff"
fi
