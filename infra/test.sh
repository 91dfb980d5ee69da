#!/usr/bin/env bash
# The README's test command: installs what the tests need on a fresh Debian machine, then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v redis-server >/dev/null || missing+=(redis-server)
command -v chromium >/dev/null || missing+=(chromium)
if ((${#missing[@]})); then
  echo "Installing ${missing[*]} ..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# The dev IdP's dependencies, pinned by its lock file.
if [ ! -d infra/idp/node_modules ] || [ infra/idp/package-lock.json -nt infra/idp/node_modules ]; then
  npm ci --prefix infra/idp --no-audit --no-fund
fi

dotnet build Bff.sln -c Release -nologo -clp:ErrorsOnly
# A hung test would eat CI's whole budget: dump and fail it instead.
# Benchmarks have their own commands (infra/bench/); they are not tests.
dotnet test Bff.sln -c Release --no-build -nologo --blame-hang-timeout 5m --filter "Category!=Benchmark" "$@"
