#!/usr/bin/env bash
# Provision, start, reset and stop the real Synapse(s) used by tests and the demo.
#
# Synapse comes from Debian sid (matrix-synapse 1.160) installed into a debootstrap chroot that is
# cached under .cache/synapse/rootfs (outside git). NOTHING is mounted into the chroot: debootstrap's
# device nodes are enough and Synapse runs without /proc. Never bind-mount host paths in there: a later
# `rm -rf` of the cache would reach through the mount.
#
# Two instances:
#   main      http://127.0.0.1:8008  MSC3391 (account-data DELETE) + MSC3890 on
#   nodelete  http://127.0.0.1:8009  MSC3391 off (deletion falls back to PUT {})
# (ports: HS_MAIN_PORT, HS_NODELETE_PORT)
#
# Both sign in through an upstream OpenID provider ("Test IdP"): test-support/idp/server.ts, oidc-provider
# on the HOST (not in the chroot) at http://127.0.0.1:8010 (IDP_PORT), started before Synapse (which
# fetches its metadata at start-up) and stopped with the last Synapse. docs/decisions/010-test-identity-provider.md
#
# `main` registers an application service, `inspector-test` (users `@_inspector_.*:localhost:8008`), whose
# transaction receiver (src/receiver, on the HOST) listens at http://127.0.0.1:9010 (AS_RECEIVER_PORT). Its
# registration is generated once into .cache/synapse/appservice/ and copied into main's data dir; the receiver
# starts with main (fresh, so txnIds that restart with a new database are not taken for repeats) and stops
# with it. docs/decisions/012-appservice-receiver.md
#
# Usage: scripts/homeserver.sh up|down|reset|status|env|provision [main|nodelete ...]
# `up` prints the base URLs and registration shared secrets and writes them (and IDP_URL, and the test
# appservice's AS_TOKEN, HS_TOKEN, AS_REGISTRATION, AS_RECEIVER_URL) to .cache/homeserver.env.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${HS_CACHE_DIR:-$ROOT/.cache/synapse}"
ROOTFS="$CACHE/rootfs"
ENV_FILE="$ROOT/.cache/homeserver.env"
ALL_INSTANCES=(main nodelete)

log() { printf '[homeserver] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# Ports can be moved (HS_MAIN_PORT / HS_NODELETE_PORT) to run a second checkout beside this one; they
# are written into the instance's config on first start, so change them only with a fresh .cache.
port_of() {
  case "$1" in
    main) echo "${HS_MAIN_PORT:-8008}" ;;
    nodelete) echo "${HS_NODELETE_PORT:-8009}" ;;
    *) die "unknown instance '$1' (main|nodelete)" ;;
  esac
}
features_of() {
  case "$1" in
    main) echo '{"msc3391_enabled": true, "msc3890_enabled": true}' ;;
    nodelete) echo '{}' ;;
  esac
}
url_of() { echo "http://127.0.0.1:$(port_of "$1")"; }

IDP_PORT="${IDP_PORT:-8010}"
IDP_URL="http://127.0.0.1:$IDP_PORT"
# The IdP's signing key and the client secret it shares with Synapse (homeserver.yaml) live here.
IDP_STATE="$CACHE/idp"
# Origins Synapse sends the SSO loginToken to without its own confirmation page (sso.client_whitelist
# is a prefix match): the preview, `npm start` and dev-server e2e ports, on both loopback names.
app_origins() {
  local ports=(4173 5173 5174) out=() port host
  [ -n "${E2E_PORT:-}" ] && ports+=("$E2E_PORT")
  [ -n "${E2E_DEV_PORT:-}" ] && ports+=("$E2E_DEV_PORT")
  for port in $(printf '%s\n' "${ports[@]}" | sort -u); do
    for host in 127.0.0.1 localhost; do out+=("\"http://$host:$port/\""); done
  done
  (IFS=,; echo "[${out[*]}]")
}

# The test application service of `main` (docs/protocol.md §7). Its url and users namespace are written
# into the registration when it is first generated: move AS_RECEIVER_PORT / HS_MAIN_PORT only with a
# fresh .cache.
AS_RECEIVER_PORT="${AS_RECEIVER_PORT:-9010}"
AS_RECEIVER_URL="http://127.0.0.1:$AS_RECEIVER_PORT"
AS_ID=inspector-test
AS_REGISTRATION="$CACHE/appservice/$AS_ID.yaml"
# Where main's homeserver.yaml finds its copy, inside the chroot.
AS_REGISTRATION_IN_CHROOT="/data/main/appservice-$AS_ID.yaml"

need_root() { [ "$(id -u)" = 0 ] || die "must run as root (chroot needs it)"; }

apt_install_host() {
  # CI has no terminal; skip apt entirely when the tool is already there.
  local missing=()
  for pkg in "$@"; do command -v "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing on the host: ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

debian_mirror() {
  # Read the mirror from the host's apt config; never hard-code a host.
  local uri=""
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    uri=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
  fi
  if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
    uri=$(awk '$1=="deb" {print $2; exit}' /etc/apt/sources.list)
  fi
  [ -n "$uri" ] || die "cannot find a Debian mirror in /etc/apt"
  echo "$uri"
}

# Debian packages in the chroot. python3-authlib (a Suggests of matrix-synapse) is what Synapse's
# oidc_providers need. python3-cffi-backend must be named: debootstrap cannot resolve the virtual
# package it provides.
CHROOT_PACKAGES="python3-cffi-backend matrix-synapse python3-authlib"
# Bump when CHROOT_PACKAGES changes: an existing chroot is then upgraded in place (apt-get install),
# never rebuilt. The marker file holds the version (an empty marker is version 1).
PROVISION_VERSION=2

chroot_apt() {
  # The mirror's sid Release file is past its validity date, hence Check-Valid-Until=false.
  chroot "$ROOTFS" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
    sh -c "apt-get -o Acquire::Check-Valid-Until=false update -qq &&
           apt-get -o Acquire::Check-Valid-Until=false install -y -qq --no-install-recommends $CHROOT_PACKAGES" \
    >"$CACHE/apt.log" 2>&1 || { tail -20 "$CACHE/apt.log" >&2; die "installing $CHROOT_PACKAGES failed (log: $CACHE/apt.log)"; }
  chroot "$ROOTFS" apt-get clean >/dev/null 2>&1 || true
}

provision() {
  need_root
  local marker="$ROOTFS/.provisioned"
  if [ -f "$marker" ]; then
    [ "$(cat "$marker")" = "$PROVISION_VERSION" ] && return 0
    log "upgrading the chroot in place (provisioning version $PROVISION_VERSION): $CHROOT_PACKAGES"
    chroot_apt
    echo "$PROVISION_VERSION" >"$marker"
    return 0
  fi
  apt_install_host debootstrap
  local mirror; mirror=$(debian_mirror)
  log "provisioning Debian sid chroot with matrix-synapse (about two minutes) from $mirror"
  rm -rf "$ROOTFS"
  mkdir -p "$CACHE"
  debootstrap --variant=minbase sid "$ROOTFS" "$mirror" >"$CACHE/debootstrap.log" 2>&1 \
    || { tail -20 "$CACHE/debootstrap.log" >&2; die "debootstrap failed (log: $CACHE/debootstrap.log)"; }
  echo "deb $mirror sid main" >"$ROOTFS/etc/apt/sources.list"
  chroot_apt
  echo "$PROVISION_VERSION" >"$marker"
  log "chroot ready: $ROOTFS"
}

in_chroot() { chroot "$ROOTFS" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }

# Bump when the generated configuration changes: older data dirs are then rebuilt from scratch.
CONFIG_VERSION=4

# The server name carries the port (`localhost:8008`), so a user ID such as `@alice:localhost:8008`
# can be discovered for real: Synapse serves /.well-known/matrix/client (serve_client_wellknown)
# on that very address, pointing at public_baseurl.
server_name_of() { echo "localhost:$(port_of "$1")"; }

configure() {
  local name=$1 port features data
  port=$(port_of "$name"); features=$(features_of "$name"); data="/data/$name"
  if [ -f "$ROOTFS$data/homeserver.yaml" ] && [ "$(cat "$ROOTFS$data/.configured" 2>/dev/null)" = "$CONFIG_VERSION" ]; then
    return 0
  fi
  rm -rf "${ROOTFS:?}$data"
  mkdir -p "$ROOTFS$data"
  in_chroot sh -c "cd $data && python3 -m synapse.app.homeserver --server-name '$(server_name_of "$name")' \
      --config-path $data/homeserver.yaml --generate-config --report-stats=no" >/dev/null
  # Edit the generated YAML as data (it does not end in a newline, so appending text would corrupt
  # its last line). Test server only: open registration, no federation key servers, no rate limits.
  local oidc appservices='[]'
  oidc=$(printf '{"issuer": "%s", "secret": "%s", "whitelist": %s}' "$IDP_URL" "$(idp_client_secret)" "$(app_origins)")
  if [ "$name" = main ]; then appservices="[\"$AS_REGISTRATION_IN_CHROOT\"]"; fi
  in_chroot python3 - "$data/homeserver.yaml" "$port" "$features" "$oidc" "$appservices" <<'PY'
import json, secrets, sys, yaml
path, port, features, oidc = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3]), json.loads(sys.argv[4])
appservices = json.loads(sys.argv[5])
with open(path) as f:
    cfg = yaml.safe_load(f)
cfg["listeners"] = [{
    "port": port, "tls": False, "type": "http", "x_forwarded": False,
    "bind_addresses": ["127.0.0.1"],
    "resources": [{"names": ["client"], "compress": False}],
}]
cfg["public_baseurl"] = f"http://127.0.0.1:{port}/"
cfg["serve_client_wellknown"] = True
cfg["database"] = {"name": "sqlite3", "args": {"database": cfg["database"]["args"]["database"]}}
cfg["trusted_key_servers"] = []
cfg["suppress_key_server_warning"] = True
cfg["report_stats"] = False
cfg["enable_registration"] = True
cfg["enable_registration_without_verification"] = True
cfg["presence"] = {"enabled": False}
cfg["url_preview_enabled"] = False
cfg["experimental_features"] = features
# A hex secret: safe to hand around in env files and shell without quoting.
cfg["registration_shared_secret"] = secrets.token_hex(32)
lots = {"per_second": 10000, "burst_count": 100000}
for key in ["rc_message", "rc_registration", "rc_room_creation", "rc_joins_per_room", "rc_admin_redaction",
            "rc_3pid_validation", "rc_delayed_event_mgmt", "rc_reports", "rc_registration_token_validity",
            "rc_media_create", "rc_key_requests"]:
    cfg[key] = dict(lots)
cfg["rc_login"] = {"address": lots, "account": lots, "failed_attempts": lots}
cfg["rc_joins"] = {"local": lots, "remote": lots}
cfg["rc_invites"] = {"per_room": lots, "per_user": lots, "per_issuer": lots}
cfg["rc_presence"] = {"per_user": lots}
# SSO through the test IdP. The localpart template means no username picker: a new user is created
# on first sign-in. The app's origins are whitelisted, so Synapse redirects straight back with the
# loginToken instead of showing its "Continue to your account" confirmation page.
cfg["oidc_providers"] = [{
    "idp_id": "testidp", "idp_name": "Test IdP", "issuer": oidc["issuer"],
    "client_id": "synapse", "client_secret": oidc["secret"], "scopes": ["openid", "profile"],
    "user_mapping_provider": {"config": {
        "localpart_template": "{{ user.preferred_username }}",
        "display_name_template": "{{ user.name }}",
    }},
}]
cfg["sso"] = {"client_whitelist": oidc["whitelist"]}
# The test application service (main only): its registration is copied in by start_one.
if appservices:
    cfg["app_service_config_files"] = appservices
with open(path, "w") as f:
    yaml.safe_dump(cfg, f, sort_keys=False)
    f.write("\n")
PY
  # Quieter log: warnings only, to a file inside the data dir.
  for log_config in "$ROOTFS$data"/*.log.config; do
    sed -i 's/^\(\s*level:\s*\)INFO/\1WARNING/' "$log_config"
  done
  echo "$CONFIG_VERSION" >"$ROOTFS$data/.configured"
}

secret_of() {
  awk -F': ' '/^registration_shared_secret:/ {gsub(/["'\'']/, "", $2); print $2; exit}' "$ROOTFS/data/$1/homeserver.yaml"
}

idp_client_secret() {
  local file="$IDP_STATE/synapse-client-secret"
  if [ ! -s "$file" ]; then
    mkdir -p "$IDP_STATE"
    (umask 077; od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$file"; echo >>"$file")
  fi
  tr -d '\n' <"$file"
}

pidfile() { echo "$CACHE/$1.pid"; }
is_running() { local p; p=$(pidfile "$1"); [ -f "$p" ] && kill -0 "$(cat "$p")" 2>/dev/null; }

idp_redirect_uris() {
  local name out=()
  for name in "${ALL_INSTANCES[@]}"; do out+=("$(url_of "$name")/_synapse/client/oidc/callback"); done
  (IFS=,; echo "${out[*]}")
}

start_idp() {
  if is_running idp; then return 0; fi
  if curl -fsS --max-time 2 "$IDP_URL/.well-known/openid-configuration" >/dev/null 2>&1; then
    die "something else answers on $IDP_URL (another checkout's IdP? move this one with IDP_PORT)"
  fi
  [ -x "$ROOT/node_modules/.bin/tsx" ] || die "node_modules is missing: run npm ci first (the IdP is test-support/idp/server.ts)"
  idp_client_secret >/dev/null
  log "starting the test identity provider at $IDP_URL"
  # --import tsx in one node process (the tsx CLI would fork a child the pid file does not name).
  (
    cd "$ROOT"
    IDP_PORT="$IDP_PORT" IDP_STATE_DIR="$IDP_STATE" IDP_SYNAPSE_REDIRECT_URIS="$(idp_redirect_uris)" \
      setsid node --import tsx test-support/idp/server.ts >"$CACHE/idp.log" 2>&1 </dev/null &
    echo $! >"$(pidfile idp)"
  )
  local deadline=$((SECONDS + 30))
  while [ $SECONDS -lt $deadline ]; do
    if ! is_running idp; then
      tail -30 "$CACHE/idp.log" >&2 || true
      die "the identity provider exited during start-up (log: $CACHE/idp.log)"
    fi
    curl -fsS --max-time 2 "$IDP_URL/.well-known/openid-configuration" >/dev/null 2>&1 && return 0
    sleep 0.3
  done
  die "the identity provider did not answer at $IDP_URL within 30 s (log: $CACHE/idp.log)"
}

# The IdP outlives `down main`: it stops with the last Synapse.
stop_idp_if_unused() {
  local name
  for name in "${ALL_INSTANCES[@]}"; do is_running "$name" && return 0; done
  stop_one idp
}

# The test appservice's registration, generated once (fresh random tokens) by the receiver itself.
ensure_as_registration() {
  [ -s "$AS_REGISTRATION" ] && return 0
  [ -x "$ROOT/node_modules/.bin/tsx" ] || die "node_modules is missing: run npm ci first (the receiver is src/receiver)"
  mkdir -p "$(dirname "$AS_REGISTRATION")"
  log "generating the test appservice registration $AS_REGISTRATION"
  (cd "$ROOT" && node --import tsx src/receiver/main.ts --generate "$AS_REGISTRATION" --id "$AS_ID" \
      --url "$AS_RECEIVER_URL" --sender-localpart _inspector --server-name "$(server_name_of main)" >/dev/null) \
    || die "generating $AS_REGISTRATION failed"
}

as_field() { awk -v key="$1" -F': ' '$1 == key {gsub(/["'\'']/, "", $2); print $2; exit}' "$AS_REGISTRATION"; }

start_receiver() {
  if is_running receiver; then return 0; fi
  ensure_as_registration
  if curl -fsS --max-time 2 "$AS_RECEIVER_URL/health" >/dev/null 2>&1; then
    die "something else answers on $AS_RECEIVER_URL (another receiver? stop it, or move this one with AS_RECEIVER_PORT and a fresh .cache)"
  fi
  log "starting the appservice transaction receiver at $AS_RECEIVER_URL"
  # --import tsx in one node process, as for the IdP: the pid file names the receiver itself.
  (
    cd "$ROOT"
    setsid node --import tsx src/receiver/main.ts --registration "$AS_REGISTRATION" --port "$AS_RECEIVER_PORT" \
      >"$CACHE/receiver.log" 2>&1 </dev/null &
    echo $! >"$(pidfile receiver)"
  )
  local deadline=$((SECONDS + 30))
  while [ $SECONDS -lt $deadline ]; do
    if ! is_running receiver; then
      tail -30 "$CACHE/receiver.log" >&2 || true
      die "the transaction receiver exited during start-up (log: $CACHE/receiver.log)"
    fi
    curl -fsS --max-time 2 "$AS_RECEIVER_URL/health" >/dev/null 2>&1 && return 0
    sleep 0.3
  done
  die "the transaction receiver did not answer at $AS_RECEIVER_URL within 30 s (log: $CACHE/receiver.log)"
}

wait_ready() {
  local name=$1 url deadline body
  url=$(url_of "$name")
  deadline=$((SECONDS + 120))
  while [ $SECONDS -lt $deadline ]; do
    if ! is_running "$name"; then
      tail -30 "$CACHE/$name.log" >&2 || true
      die "$name exited during start-up (log: $CACHE/$name.log)"
    fi
    if body=$(curl -fsS --max-time 2 "$url/_matrix/client/versions" 2>/dev/null); then
      if [ "$name" = main ]; then
        if grep -q '"org.matrix.simplified_msc3575":true' <<<"$body" && grep -q '"org.matrix.msc3391":true' <<<"$body"; then return 0; fi
      else
        if grep -q '"org.matrix.simplified_msc3575":true' <<<"$body"; then return 0; fi
      fi
    fi
    sleep 0.5
  done
  die "$name did not become ready at $url within 120 s"
}

start_one() {
  local name=$1
  if is_running "$name"; then
    if [ "$(cat "$ROOTFS/data/$name/.configured" 2>/dev/null)" = "$CONFIG_VERSION" ]; then
      log "$name already running at $(url_of "$name")"
      if [ "$name" = main ]; then start_receiver; fi
      return 0
    fi
    log "$name runs an older configuration: restarting it"
    stop_one "$name"
  fi
  configure "$name"
  if [ "$name" = main ]; then
    install -m 0600 "$AS_REGISTRATION" "$ROOTFS$AS_REGISTRATION_IN_CHROOT"
    # A fresh receiver for a fresh start: a new database numbers transactions from 1 again.
    stop_one receiver
    start_receiver
  fi
  log "starting $name at $(url_of "$name")"
  # setsid: the server outlives this script; its pid is recorded for `down`.
  setsid chroot "$ROOTFS" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
    sh -c "cd /data/$name && exec python3 -m synapse.app.homeserver --config-path /data/$name/homeserver.yaml" \
    >"$CACHE/$name.log" 2>&1 </dev/null &
  echo $! >"$(pidfile "$name")"
}

stop_one() {
  local name=$1 p pid
  p=$(pidfile "$name")
  [ -f "$p" ] || return 0
  pid=$(cat "$p")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
    log "stopped $name"
  fi
  rm -f "$p"
}

write_env() {
  mkdir -p "$(dirname "$ENV_FILE")"
  {
    for name in "${ALL_INSTANCES[@]}"; do
      local upper; upper=$(echo "$name" | tr '[:lower:]' '[:upper:]')
      [ -f "$ROOTFS/data/$name/homeserver.yaml" ] || continue
      echo "HS_${upper}_URL=$(url_of "$name")"
      echo "HS_${upper}_SECRET=$(secret_of "$name")"
      echo "HS_${upper}_SERVER_NAME=$(server_name_of "$name")"
    done
    echo "IDP_URL=$IDP_URL"
    if [ -s "$AS_REGISTRATION" ]; then
      # Test-only tokens. HS_TOKEN is here because tests post synthetic transactions to the receiver as
      # a homeserver would; the app never needs it.
      echo "AS_TOKEN=$(as_field as_token)"
      echo "HS_TOKEN=$(as_field hs_token)"
      echo "AS_REGISTRATION=$AS_REGISTRATION"
      echo "AS_RECEIVER_URL=$AS_RECEIVER_URL"
    fi
  } >"$ENV_FILE"
}

print_env() {
  for name in "${ALL_INSTANCES[@]}"; do
    [ -f "$ROOTFS/data/$name/homeserver.yaml" ] || continue
    local state=stopped; is_running "$name" && state=running
    printf '%-9s %-24s %-8s shared secret: %s\n' "$name" "$(url_of "$name")" "$state" "$(secret_of "$name")"
  done
  local idp_state=stopped; is_running idp && idp_state=running
  printf '%-9s %-24s %-8s %s\n' idp "$IDP_URL" "$idp_state" "Test IdP: any username, password idp-password"
  local receiver_state=stopped; is_running receiver && receiver_state=running
  printf '%-9s %-24s %-8s %s\n' receiver "$AS_RECEIVER_URL" "$receiver_state" \
    "appservice $AS_ID of main (registration: $AS_REGISTRATION; log: $CACHE/receiver.log)"
}

cmd=${1:-status}; shift || true
instances=("$@"); [ ${#instances[@]} -eq 0 ] && instances=("${ALL_INSTANCES[@]}")

case "$cmd" in
  provision) provision ;;
  up)
    provision
    ensure_as_registration
    start_idp
    for n in "${instances[@]}"; do start_one "$n"; done
    for n in "${instances[@]}"; do wait_ready "$n"; done
    write_env; print_env ;;
  down)
    for n in "${instances[@]}"; do
      stop_one "$n"
      if [ "$n" = main ]; then stop_one receiver; fi
    done
    stop_idp_if_unused ;;
  reset)
    # Fresh database and media; config and signing key are kept.
    provision
    for n in "${instances[@]}"; do
      stop_one "$n"
      if [ "$n" = main ]; then stop_one receiver; fi
      rm -rf "$ROOTFS/data/$n/homeserver.db" "$ROOTFS/data/$n/homeserver.db-"* "$ROOTFS/data/$n/media_store"
    done
    # The IdP keeps its accounts (any username works) and state; it only has to be up for Synapse.
    ensure_as_registration
    start_idp
    for n in "${instances[@]}"; do start_one "$n"; done
    for n in "${instances[@]}"; do wait_ready "$n"; done
    write_env; print_env ;;
  status|env) print_env ;;
  *) die "usage: $0 up|down|reset|status|provision [main|nodelete ...]" ;;
esac
