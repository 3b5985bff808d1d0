#!/bin/bash
# Start path of the agentapi module (module.md §5.2): runs the install steps,
# makes sure `agentapi` is on PATH, starts the consumer's start script under
# nohup with AgentAPI's PID file (and state persistence when the binary
# supports it) configured through AGENTAPI_* variables, then waits for it.
# It must never `set -x`, never find AgentAPI through `$!` (AgentAPI writes
# its own PID file) and never let a failing install step pass (pipefail).
set -euo pipefail

# shellcheck source=./lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

MODULE_DIR_NAME="$ARG_MODULE_DIR_NAME"
WORKDIR="${ARG_WORKDIR:-/home/coder}"
PRE_INSTALL_SCRIPT="${ARG_PRE_INSTALL_SCRIPT:-}"
INSTALL_SCRIPT="${ARG_INSTALL_SCRIPT:-}"
POST_INSTALL_SCRIPT="${ARG_POST_INSTALL_SCRIPT:-}"
START_SCRIPT="$ARG_START_SCRIPT"
INSTALL_AGENTAPI="${ARG_INSTALL_AGENTAPI:-true}"
AGENTAPI_VERSION="${ARG_AGENTAPI_VERSION:-v0.12.1}"
AGENTAPI_PORT="${ARG_AGENTAPI_PORT:-3284}"
CHAT_BASE_PATH="${ARG_AGENTAPI_CHAT_BASE_PATH:-}"
TASK_ID="${ARG_TASK_ID:-}"
TASK_LOG_SNAPSHOT="${ARG_TASK_LOG_SNAPSHOT:-true}"
ENABLE_STATE_PERSISTENCE="${ARG_ENABLE_STATE_PERSISTENCE:-true}"
# Empty paths fall back to files in the module directory, the same fallback
# shutdown.sh uses, so both scripts always agree on where the files are.
STATE_FILE_PATH="${ARG_STATE_FILE_PATH:-}"
PID_FILE_PATH="${ARG_PID_FILE_PATH:-}"

# Absolute: the script changes into WORKDIR before it runs wait-for-start.sh.
scripts_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
module_path="$HOME/$MODULE_DIR_NAME"
mkdir -p "$module_path/scripts"

if [[ $TASK_LOG_SNAPSHOT == true && -n $TASK_ID ]] && ! command -v jq >/dev/null 2>&1; then
  log "Warning: jq is not installed; task log snapshots will be skipped on shutdown."
fi

if [[ ! -d $WORKDIR ]]; then
  log "Warning: the folder '$WORKDIR' does not exist, creating it."
  mkdir -p "$WORKDIR"
fi

# run_install_step NAME CONTENT: writes CONTENT to $module_path/NAME.sh and
# runs it with its output teed to NAME.log; its failure fails main.sh.
run_install_step() {
  local name="$1" content="$2" rc=0
  [[ -n $content ]] || return 0
  log "Running $name script..."
  printf '%s' "$content" >"$module_path/$name.sh"
  chmod +x "$module_path/$name.sh"
  "$module_path/$name.sh" 2>&1 | tee "$module_path/$name.log" || rc=$?
  if ((rc != 0)); then
    error "$name script failed with exit code $rc"
    exit "$rc"
  fi
}

run_install_step pre_install "$PRE_INSTALL_SCRIPT"
run_install_step install "$INSTALL_SCRIPT"
run_install_step post_install "$POST_INSTALL_SCRIPT"

if [[ $INSTALL_AGENTAPI == true ]]; then
  log "Installing AgentAPI $AGENTAPI_VERSION..."
  arch="$(uname -m)"
  case $arch in
    x86_64) binary_name=agentapi-linux-amd64 ;;
    aarch64) binary_name=agentapi-linux-arm64 ;;
    *)
      error "Unsupported architecture: $arch"
      exit 1
      ;;
  esac
  if [[ $AGENTAPI_VERSION == latest ]]; then
    download_url="https://github.com/coder/agentapi/releases/latest/download/$binary_name"
  else
    download_url="https://github.com/coder/agentapi/releases/download/$AGENTAPI_VERSION/$binary_name"
  fi
  download="$(mktemp "${TMPDIR:-/tmp}/agentapi-download.XXXXXX")"
  curl --fail --silent --show-error --location --retry 5 --retry-delay 5 --retry-all-errors \
    --output "$download" "$download_url"
  chmod 0755 "$download"
  if [[ $(id -u) == 0 ]]; then
    mv "$download" /usr/local/bin/agentapi
  else
    sudo mv "$download" /usr/local/bin/agentapi
  fi
fi

if ! command -v agentapi >/dev/null 2>&1; then
  error "agentapi is not installed or not on PATH."
  exit 1
fi

start_script_path="$module_path/scripts/agentapi-start.sh"
printf '%s' "$START_SCRIPT" >"$start_script_path"
chmod 0700 "$start_script_path"

# (bash warns when that locale is not installed; AgentAPI does not need it.)
export LANG=en_US.UTF-8 LC_ALL=en_US.UTF-8 2>/dev/null
cd "$WORKDIR"
# Host checks are the proxy's job (Coder or the taskyard server).
export AGENTAPI_ALLOWED_HOSTS="*"
if [[ -n $CHAT_BASE_PATH ]]; then
  export AGENTAPI_CHAT_BASE_PATH="$CHAT_BASE_PATH"
fi

# AgentAPI writes its own PID file; shutdown.sh signals only the PID in it.
export AGENTAPI_PID_FILE="${PID_FILE_PATH:-$module_path/agentapi.pid}"

state_persistence=false
if [[ $ENABLE_STATE_PERSISTENCE == true ]]; then
  version="$(agentapi_version)"
  version_rc=0
  version_at_least 0.12.0 "$version" || version_rc=$?
  case $version_rc in
    0)
      export AGENTAPI_STATE_FILE="${STATE_FILE_PATH:-$module_path/agentapi-state.json}"
      export AGENTAPI_SAVE_STATE=true AGENTAPI_LOAD_STATE=true
      state_persistence=true
      log "State persistence enabled (state file: $AGENTAPI_STATE_FILE)"
      ;;
    1) log "Warning: state persistence requires agentapi >= v0.12.0 (current: $version), skipping." ;;
    *) log "Warning: unable to determine agentapi version, state persistence disabled." ;;
  esac
fi
if [[ $state_persistence != true ]]; then
  unset AGENTAPI_STATE_FILE AGENTAPI_SAVE_STATE AGENTAPI_LOAD_STATE
fi

nohup "$start_script_path" true "$AGENTAPI_PORT" </dev/null >"$module_path/agentapi-start.log" 2>&1 &

"$scripts_dir/wait-for-start.sh" "$AGENTAPI_PORT"
