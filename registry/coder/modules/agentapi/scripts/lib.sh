#!/bin/bash
# Shared helpers of the agentapi module scripts (module.md §5.1), sourced by
# main.sh, wait-for-start.sh and shutdown.sh from their own directory.
# It must never run anything when sourced, never `set -x` (ARG values and
# tokens must not reach logs) and never treat an unknown agentapi version as
# recent enough: SIGUSR1 kills agentapi builds older than v0.12.0.
set -euo pipefail

log() {
  printf '%s\n' "$*"
}

error() {
  printf 'Error: %s\n' "$*" >&2
}

# agentapi_version: the running agentapi binary's version as N.N.N (no
# leading v), or nothing when it is missing, fails, hangs past 5 s or prints
# anything that is not a plain release version. Always exits 0.
agentapi_version() {
  local out first_line version
  local -a fields=()
  out="$(timeout -k 1 5 agentapi --version </dev/null 2>/dev/null)" || return 0
  first_line="${out%%$'\n'*}"
  read -r -a fields <<<"$first_line" || true
  if ((${#fields[@]} == 0)); then
    return 0
  fi
  version="${fields[${#fields[@]} - 1]}"
  version="${version#v}"
  if [[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
    printf '%s\n' "$version"
  fi
  return 0
}

# _strip_leading_zeros N: prints N without leading zeros ("0" stays "0").
_strip_leading_zeros() {
  local n="$1"
  while [[ ${#n} -gt 1 && $n == 0* ]]; do
    n="${n#0}"
  done
  printf '%s' "$n"
}

# _compare_numbers A B: 0 if A > B, 1 if A < B, 2 if equal. Compares digit
# strings of any length, so huge components never overflow shell arithmetic.
_compare_numbers() {
  local a b
  a="$(_strip_leading_zeros "$1")"
  b="$(_strip_leading_zeros "$2")"
  if ((${#a} != ${#b})); then
    ((${#a} > ${#b})) && return 0
    return 1
  fi
  [[ $a == "$b" ]] && return 2
  [[ $a > $b ]] && return 0
  return 1
}

# version_at_least MIN ACTUAL: 0 if ACTUAL >= MIN, 1 if lower, 2 if either is
# not N.N.N (after stripping a leading v). Unknown is never "at least".
version_at_least() {
  local min="${1-}" actual="${2-}"
  local re='^([0-9]+)\.([0-9]+)\.([0-9]+)$'
  local -a want have
  min="${min#v}"
  actual="${actual#v}"
  [[ $min =~ $re ]] || return 2
  want=("${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}" "${BASH_REMATCH[3]}")
  [[ $actual =~ $re ]] || return 2
  have=("${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}" "${BASH_REMATCH[3]}")
  local i rc
  for i in 0 1 2; do
    rc=0
    _compare_numbers "${have[i]}" "${want[i]}" || rc=$?
    case $rc in
      0) return 0 ;;
      1) return 1 ;;
    esac
  done
  return 0
}

# process_alive PID: the process exists (kill -0) and is not a zombie, so a
# process that already exited but was not reaped yet counts as gone.
process_alive() {
  local pid="$1" stat rest
  kill -0 "$pid" 2>/dev/null || return 1
  if [[ -r /proc/$pid/stat ]]; then
    { stat="$(<"/proc/$pid/stat")"; } 2>/dev/null || return 0
    rest="${stat##*) }"
    [[ ${rest%% *} == Z ]] && return 1
  fi
  return 0
}

# _is_agentapi_name WORD: WORD's basename is `agentapi` or starts with
# `agentapi.` (agentapi.js, agentapi.exe, ...).
_is_agentapi_name() {
  local base="${1##*/}"
  [[ $base == agentapi || $base == agentapi.* ]]
}

# is_agentapi_process PID: one of the first three NUL-separated entries of
# /proc/PID/cmdline names agentapi (without /proc: a word of `ps -o args=`).
is_agentapi_process() {
  local pid="$1" arg args count=0
  local -a words=()
  if [[ -d /proc/$pid ]]; then
    [[ -r /proc/$pid/cmdline ]] || return 1
    while ((count < 3)) && IFS= read -r -d '' arg; do
      _is_agentapi_name "$arg" && return 0
      count=$((count + 1))
    done <"/proc/$pid/cmdline"
    return 1
  fi
  args="$(ps -o args= -p "$pid" 2>/dev/null)" || return 1
  read -r -a words <<<"$args" || true
  for arg in "${words[@]}"; do
    _is_agentapi_name "$arg" && return 0
  done
  return 1
}

# read_agentapi_pid FILE: prints the PID written by AgentAPI (--pid-file) only
# if the file holds a positive integer of a live AgentAPI process. Every
# rejection logs its reason on stderr (stdout carries only the PID) and
# returns 1, so callers can never signal a stale or reused PID.
read_agentapi_pid() {
  local file="${1-}" content=""
  if [[ -z $file || ! -e $file ]]; then
    log "No PID file at $file" >&2
    return 1
  fi
  { content="$(<"$file")"; } 2>/dev/null || content=""
  content="${content#"${content%%[![:space:]]*}"}"
  content="${content%"${content##*[![:space:]]}"}"
  if [[ ! $content =~ ^[1-9][0-9]*$ ]] || ((${#content} > 10)); then
    log "Invalid PID file content in $file, ignoring" >&2
    return 1
  fi
  if ! process_alive "$content"; then
    log "AgentAPI (pid $content) is not running" >&2
    return 1
  fi
  if ! is_agentapi_process "$content"; then
    log "Process $content is not agentapi, not signalling it" >&2
    return 1
  fi
  printf '%s\n' "$content"
}

# file_fingerprint PATH: "<inode> <mtime with nanoseconds> <size>", or
# "missing". An atomic rename (agentapi.md §7.4.3) always changes it.
file_fingerprint() {
  stat -c '%i %y %s' -- "$1" 2>/dev/null || printf 'missing\n'
}

# now_ms: sets NOW_MS to the current time in milliseconds (no subprocess on
# bash >= 5, where EPOCHREALTIME exists). NOW_MS is read by the sourcing script.
# shellcheck disable=SC2034
now_ms() {
  local t="${EPOCHREALTIME:-}"
  if [[ -n $t ]]; then
    t="${t//[!0-9]/}"
    NOW_MS=$((10#$t / 1000))
  else
    NOW_MS=$(($(date +%s) * 1000))
  fi
}

# seconds_to_ms VALUE: prints VALUE (seconds, e.g. 10 or 0.5) in milliseconds,
# or nothing (exit 1) when VALUE is not a non-negative decimal number.
seconds_to_ms() {
  local value="${1-}" whole frac
  [[ $value =~ ^([0-9]+)(\.([0-9]+))?$ ]] || return 1
  whole="${BASH_REMATCH[1]}"
  frac="${BASH_REMATCH[3]}000"
  printf '%s\n' "$((10#$whole * 1000 + 10#${frac:0:3}))"
}
