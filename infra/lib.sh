# Shell helpers shared by the infra scripts. Source it from the repository root.

say() { printf '%s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Installs the Debian packages whose command is missing: "command:package" pairs.
# apt-get update runs at most once, and only when something is missing.
ensure_commands() {
  local pair missing=()
  for pair in "$@"; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
  done
  ((${#missing[@]})) || return 0
  [ "$(id -u)" -eq 0 ] || die "missing ${missing[*]}; install them or run as root"
  say "Installing ${missing[*]} ..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# The dev IdP's npm packages, pinned by its lock file, in the directory infra/idp/packages.mjs names: outside the
# repository, one per lock file. The "installed" mark is written only after npm ci succeeded, so an interrupted
# install counts as missing (the tests' dev IdP fixture checks the same mark).
ensure_idp_deps() {
  local dir
  dir=$(node infra/idp/packages.mjs) && return 0
  [ -n "$dir" ] || die "node could not run infra/idp/packages.mjs"
  say "Installing the dev IdP's packages into $dir (npm ci) ..."
  rm -rf "$dir"
  mkdir -p "$dir"
  cp infra/idp/package.json infra/idp/package-lock.json "$dir/"
  npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error
  touch "$dir/installed"
}

# True when something accepts TCP connections on 127.0.0.1:$1 (no ss/lsof needed).
port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# wait_http NAME URL PID LOG [SECONDS]: waits for a 2xx from URL while PID lives; on failure
# shows the end of LOG so the reason is on screen.
wait_http() {
  local name=$1 url=$2 pid=$3 log=$4 deadline=$((SECONDS + ${5:-60}))
  until curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 30 "$log" >&2 || true
      die "$name exited during start-up (log: $log)"
    fi
    if ((SECONDS >= deadline)); then
      tail -n 30 "$log" >&2 || true
      die "$name not ready at $url after ${5:-60}s (log: $log)"
    fi
    sleep 0.3
  done
}
