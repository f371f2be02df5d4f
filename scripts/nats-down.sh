#!/usr/bin/env bash
# Stops the NATS fabric started by scripts/nats-up.sh: each server in DIR (default .allylink/nats)
# gets SIGTERM (a clean shutdown that closes the JetStream store), then SIGKILL after 10 s if still
# running. Leaves first, hub last. --purge also deletes DIR (store, configs, credentials).
#
#   scripts/nats-down.sh [--dir DIR] [--purge]
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dir="$root/.allylink/nats"
purge=0
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir=$2; shift 2 ;;
    --purge) purge=1; shift ;;
    -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
    *) echo "nats-down: unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

stop() {
  local pidfile=$1 name pid
  name=$(basename "$pidfile" .pid)
  pid=$(cat "$pidfile" 2>/dev/null || true)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "nats-down: $name did not stop on SIGTERM; killing" >&2
      kill -KILL "$pid"
    fi
    echo "nats-down: stopped $name (pid $pid)"
  fi
  rm -f "$pidfile"
}

if [ -d "$dir" ]; then
  for f in "$dir"/leaf-*.pid; do [ -e "$f" ] && stop "$f"; done
  [ -e "$dir/hub.pid" ] && stop "$dir/hub.pid"
  if [ "$purge" = 1 ]; then rm -rf "$dir"; echo "nats-down: removed $dir"; fi
fi
exit 0
