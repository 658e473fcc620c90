#!/bin/bash
# JupyterLab lifecycle configuration (runs as sagemaker-user at app start): points pip and conda at
# the team's package mirror when one is configured, then starts the idle checker in the background
# (setsid + nohup: cron is missing from some images). Nothing is downloaded.
set -euo pipefail
# shellcheck disable=SC2034 # read by log() in the inlined common part
LCC_APP=JupyterLab
IDLE_TIMEOUT_MINUTES=@@IDLE_TIMEOUT_MINUTES@@
# @@COMMON@@

find_python() {
  # boto3 ships in the SageMaker Distribution's conda environment.
  local candidate
  for candidate in "${IDLE_CHECKER_PYTHON:-}" /opt/conda/bin/python3 "$(command -v python3 || true)"; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then
      printf '%s\n' "$candidate"
      return 0
    fi
  done
  return 1
}

start_idle_checker() {
  local home dir python launcher checker_log
  if ! python=$(find_python); then
    log ERROR "no python3 found; idle shutdown not started"
    return 0
  fi
  home=$(resolve_home) || home=/tmp
  dir="$home/.idle-shutdown"
  mkdir -p "$dir"
  # lifecycle_scripts/idle_shutdown.py, bzip2 + base64 so the script stays within 16 KB of base64.
  base64 -d <<'IDLE_CHECKER_SOURCE' | "$python" -c 'import bz2, sys; sys.stdout.buffer.write(bz2.decompress(sys.stdin.buffer.read()))' >"$dir/idle_shutdown.py"
@@IDLE_CHECKER_BZ2_BASE64@@
IDLE_CHECKER_SOURCE
  checker_log=$APP_LOG
  if [ ! -w "$checker_log" ]; then checker_log="$dir/idle-shutdown.log"; fi
  launcher=${IDLE_CHECKER_LAUNCHER:-$python}
  # The state lives in /tmp, which belongs to this app container: a new app starts afresh.
  if command -v setsid >/dev/null 2>&1; then
    nohup setsid "$launcher" "$dir/idle_shutdown.py" --idle-timeout-minutes "$IDLE_TIMEOUT_MINUTES" \
      --state-dir /tmp/idle-shutdown >>"$checker_log" 2>&1 </dev/null &
  else
    nohup "$launcher" "$dir/idle_shutdown.py" --idle-timeout-minutes "$IDLE_TIMEOUT_MINUTES" \
      --state-dir /tmp/idle-shutdown >>"$checker_log" 2>&1 </dev/null &
  fi
  log INFO "idle checker started (pid $!, timeout $IDLE_TIMEOUT_MINUTES minutes, log $checker_log)"
}

configure_mirrors
start_idle_checker
