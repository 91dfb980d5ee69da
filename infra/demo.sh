#!/usr/bin/env bash
# The README's "start the whole demo" command: Redis, the dev IdP, the demo API and the gateway
# on 127.0.0.1, in the foreground until Ctrl-C. Installs what is missing on a fresh Debian machine.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=infra/lib.sh
source infra/lib.sh

REDIS_PORT=6380 IDP_PORT=5010 API_PORT=5020 GATEWAY_PORT=5080
RUN=infra/.run
mkdir -p "$RUN"

# Refuse early and by name rather than let one of four processes fail half-way.
for port in "$REDIS_PORT" "$IDP_PORT" "$API_PORT" "$GATEWAY_PORT"; do
  port_in_use "$port" && die "port $port on 127.0.0.1 is already in use (an earlier demo still running? stop it first)"
done

ensure_commands curl:curl redis-server:redis-server redis-cli:redis-tools
command -v node >/dev/null || die "node (20 or later) is required for the dev IdP"
command -v dotnet >/dev/null || die "the .NET 10 SDK is required"
ensure_idp_deps

say "Building (Release) ..."
dotnet build gateway/Bff.Host -c Release -nologo -v q
dotnet build infra/demo-api -c Release -nologo -v q

pids=()
stop_all() {
  trap - EXIT INT TERM
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -f "$RUN/redis.pid" ]; then
    local redis_pid deadline=$((SECONDS + 5))
    redis_pid=$(cat "$RUN/redis.pid")
    kill -TERM "$redis_pid" 2>/dev/null || true
    # Redis is a daemon, not our child: poll so that the port is free when this script returns.
    while kill -0 "$redis_pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
    rm -f "$RUN/redis.pid"
  fi
  say "Demo stopped."
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The port check above proved no Redis of ours is running, so a pid file left by a killed run is stale.
rm -f "$RUN/redis.pid"
# Sessions are throw-away in a demo, so Redis keeps nothing on disk.
redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes \
  --pidfile "$PWD/$RUN/redis.pid" --logfile "$PWD/$RUN/redis.log" --dir "$PWD/$RUN" \
  --save "" --appendonly no
deadline=$((SECONDS + 20))
until [ "$(redis-cli -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]; do
  ((SECONDS < deadline)) || die "Redis did not answer on 127.0.0.1:$REDIS_PORT (log: $RUN/redis.log)"
  sleep 0.2
done
say "Redis    127.0.0.1:$REDIS_PORT"

IDP_PORT=$IDP_PORT node infra/idp/server.mjs >"$RUN/idp.log" 2>&1 &
pids+=($!)
wait_http "dev IdP" "http://127.0.0.1:$IDP_PORT/.well-known/openid-configuration" "$!" "$RUN/idp.log"
say "IdP      http://127.0.0.1:$IDP_PORT"

DemoApi__Authority="http://127.0.0.1:$IDP_PORT" \
  dotnet infra/demo-api/bin/Release/net10.0/DemoApi.dll --urls "http://127.0.0.1:$API_PORT" >"$RUN/demo-api.log" 2>&1 &
pids+=($!)
wait_http "demo API" "http://127.0.0.1:$API_PORT/api/health" "$!" "$RUN/demo-api.log"
say "Demo API http://127.0.0.1:$API_PORT"

# The stock host (gateway/Bff.Host) with the demo SPA (infra/demo-spa) as its web root, on two origins: the
# customer SPA (the top-level client) on 127.0.0.1 and the admin console (Bff:Frontends:admin, its own client
# and cookie, and a route only it may call) on 127.0.0.2.
(
  export ASPNETCORE_ENVIRONMENT=Development
  export Bff__Authority="http://127.0.0.1:$IDP_PORT"
  export Bff__ClientId=bff
  export Bff__ClientSecret=bff-secret
  export Bff__RequireHttpsMetadata=false
  export Bff__PublicOrigin="http://127.0.0.1:$GATEWAY_PORT"
  export ConnectionStrings__Redis="127.0.0.1:$REDIS_PORT"
  export ReverseProxy__Routes__api__ClusterId=api
  export 'ReverseProxy__Routes__api__Match__Path=/api/{**catch-all}'
  export ReverseProxy__Clusters__api__Destinations__demo__Address="http://127.0.0.1:$API_PORT/"
  export Bff__Frontends__admin__Origin="http://127.0.0.2:$GATEWAY_PORT"
  export Bff__Frontends__admin__ClientId=bff-admin
  export Bff__Frontends__admin__ClientSecret=bff-admin-secret
  export ReverseProxy__Routes__adminapi__ClusterId=api
  export ReverseProxy__Routes__adminapi__Match__Path=/admin-api/me
  export ReverseProxy__Routes__adminapi__Transforms__0__PathSet=/api/me
  # A metadata key has a dot, which no shell variable name may have: env sets it.
  exec env 'ReverseProxy__Routes__adminapi__Metadata__Bff.Frontends=admin' \
    dotnet gateway/Bff.Host/bin/Release/net10.0/Bff.Host.dll --urls "http://127.0.0.1:$GATEWAY_PORT;http://127.0.0.2:$GATEWAY_PORT" \
    --webroot "$PWD/infra/demo-spa"
) >"$RUN/gateway.log" 2>&1 &
pids+=($!)
wait_http "gateway" "http://127.0.0.1:$GATEWAY_PORT/healthz" "$!" "$RUN/gateway.log"

cat <<EOF

  Bff demo is running: http://127.0.0.1:$GATEWAY_PORT
  Admin console (a second frontend of the same gateway): http://127.0.0.2:$GATEWAY_PORT/admin/

  Sign in as alice / alice or bob / bob.
  Logs: $RUN/{gateway,idp,demo-api,redis}.log
  Ctrl-C stops everything.

EOF

# Whichever process ends first ends the demo, so a crash is not hidden behind a live prompt.
set +e
wait -n "${pids[@]}"
status=$?
set -e
say "A demo process exited (status $status); stopping the rest. See $RUN/*.log"
exit "$status"
