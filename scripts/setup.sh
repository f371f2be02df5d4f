#!/usr/bin/env bash
# Installs the system components AllyLink uses that npm cannot: Debian's nats-server (distributed
# transport), PostgreSQL (shared event store) and Chromium (browser tests). Idempotent: installs only
# what is missing, so it is cheap to run before every test run.
set -euo pipefail

need=()
command -v nats-server >/dev/null 2>&1 || need+=(nats-server)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v chromium >/dev/null 2>&1 || need+=(chromium fonts-noto-core)

if [ ${#need[@]} -eq 0 ]; then
  echo "setup: system packages present (nats-server, postgresql, chromium)"
  exit 0
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo_cmd=(sudo); else
    echo "setup: need root (or sudo) to install: ${need[*]}" >&2
    exit 1
  fi
fi
echo "setup: installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# Debian starts a system PostgreSQL cluster on install; AllyLink's tests start their own private
# cluster on a free port, so the system one is left as Debian configures it.
echo "setup: installed ${need[*]}"
