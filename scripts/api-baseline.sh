#!/usr/bin/env bash
# Builds the public-API baseline: the published modules' jars at the commit recorded in api-baseline.txt, into
# target/api-baseline/<artifactId>.jar. Once they exist, `mvn verify` compares each published module's public API
# with its baseline (japicmp, profile "api-compatibility" in the module's pom) and fails on any binary- or
# source-incompatible change. Changing the public API incompatibly is then a visible decision: record a new baseline
# commit in api-baseline.txt, in the same change, and say why in CHANGELOG.md.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=target/api-baseline
PUBLISHED="idempotency-lambda-lib idempotency-test-kit idempotency-http idempotency-batch idempotency-opentelemetry idempotency-store-redis idempotency-store-postgres"

die() { echo "api-baseline: error: $*" >&2; exit 1; }
commit=$(grep -v '^\s*#' api-baseline.txt | grep -v '^\s*$' | head -1 | tr -d '[:space:]')
[ -n "$commit" ] || die "api-baseline.txt names no commit"

if [ -f "$OUT/.commit" ] && [ "$(cat "$OUT/.commit")" = "$commit" ]; then
  echo "api-baseline: up to date ($commit)" >&2
  exit 0
fi
if ! git cat-file -e "$commit^{commit}" 2> /dev/null; then
  if [ "$(git rev-parse --is-shallow-repository)" = "true" ]; then
    echo "api-baseline: WARNING: commit $commit is not in this shallow clone; the API check is skipped" \
      "(fetch the full history to run it)" >&2
    exit 0
  fi
  die "commit $commit (api-baseline.txt) is not in this repository"
fi

started=$(date +%s)
rm -rf "$OUT"
mkdir -p "$OUT/src"
git archive "$commit" | tar -x -C "$OUT/src"
modules=()
for module in $PUBLISHED; do
  [ -d "$OUT/src/$module" ] && modules+=("$module")
done
[ ${#modules[@]} -gt 0 ] || die "no published module at $commit"
list=$(IFS=,; echo "${modules[*]}")
(cd "$OUT/src" && mvn -B -q -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true -pl "$list" -am package) \
  || die "the baseline ($commit) did not build"
for module in "${modules[@]}"; do
  jar=$(ls "$OUT/src/$module/target/$module"-*.jar | grep -v -e '-sources.jar$' -e '-javadoc.jar$' | head -1)
  cp "$jar" "$OUT/$module.jar"
done
echo "$commit" > "$OUT/.commit"
rm -rf "$OUT/src"
echo "api-baseline: built ${modules[*]} at $commit in $(($(date +%s) - started)) s" >&2
