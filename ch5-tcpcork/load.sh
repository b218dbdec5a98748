#!/usr/bin/env bash
# Drive this chapter with hey: the listen-backlog sweep at 100 concurrent clients.
# Arguments go to the load driver (tools/cmd/load); ./load.sh -h lists them.
# ./load.sh cork    segments per response with and without TCP_CORK; the 200 ms ceiling
set -euo pipefail
cd "$(dirname "$0")/../tools"
exec go run ./cmd/load -ch 5 "$@"
