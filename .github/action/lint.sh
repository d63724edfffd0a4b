#!/usr/bin/env bash
# Step 2 of action.yml: lints the inputs' paths twice from one configuration, as SARIF into
# INPUT_SARIF_FILE (never failing) and as GitHub annotations (failing at INPUT_FAIL_ON).
set -euo pipefail
args=()
if [ -n "${INPUT_CONFIG:-}" ]; then args+=(--config "$INPUT_CONFIG"); fi
if [ -n "${INPUT_BASE:-}" ]; then args+=(--base "$INPUT_BASE"); fi
read -r -a paths <<<"${INPUT_PATHS:-.}"
sarif="${INPUT_SARIF_FILE:-ambientlint.sarif}"
mkdir -p "$(dirname "$sarif")"
ambientlint "${args[@]}" --fail-on none --format sarif --output "$sarif" "${paths[@]}"
echo "sarif-file=$sarif" >>"${GITHUB_OUTPUT:?}"
ambientlint "${args[@]}" --fail-on "${INPUT_FAIL_ON:-error}" --format github "${paths[@]}"
