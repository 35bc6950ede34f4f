#!/usr/bin/env bash
# Starts a real S3 for the tests: a one-node Ceph (one monitor, one memstore OSD) and a RADOS Gateway, all on
# 127.0.0.1, in $TAKEAWAY_RGW_DIR (default /tmp/takeaway-rgw), with an S3 user of known keys and one bucket.
# Installs Debian's ceph-mon, ceph-osd and radosgw first when missing (as root; no systemd needed).
# Prints the path of an env file (TAKEAWAY_TEST_S3_ENDPOINT, _BUCKET, _REGION, _ACCESS_KEY_ID, _SECRET_ACCESS_KEY)
# on stdout; everything else goes to stderr. Idempotent: when the gateway in that directory still answers, it is
# reused; otherwise what is left of an earlier run is stopped and removed and the cluster is made afresh.
# `bash scripts/start-rgw.sh --stop` stops it and removes the directory.
set -euo pipefail

dir="${TAKEAWAY_RGW_DIR:-/tmp/takeaway-rgw}"
# The directory is removed on --stop and on a fresh start: refuse anything that is not a dedicated one.
case "$dir" in
  /|/tmp|/tmp/|"$HOME"|"") echo "start-rgw: TAKEAWAY_RGW_DIR=$dir is not a directory of its own" >&2; exit 1 ;;
esac
envfile="$dir/env"
started=$SECONDS
log() { echo "start-rgw: $*" >&2; }

stop_all() {
  local pidfile pid
  for pidfile in "$dir"/run/*.pid; do
    [[ -f "$pidfile" ]] || continue
    pid="$(cat "$pidfile")"
    kill "$pid" 2>/dev/null || true
  done
  for _ in $(seq 1 50); do
    local alive=0
    for pidfile in "$dir"/run/*.pid; do
      [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null && alive=1
    done
    ((alive)) || break
    sleep 0.2
  done
  for pidfile in "$dir"/run/*.pid; do
    [[ -f "$pidfile" ]] && kill -9 "$(cat "$pidfile")" 2>/dev/null || true
  done
  rm -rf "$dir"
}

if [[ "${1:-}" == "--stop" ]]; then
  stop_all
  exit 0
fi

# Reuse a gateway that still answers (an anonymous GET / is a 200 ListAllMyBuckets for RGW).
if [[ -f "$envfile" ]] && command -v curl >/dev/null; then
  # shellcheck disable=SC1090
  endpoint="$(. "$envfile"; echo "$TAKEAWAY_TEST_S3_ENDPOINT")"
  if curl -fsS -o /dev/null --max-time 3 "$endpoint/"; then
    log "reusing the gateway at $endpoint"
    echo "$envfile"
    exit 0
  fi
  log "the gateway of an earlier run does not answer; starting afresh"
fi
stop_all

if ! command -v radosgw >/dev/null || ! command -v ceph-osd >/dev/null || ! command -v ceph-mon >/dev/null || ! command -v curl >/dev/null; then
  log "installing ceph-mon ceph-osd radosgw curl"
  if [[ $EUID -ne 0 ]]; then
    log "apt-get needs root; install ceph-mon ceph-osd radosgw curl (Debian 12) and run this again"
    exit 1
  fi
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ceph-mon ceph-osd radosgw curl >&2
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
mon_port="$(free_port)"
rgw_port="$(free_port)"
mkdir -p "$dir"/{run,log,mon,osd0,rgw}
conf="$dir/ceph.conf"
fsid="$(cat /proc/sys/kernel/random/uuid)"

# auth none: the cluster is reachable from 127.0.0.1 only and lives for one test run; S3 requests are still
# SigV4-checked by the gateway against the user's keys. OSD ports come from a range well above common ones.
cat >"$conf" <<EOF
[global]
fsid = $fsid
mon host = v2:127.0.0.1:$mon_port
public addr = 127.0.0.1
public network = 127.0.0.1/32
ms bind msgr1 = false
ms bind port min = 46800
ms bind port max = 47300
auth cluster required = none
auth service required = none
auth client required = none
# radosgw asks for a secure mon connection by default, which auth none cannot give.
ms mon client mode = crc
ms client mode = crc
run dir = $dir/run
pid file = $dir/run/\$name.pid
admin socket = $dir/run/\$name.asok
log file = $dir/log/\$name.log
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
mon allow pool size one = true
mon allow pool delete = true
mon max pg per osd = 1000
mon warn on pool no redundancy = false
osd crush chooseleaf type = 0
[mon.a]
mon data = $dir/mon
[osd.0]
osd data = $dir/osd0
osd objectstore = memstore
memstore device bytes = 2147483648
osd max object size = 134217728
[client.rgw]
rgw frontends = beast endpoint=127.0.0.1:$rgw_port
rgw data = $dir/rgw
rgw dns name = 127.0.0.1
rgw thread pool size = 64
EOF

ceph_() { timeout 30 ceph -c "$conf" --connect-timeout 20 "$@"; }

log "monitor on 127.0.0.1:$mon_port"
monmaptool --create --clobber --fsid "$fsid" --addv a "[v2:127.0.0.1:$mon_port]" "$dir/monmap" >&2
ceph-authtool --create-keyring "$dir/mon.keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
ceph-mon -c "$conf" --mkfs -i a --monmap "$dir/monmap" --keyring "$dir/mon.keyring" 2>>"$dir/log/mkfs.log"
timeout 60 ceph-mon -c "$conf" -i a

log "memstore OSD"
osd_uuid="$(cat /proc/sys/kernel/random/uuid)"
osd_id="$(timeout 60 ceph -c "$conf" --connect-timeout 20 osd new "$osd_uuid")"
[[ "$osd_id" == 0 ]] || { log "expected OSD id 0, got $osd_id"; exit 1; }
ceph-osd -c "$conf" -i 0 --mkfs --osd-uuid "$osd_uuid" 2>>"$dir/log/mkfs.log"
timeout 60 ceph-osd -c "$conf" -i 0
for _ in $(seq 1 120); do
  timeout 10 ceph -c "$conf" --connect-timeout 5 osd dump 2>/dev/null | grep -q '^osd.0 up' && break
  sleep 0.5
done
ceph_ osd dump | grep -q '^osd.0 up' || { log "osd.0 did not come up; see $dir/log/osd.0.log"; exit 1; }

log "RADOS Gateway on 127.0.0.1:$rgw_port"
timeout 60 radosgw -c "$conf" -n client.rgw
for _ in $(seq 1 240); do
  curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$rgw_port/" 2>/dev/null && break
  sleep 0.5
done
curl -fsS -o /dev/null --max-time 5 "http://127.0.0.1:$rgw_port/" || { log "radosgw does not answer; see $dir/log/client.rgw.log"; exit 1; }

access_key="TAKEAWAYTESTACCESSKEY"
secret_key="takeaway-test-secret-key-for-127-0-0-1-only"
timeout 60 radosgw-admin -c "$conf" user create --uid=takeaway-test --display-name="Takeaway tests" \
  --access-key="$access_key" --secret-key="$secret_key" >/dev/null

cat >"$envfile.tmp" <<EOF
TAKEAWAY_TEST_S3_ENDPOINT=http://127.0.0.1:$rgw_port
TAKEAWAY_TEST_S3_REGION=us-east-1
TAKEAWAY_TEST_S3_ACCESS_KEY_ID=$access_key
TAKEAWAY_TEST_S3_SECRET_ACCESS_KEY=$secret_key
EOF
mv "$envfile.tmp" "$envfile"
log "ready in $((SECONDS - started)) s (env: $envfile)"
echo "$envfile"
