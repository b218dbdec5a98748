#!/usr/bin/env bash
# Drive this chapter with hey: the first request is served, the server exits, the rest fail.
# Arguments go to the load driver (tools/cmd/load); ./load.sh -h lists them.
set -euo pipefail
cd "$(dirname "$0")/../tools"
exec go run ./cmd/load -ch 1 "$@"
