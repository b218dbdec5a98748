#!/usr/bin/env bash
# Drive this chapter with hey: the listen-backlog sweep at 100 concurrent clients.
# Arguments go to the load driver (tools/cmd/load); ./load.sh -h lists them.
# ./load.sh c10k    ten thousand idle connections stall this chapter (compare ../ch3-epoll-lt)
set -euo pipefail
cd "$(dirname "$0")/../tools"
exec go run ./cmd/load -ch 2 "$@"
