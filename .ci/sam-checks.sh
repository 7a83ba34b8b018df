#!/usr/bin/env bash
# Deployment checks without Docker or AWS credentials: cfn-lint on template.yaml, `sam build` (which runs
# functions/Makefile: the Maven reactor builds the shaded jar) and a look inside the built artifacts, and the events
# `sam local generate-event` makes, compared with the copies in events/sam/ that runtime-tests/ feeds to the jar.
# .ci/run then points runtime-tests at .aws-sam/build (LAMBDA_ARTIFACTS_DIR), so the jar that sam build laid out is
# the one that runs in the real Lambda runtime.
# Tools live in a virtualenv under .venv/ (git-ignored), created on first use; versions pinned so that new lint
# rules or SAM releases do not change CI results on their own.
set -euo pipefail
cd "$(dirname "$0")/.."

CFN_LINT_VERSION=1.58.0
SAM_CLI_VERSION=1.170.0
VENV=.venv/sam-checks
export SAM_CLI_TELEMETRY=0

step() { echo "== $1"; }
now() { date +%s; }
t0=$(now)

if [ ! -x "$VENV/bin/sam" ] || [ ! -x "$VENV/bin/cfn-lint" ] \
    || ! "$VENV/bin/cfn-lint" --version | grep -q "$CFN_LINT_VERSION" \
    || ! "$VENV/bin/sam" --version | grep -q "$SAM_CLI_VERSION"; then
  step "installing cfn-lint $CFN_LINT_VERSION and aws-sam-cli $SAM_CLI_VERSION into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check --upgrade pip
  "$VENV/bin/pip" install -q --disable-pip-version-check "cfn-lint==$CFN_LINT_VERSION" "aws-sam-cli==$SAM_CLI_VERSION"
fi
t1=$(now)

step "cfn-lint template.yaml"
"$VENV/bin/cfn-lint" template.yaml
t2=$(now)

step "sam build (BuildMethod makefile: Maven builds functions/target/functions-*-lambda.jar)"
rm -rf .aws-sam/build
"$VENV/bin/sam" build --build-in-source --template-file template.yaml
t3=$(now)

step "built artifacts"
status=0
for function in PaymentApiFunction OrderConsumerFunction ReportFunction ReportApiFunction; do
  jar=".aws-sam/build/$function/lib/functions.jar"
  handler=$(grep -A12 "^  $function:" .aws-sam/build/template.yaml | sed -n 's/^ *Handler: *\([^:]*\)::.*/\1/p' | head -1)
  class="$(echo "$handler" | tr . /).class"
  if [ -f "$jar" ] && unzip -l "$jar" "$class" > /dev/null 2>&1; then
    echo "$function: $jar ($(stat -c %s "$jar") bytes) contains $handler"
  else
    echo "$function: $jar missing or without handler class '$handler'" >&2
    status=1
  fi
done
for forbidden in org/apache/http/impl/client software/amazon/awssdk/http/apache io/netty; do
  if unzip -l .aws-sam/build/PaymentApiFunction/lib/functions.jar | grep -q "$forbidden"; then
    echo "the deployable jar contains $forbidden (Apache/Netty HTTP stacks must stay out)" >&2
    status=1
  fi
done
t4=$(now)

step "sam local generate-event: events/sam/ is what this SAM CLI generates"
generated=$(mktemp -d)
SAM="$VENV/bin/sam" scripts/generate-sam-events.sh "$generated" > /dev/null
if ! diff -r "$generated" events/sam; then
  echo "events/sam/ differs from what sam local generate-event produces: run scripts/generate-sam-events.sh" >&2
  status=1
fi
rm -rf "$generated"
t5=$(now)

echo "timings: tools $((t1 - t0)) s, cfn-lint $((t2 - t1)) s, sam build $((t3 - t2)) s, events $((t5 - t4)) s"
exit $status
