#!/usr/bin/env bash
# Writes the events that `sam local generate-event` produces for the sample functions into events/sam/ (or the
# folder given as $1), with the SAM CLI pinned in .ci/sam-checks.sh. runtime-tests/ feeds them to the deployed jar in
# the real Lambda runtime; .ci/sam-checks.sh regenerates them and fails when the committed copies drift.
# Notes: API Gateway's generator always base64-encodes the body (isBase64Encoded: true), as API Gateway does for
# binary media types; SQS's generator does not escape a JSON --body, so it gets a placeholder the tests replace.
set -euo pipefail
cd "$(dirname "$0")/.."
SAM="${SAM:-.venv/sam-checks/bin/sam}"
OUT="${1:-events/sam}"
export SAM_CLI_TELEMETRY=0
if [ ! -x "$SAM" ]; then
  echo "no SAM CLI at $SAM: run .ci/sam-checks.sh once (it installs the pinned version), or set SAM=" >&2
  exit 2
fi
mkdir -p "$OUT"
PAYMENT='{"amount":1250,"currency":"EUR","customerId":"cus_4QFJOjw2pOmAGJ","description":"Order #1042"}'
"$SAM" local generate-event apigateway aws-proxy --method POST --path payments --resource /payments \
  --body "$PAYMENT" > "$OUT/apigateway-aws-proxy-payment.json"
"$SAM" local generate-event sqs receive-message --body BODY_SET_BY_THE_TEST > "$OUT/sqs-receive-message.json"
echo "wrote $(ls "$OUT" | wc -l) events to $OUT with $("$SAM" --version)"
