#!/bin/bash
# Stop path of the agentapi module (module.md §5.4), run by the coder_script
# with run_on_stop. Normative order: resolve AgentAPI's PID from its PID file
# → SIGUSR1 state save, waiting for the state file's atomic rename → post the
# last messages as the task's log snapshot → SIGTERM (SIGKILL after a bound)
# → exit 0.
# It must never signal a PID that is not a live AgentAPI process, never send
# SIGUSR1 to an agentapi older than v0.12.0 (or of unknown version: SIGUSR1
# kills those), never sleep blindly, never let a snapshot failure abort the
# shutdown, and never `set -x` or put the agent token on a command line.
set -euo pipefail

# shellcheck source=./lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# read_tunable NAME DEFAULT: a timeout in seconds from the environment.
read_tunable() {
  local name="$1" default="$2" value
  value="${!name:-$default}"
  if ! seconds_to_ms "$value" >/dev/null; then
    log "Warning: $name is not a number of seconds, using $default" >&2
    value="$default"
  fi
  printf '%s\n' "$value"
}

TASK_ID="${ARG_TASK_ID:-}"
TASK_LOG_SNAPSHOT="${ARG_TASK_LOG_SNAPSHOT:-true}"
AGENTAPI_PORT="${ARG_AGENTAPI_PORT:-3284}"
ENABLE_STATE_PERSISTENCE="${ARG_ENABLE_STATE_PERSISTENCE:-true}"
MODULE_DIR_NAME="${ARG_MODULE_DIR_NAME:-}"
# Empty paths fall back to the module directory, exactly like main.sh.
STATE_FILE_PATH="${ARG_STATE_FILE_PATH:-}"
PID_FILE_PATH="${ARG_PID_FILE_PATH:-}"
if [[ -n $MODULE_DIR_NAME ]]; then
  STATE_FILE_PATH="${STATE_FILE_PATH:-${HOME:-}/$MODULE_DIR_NAME/agentapi-state.json}"
  PID_FILE_PATH="${PID_FILE_PATH:-${HOME:-}/$MODULE_DIR_NAME/agentapi.pid}"
fi

if [[ -n $TASK_ID && ! $TASK_ID =~ ^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$ ]]; then
  error "ARG_TASK_ID is not a UUID, ignoring it"
  TASK_ID=""
fi

AGENT_URL="${CODER_AGENT_URL:-}"
while [[ $AGENT_URL == */ ]]; do
  AGENT_URL="${AGENT_URL%/}"
done

SAVE_TIMEOUT="$(read_tunable AGENTAPI_SHUTDOWN_SAVE_TIMEOUT 10)"
FETCH_TIMEOUT="$(read_tunable AGENTAPI_SHUTDOWN_FETCH_TIMEOUT 10)"
POST_TIMEOUT="$(read_tunable AGENTAPI_SHUTDOWN_POST_TIMEOUT 10)"
TERM_TIMEOUT="$(read_tunable AGENTAPI_SHUTDOWN_TERM_TIMEOUT 15)"

readonly MAX_MESSAGES=10
readonly MAX_PAYLOAD_BYTES=65536

# One jq pass turns AgentAPI's /messages response into a plan, one line per
# item: `log <text>`, `status empty|giveup`, and `payload <body>` — the exact
# bytes to post (compact JSON, measured with utf8bytelength, so the limit is
# in BYTES). Oldest messages are dropped first; a lone oversized message keeps
# the longest suffix of its content (in code points, found by binary search)
# that fits behind the truncation marker. No process runs per message.
# shellcheck disable=SC2016 # a jq program, not shell expansions
SNAPSHOT_JQ='
def body($m): {messages: $m} | tojson;
def bytes($m): body($m) | utf8bytelength;
def marker: "[...content truncated...]\n\n";
def with_suffix($msg; $cps; $k):
  [$msg + {content: (marker + ($cps[(($cps | length) - $k):] | implode))}];
def fit($limit):
  {m: ., logs: []}
  | until((.m | length) <= 1 or bytes(.m) <= $limit;
      .logs += ["Payload size \(bytes(.m)) bytes exceeds limit, removing oldest message"]
      | .m = .m[1:])
  | if bytes(.m) <= $limit then .
    else
      .logs += ["Payload size \(bytes(.m)) bytes exceeds limit, truncating final message content"]
      | .m[0] as $msg
      | ($msg.content | explode) as $cps
      | if bytes(with_suffix($msg; $cps; 0)) > $limit then .m = null
        else
          ([0, ($cps | length)]
            | until(.[1] - .[0] <= 1;
                ((.[0] + .[1]) / 2 | floor) as $mid
                | if bytes(with_suffix($msg; $cps; $mid)) <= $limit then [$mid, .[1]] else [.[0], $mid] end)
            | .[0]) as $k
          | .m = with_suffix($msg; $cps; $k)
        end
    end;
(.messages // []) as $all
| if ($all | type) != "array" then error("messages is not an array") else . end
| $all[-$max:] as $last
| if ($last | length) == 0 then "status empty"
  else
    ("log Retrieved \($last | length) messages for log snapshot"),
    (($last | fit($limit)) as $r
      | ($r.logs[] | "log " + .),
        (if $r.m == null then "status giveup"
         else
           body($r.m) as $b
           | ("log Log snapshot payload: \($b | utf8bytelength) bytes, \($r.m | length) messages"),
             ("payload " + $b)
         end))
  end
'

# capture_task_log_snapshot: fetch → build (limit) → post. Runs in a subshell
# with errexit in force, so any unexpected failure ends it with a non-zero
# status (and no POST) instead of being silently ignored.
capture_task_log_snapshot() {
  if [[ -z $TASK_ID ]]; then
    log "No task ID, skipping log snapshot"
    return 0
  fi
  if [[ -z $AGENT_URL ]]; then
    error "CODER_AGENT_URL is not set"
    return 1
  fi
  if [[ -z ${CODER_AGENT_TOKEN:-} ]]; then
    error "CODER_AGENT_TOKEN is not set"
    return 1
  fi
  if ! command -v jq >/dev/null 2>&1; then
    error "jq is required for log snapshots"
    return 1
  fi
  if ! command -v curl >/dev/null 2>&1; then
    error "curl is required for log snapshots"
    return 1
  fi

  # Not local: the EXIT trap runs after this function has returned.
  snapshot_tmp_dir="$(mktemp -d "${TMPDIR:-/tmp}/agentapi-snapshot.XXXXXX")"
  trap 'rm -rf "$snapshot_tmp_dir"; trap - EXIT' EXIT

  if ! curl -fsS --max-time "$FETCH_TIMEOUT" -o "$snapshot_tmp_dir/messages.json" \
    "http://localhost:$AGENTAPI_PORT/messages"; then
    log "Failed to fetch messages from AgentAPI (may not be running)"
    return 1
  fi

  jq -r --argjson limit "$MAX_PAYLOAD_BYTES" --argjson max "$MAX_MESSAGES" "$SNAPSHOT_JQ" \
    "$snapshot_tmp_dir/messages.json" >"$snapshot_tmp_dir/plan.txt"

  local line status=""
  while IFS= read -r line; do
    case $line in
      "log "*) log "${line#log }" ;;
      "status "*) status="${line#status }" ;;
      "payload "*) printf '%s' "${line#payload }" >"$snapshot_tmp_dir/payload.json" ;;
    esac
  done <"$snapshot_tmp_dir/plan.txt"
  case $status in
    empty)
      log "No messages for log snapshot"
      return 0
      ;;
    giveup)
      log "Payload still too large after content truncation, giving up"
      return 1
      ;;
  esac
  [[ -f $snapshot_tmp_dir/payload.json ]]

  # Headers from a file (0700 temp dir): the token never appears in argv.
  printf 'Coder-Session-Token: %s\nContent-Type: application/json\nExpect:\n' \
    "$CODER_AGENT_TOKEN" >"$snapshot_tmp_dir/headers.txt"
  local url="$AGENT_URL/api/v2/workspaceagents/me/tasks/$TASK_ID/log-snapshot?format=agentapi"
  local http_code
  if ! http_code="$(curl -sS -o "$snapshot_tmp_dir/response.txt" -w '%{http_code}' \
    --max-time "$POST_TIMEOUT" -X POST -H "@$snapshot_tmp_dir/headers.txt" \
    --data-binary "@$snapshot_tmp_dir/payload.json" "$url")"; then
    log "Failed to connect to Coder instance (curl failed)"
    return 1
  fi
  if [[ $http_code =~ ^2[0-9][0-9]$ ]]; then
    log "Log snapshot posted successfully (HTTP $http_code)"
    return 0
  fi
  if [[ $http_code == 404 ]]; then
    log "Log snapshot endpoint not supported by this Coder version, skipping"
    return 0
  fi
  local response=""
  { response="$(<"$snapshot_tmp_dir/response.txt")"; } 2>/dev/null || response=""
  log "Failed to post log snapshot (HTTP $http_code): ${response:0:4096}"
  return 1
}

# still_agentapi PID: re-checks the PID right before a signal, so a process
# that exited (and whose PID may be reused) is never signalled.
still_agentapi() {
  local pid="$1"
  if ! process_alive "$pid"; then
    log "AgentAPI (pid $pid) is not running"
    return 1
  fi
  if ! is_agentapi_process "$pid"; then
    log "Process $pid is not agentapi, not signalling it"
    return 1
  fi
}

# save_agentapi_state PID: SIGUSR1, then poll the state file's fingerprint
# until AgentAPI's atomic rename shows up (agentapi.md §7.4.3), bounded.
save_agentapi_state() {
  local pid="$1" version version_rc=0 before current deadline
  version="$(agentapi_version)"
  version_at_least 0.12.0 "$version" || version_rc=$?
  if ((version_rc == 2)); then
    log "Unable to determine agentapi version, skipping SIGUSR1"
    return 0
  fi
  if ((version_rc == 1)); then
    log "agentapi $version does not support state persistence (requires >= 0.12.0), skipping SIGUSR1"
    return 0
  fi
  if [[ -z $STATE_FILE_PATH ]]; then
    log "No state file path configured, skipping SIGUSR1"
    return 0
  fi
  still_agentapi "$pid" || return 0
  before="$(file_fingerprint "$STATE_FILE_PATH")"
  log "Sending SIGUSR1 to AgentAPI (pid $pid) to save state"
  if ! kill -USR1 "$pid" 2>/dev/null; then
    log "AgentAPI (pid $pid) is not running"
    return 0
  fi
  now_ms
  deadline=$((NOW_MS + $(seconds_to_ms "$SAVE_TIMEOUT")))
  while :; do
    current="$(file_fingerprint "$STATE_FILE_PATH")"
    if [[ $current != missing && $current != "$before" ]]; then
      log "State saved to $STATE_FILE_PATH"
      return 0
    fi
    now_ms
    if ((NOW_MS >= deadline)); then
      log "Timed out after ${SAVE_TIMEOUT}s waiting for AgentAPI to save state, continuing"
      return 0
    fi
    sleep 0.1
  done
}

# terminate_agentapi PID: SIGTERM, wait (warning every 5 s), SIGKILL at the bound.
terminate_agentapi() {
  local pid="$1" started deadline next_warning
  still_agentapi "$pid" || return 0
  log "Sending SIGTERM to AgentAPI (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  now_ms
  started=$NOW_MS
  deadline=$((started + $(seconds_to_ms "$TERM_TIMEOUT")))
  next_warning=$((started + 5000))
  while process_alive "$pid"; do
    now_ms
    if ((NOW_MS >= deadline)); then
      log "AgentAPI (pid $pid) did not exit after ${TERM_TIMEOUT}s, sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      return 0
    fi
    if ((NOW_MS >= next_warning)); then
      log "Warning: AgentAPI (pid $pid) still running after $(((next_warning - started) / 1000))s"
      next_warning=$((next_warning + 5000))
    fi
    sleep 0.1
  done
  log "AgentAPI (pid $pid) exited"
}

main() {
  local pid="" rc
  log "Shutting down AgentAPI"

  # 1. Resolve the PID. Any rejection means no signal is ever sent.
  if [[ -n $PID_FILE_PATH ]]; then
    pid="$(read_agentapi_pid "$PID_FILE_PATH")" || pid=""
  else
    log "No PID file configured, not signalling AgentAPI"
  fi

  # 2. Save state (SIGUSR1) before anything can stop AgentAPI.
  if [[ -n $pid ]]; then
    if [[ $ENABLE_STATE_PERSISTENCE == true ]]; then
      save_agentapi_state "$pid"
    else
      log "State persistence disabled, skipping SIGUSR1"
    fi
  fi

  # 3. Snapshot. `||`, `&&` and `if` would silently turn off errexit inside
  # the subshell, so its status is collected with errexit off around it.
  if [[ $TASK_LOG_SNAPSHOT == true ]]; then
    set +e
    (
      set -e
      capture_task_log_snapshot
    )
    rc=$?
    set -e
    if ((rc != 0)); then
      log "Log snapshot capture failed, continuing shutdown"
    fi
  else
    log "Log snapshot disabled, skipping"
  fi

  # 4. Terminate.
  if [[ -n $pid ]]; then
    terminate_agentapi "$pid"
  fi

  log "Shutdown complete"
  exit 0
}

main "$@"
