# shellcheck shell=bash
# Shared part of every lifecycle script: lifecycle_content.py inlines it at a template's COMMON
# placeholder line. JSON logging and the package-mirror configuration (user-level files only, so
# it also works without root or sudo). Empty mirror URLs mean: leave pip and conda untouched.
PIP_MIRROR_URL=@@PIP_INDEX_URL@@
CONDA_MIRROR_URL=@@CONDA_CHANNEL_URL@@
CONDA_CHANNEL_ALIAS=@@CONDA_CHANNEL_ALIAS@@
APP_LOG=${LCC_APP_LOG:-/var/log/apps/app_container.log}
MANAGED_MARKER="Managed by the Studio lifecycle configuration"

log() {
  # One JSON line on stdout (CloudWatch) and in the app log when that is writable.
  local level=$1 message=$2 line
  message=${message//\\/\\\\}
  message=${message//\"/\\\"}
  line=$(printf '{"time":"%s","level":"%s","source":"lifecycle-config","app":"%s","message":"%s"}' \
    "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$level" "${LCC_APP:-unknown}" "$message")
  printf '%s\n' "$line"
  if [ -w "$APP_LOG" ]; then printf '%s\n' "$line" >>"$APP_LOG" || true; fi
}

resolve_home() {
  # Kernel images run as any user: $HOME may be unset, "/" or read-only; try the passwd entry next.
  local candidate
  for candidate in "${HOME:-}" "$(getent passwd "$(id -u)" 2>/dev/null | cut -d: -f6 || true)"; do
    if [ -n "$candidate" ] && [ "$candidate" != / ] && [ -d "$candidate" ] && [ -w "$candidate" ]; then
      printf '%s\n' "$candidate"
      return 0
    fi
  done
  return 1
}

write_managed_file() {
  # Our file replaces the user's; an unmanaged original is kept once as <file>.before-mirror.
  local target=$1 content=$2
  mkdir -p "$(dirname "$target")"
  if [ -f "$target" ] && ! grep -qF "$MANAGED_MARKER" "$target" && [ ! -e "$target.before-mirror" ]; then
    cp -p "$target" "$target.before-mirror"
  fi
  printf '%s\n' "$content" >"$target.tmp.$$"
  mv -f "$target.tmp.$$" "$target"
}

configure_mirrors() {
  local home config_home
  if [ -z "$PIP_MIRROR_URL" ] && [ -z "$CONDA_MIRROR_URL" ]; then
    log INFO "no package mirror configured; pip and conda settings unchanged"
    return 0
  fi
  if ! home=$(resolve_home); then
    log WARNING "no writable home directory; package mirror not configured"
    return 0
  fi
  config_home=${XDG_CONFIG_HOME:-$home/.config}
  if [ -n "$PIP_MIRROR_URL" ]; then
    write_managed_file "$config_home/pip/pip.conf" "# $MANAGED_MARKER
[global]
index-url = $PIP_MIRROR_URL"
    log INFO "pip index: $PIP_MIRROR_URL ($config_home/pip/pip.conf)"
  fi
  if [ -n "$CONDA_MIRROR_URL" ]; then
    write_managed_file "$home/.condarc" "# $MANAGED_MARKER
channels:
  - \"$CONDA_MIRROR_URL\"
default_channels:
  - \"$CONDA_MIRROR_URL\"
channel_alias: \"$CONDA_CHANNEL_ALIAS\"
show_channel_urls: true"
    log INFO "conda channel: $CONDA_MIRROR_URL, channel_alias $CONDA_CHANNEL_ALIAS ($home/.condarc)"
  fi
}
