#!/usr/bin/env bash
# The README's test command: installs what the tests need on a fresh Debian machine, then runs every test.
# The test fixtures install nothing themselves: what they need is provisioned here, or they fail naming this script.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=infra/lib.sh
source infra/lib.sh

missing=()
command -v redis-server >/dev/null || missing+=(redis-server)
command -v chromium >/dev/null || missing+=(chromium)
# promtool (Debian's prometheus package) checks the shipped alert rules; PyYAML parses the compose file.
command -v promtool >/dev/null || missing+=(prometheus)
python3 -c 'import yaml' 2>/dev/null || missing+=(python3-yaml)
if ((${#missing[@]})); then
  echo "Installing ${missing[*]} ..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# The dev IdP's npm packages, installed outside the repository (infra/lib.sh).
ensure_idp_deps

# The shipped alert rules and scrape configuration: valid, and every alert fires on the series it is written for
# (gateway.tests/Integration/Telemetry/ObservabilityTests.cs checks those series against a real gateway's /metrics).
promtool check rules infra/observability/alerts.yml
promtool test rules infra/observability/alerts.test.yml
promtool check config --syntax-only infra/observability/prometheus.yml
python3 -c 'import sys, yaml; [yaml.safe_load(open(f)) for f in sys.argv[1:]]' infra/compose.yaml infra/observability/prometheus.yml \
  infra/observability/grafana/provisioning/datasources/prometheus.yml infra/observability/grafana/provisioning/dashboards/bff.yml
python3 -c 'import json, sys; json.load(open(sys.argv[1]))' infra/observability/grafana-dashboard.json

# The solution holds the gateway's host, the demo API and the OpenIddict IdP, which the tests start as processes of their own.
dotnet build Bff.sln -c Release -nologo -clp:ErrorsOnly
# The benchmark's tools are not tests, but the seeder builds against the library's internals: a change that breaks
# one of them fails here rather than on the next quiet-machine run.
for project in infra/bench/*/*.csproj; do dotnet build "$project" -c Release -nologo -clp:ErrorsOnly; done
# The library and its test kit are packages: a dependency or metadata that stops one packing fails the run here.
dotnet pack gateway/Bff/Bff.csproj -c Release --no-build -nologo -v q -o artifacts/packages
dotnet pack gateway/Bff.Testing/Bff.Testing.csproj -c Release --no-build -nologo -v q -o artifacts/packages
# A hung test would eat CI's whole budget: dump and fail it instead.
# Benchmarks have their own commands (infra/bench/); they are not tests.
dotnet test Bff.sln -c Release --no-build -nologo --blame-hang-timeout 5m --filter "Category!=Benchmark" "$@"
