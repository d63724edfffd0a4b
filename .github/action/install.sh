#!/usr/bin/env bash
# Step 1 of action.yml: builds ambientlint from the action's own checkout (the ref the workflow
# names, so the binary is that version) into the runner's temporary directory, and puts it on
# the PATH of the later steps.
set -euo pipefail
bin="${RUNNER_TEMP:?}/ambientlint-bin"
mkdir -p "$bin"
(cd "${GITHUB_ACTION_PATH:?}" && GOBIN="$bin" go install ./cmd/ambientlint)
echo "$bin" >>"${GITHUB_PATH:?}"
"$bin/ambientlint" version
