#!/bin/bash
# Readiness wait of the agentapi module (module.md §5.3): polls AgentAPI's
# /status until it answers three times in a row, so the start script only
# succeeds once the server really serves. It must never wait unbounded.
set -euo pipefail

# shellcheck source=./lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

port="${1:-3284}"
max_attempts="${AGENTAPI_WAIT_MAX_ATTEMPTS:-150}"
required_successes=3
successes=0

for ((attempt = 1; attempt <= max_attempts; attempt++)); do
  if curl -fs -o /dev/null --max-time 1 "http://localhost:$port/status"; then
    successes=$((successes + 1))
    if ((successes >= required_successes)); then
      log "agentapi server started on port $port."
      exit 0
    fi
  else
    successes=0
    log "agentapi server not responding ($attempt/$max_attempts)"
  fi
  sleep 0.1
done

error "agentapi server did not start on port $port after $max_attempts attempts."
exit 1
