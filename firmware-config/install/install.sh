#!/usr/bin/env bash
# Installs fieldnode on a kit: Raspberry Pi OS bookworm, arm64 (docs/pi-kit.md §Install).
#
#   sudo ./install.sh --bundle DIR --config FILE [--time-zone ZONE] [--ssid NAME]
#        [--wifi-psk-file FILE | --open-wifi] [--wifi-country CC] [--address IP]
#        [--key-file FILE]... [--dry-run [--show]]
#
# DIR is an unpacked offline bundle (build-bundle.sh): node/ (the Node runtime), app/ (the
# program, its production node_modules and the built UI), firmware-config/. Nothing is
# downloaded. With --dry-run every action is printed and none is done: no file is written, no
# user made, no service touched; the checks still run and still fail the plan. --show prints
# the files a dry run would write, the Wi-Fi key masked. --key-file installs a key file (the
# kit's key, the mesh channel's key) into /etc/fieldnode, mode 0600, owned by the daemon's user.
#
# FIELDNODE_INSTALL_ROOT=DIR installs under DIR instead of / (for tests and image builds): every
# path written is under DIR, systemd-sysusers and systemd-tmpfiles get --root=DIR, the checks for
# root and for the Pi only warn, and owners are set only where the user exists. The commands that
# talk to a running system (systemctl, nmcli, timedatectl, runuser) still run: a test or an image
# builder puts stand-ins for them on PATH.
set -euo pipefail

ROOT="${FIELDNODE_INSTALL_ROOT:-}"
ROOT="${ROOT%/}"
PREFIX=/opt/fieldnode
CONF_DIR=/etc/fieldnode
NM_DIR=/etc/NetworkManager
BUNDLE=""
CONFIG=""
TIME_ZONE="Asia/Shanghai"
SSID="fieldnode"
PSK_FILE=""
OPEN_WIFI=0
WIFI_COUNTRY="CN"
ADDRESS="10.42.0.1"
IFACE="wlan0"
CHANNEL="6"
DRY_RUN=0
SHOW=0
KEY_FILES=()

usage() { sed -n '4,7p' "$0" | sed 's/^# \{0,3\}//'; }
die() { echo "install.sh: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
  case "$1" in
    --bundle) BUNDLE="${2:?--bundle needs a directory}"; shift 2 ;;
    --config) CONFIG="${2:?--config needs a file}"; shift 2 ;;
    --time-zone) TIME_ZONE="${2:?--time-zone needs an IANA zone, e.g. Asia/Shanghai}"; shift 2 ;;
    --ssid) SSID="${2:?--ssid needs a name}"; shift 2 ;;
    --wifi-psk-file) PSK_FILE="${2:?--wifi-psk-file needs a file}"; shift 2 ;;
    --open-wifi) OPEN_WIFI=1; shift ;;
    --wifi-country) WIFI_COUNTRY="${2:?--wifi-country needs an ISO 3166 code, e.g. CN}"; shift 2 ;;
    --address) ADDRESS="${2:?--address needs an IPv4 address}"; shift 2 ;;
    --interface) IFACE="${2:?--interface needs a Wi-Fi interface}"; shift 2 ;;
    --channel) CHANNEL="${2:?--channel needs a 2.4 GHz channel}"; shift 2 ;;
    --key-file) KEY_FILES+=("${2:?--key-file needs a file}"); shift 2 ;;
    --dry-run) DRY_RUN=1; shift ;;
    --show) SHOW=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option $1" ;;
  esac
done

# Every change goes through `run` (a command) or `put` (a file from text): printed, and done
# unless this is a dry run.
step() { echo "== $*"; }
run() {
  if [ "$DRY_RUN" = 1 ]; then echo "[dry-run] $*"; else "$@"; fi
}
# put MODE OWNER:GROUP PATH < text. PATH is as on the kit; it is written under $ROOT.
put() {
  local mode="$1" owner="$2" path="$3"
  local own=(-o "${owner%%:*}" -g "${owner##*:}")
  # Under a test or image root the daemon's user may not exist on this machine.
  if [ -n "$ROOT" ] && { [ "$(id -u)" != 0 ] || ! getent passwd "${owner%%:*}" >/dev/null \
      || ! getent group "${owner##*:}" >/dev/null; }; then own=(); fi
  if [ "$DRY_RUN" = 1 ]; then
    echo "[dry-run] write $path (mode $mode, $owner)"
    if [ "$SHOW" != 1 ]; then cat >/dev/null
    elif [[ "$path" == *.psk ]] || [ "$owner" = fieldnode:fieldnode ]; then cat >/dev/null; echo "    | ********"
    else sed -e 's/^psk=.*/psk=********/' -e 's/^/    | /'; fi
  else
    install -D -m "$mode" "${own[@]}" /dev/stdin "$ROOT$path"
  fi
}
warn() { echo "install.sh: warning: $*" >&2; }

# --- checks (they run in a dry run too) ----------------------------------------------------
step "checking the system and the bundle"
[ -n "$BUNDLE" ] || die "--bundle DIR is required: the unpacked offline bundle (build-bundle.sh)"
[ -n "$CONFIG" ] || die "--config FILE is required: this kit's configuration (firmware-config/kit.yaml is an example)"
[ -d "$BUNDLE" ] || die "no bundle at $BUNDLE: unpack fieldnode-bundle-*.tar.gz and name its directory"
[ -f "$CONFIG" ] || die "no configuration at $CONFIG"
[ "$DRY_RUN" = 1 ] || [ -n "$ROOT" ] || [ "$(id -u)" = 0 ] || die "run as root (sudo), or with --dry-run to see the plan"
if [ "$OPEN_WIFI" = 1 ] && [ -n "$PSK_FILE" ]; then die "--open-wifi and --wifi-psk-file contradict each other: choose one"; fi
[ "${#SSID}" -le 32 ] || die "the SSID '$SSID' is longer than 32 bytes"
case "$ADDRESS" in *[!0-9.]*|"") die "--address $ADDRESS is not an IPv4 address" ;; esac

. /etc/os-release 2>/dev/null || true
ARCH="$(uname -m)"
if [ "${VERSION_CODENAME:-}" != bookworm ] || [ "$ARCH" != aarch64 ]; then
  msg="this is ${PRETTY_NAME:-an unknown system} on $ARCH; the bundle is for Raspberry Pi OS bookworm on aarch64"
  if [ "$DRY_RUN" = 1 ] || [ -n "$ROOT" ]; then warn "$msg"; else die "$msg"; fi
fi
for f in node/bin/node app/package.json app/dist/node/src/cli/bin.js app/dist/ui/index.html \
         firmware-config/systemd/fieldnode.service; do
  [ -e "$BUNDLE/$f" ] || die "the bundle lacks $f: rebuild it with build-bundle.sh"
done
for d in app/node_modules/@serialport/bindings-cpp/prebuilds/linux-arm64 \
         app/node_modules/classic-level/prebuilds/linux-arm64; do
  [ -d "$BUNDLE/$d" ] || die "the bundle lacks $d: the serial port or the store would not load on the Pi"
done
if [ -n "$PSK_FILE" ]; then
  [ -f "$PSK_FILE" ] || die "no Wi-Fi key file at $PSK_FILE"
  PSK_LEN="$(tr -d '\n' <"$PSK_FILE" | wc -c)"
  [ "$PSK_LEN" -ge 8 ] && [ "$PSK_LEN" -le 63 ] || die "the Wi-Fi key in $PSK_FILE must be 8 to 63 characters (WPA2)"
fi
for k in "${KEY_FILES[@]}"; do
  [ -f "$k" ] || die "no key file at $k"
  case "$(basename "$k")" in fieldnode.yaml|wifi.psk) die "the key file $k would replace /etc/fieldnode/$(basename "$k"): rename it" ;; esac
done
[ -e "$ROOT/usr/share/zoneinfo/$TIME_ZONE" ] || die "unknown time zone $TIME_ZONE (see timedatectl list-timezones)"
FC="$BUNDLE/firmware-config"

# --- the user, the directories -------------------------------------------------------------
step "the fieldnode user and its directories (sysusers.d, tmpfiles.d)"
put 0644 root:root /usr/lib/sysusers.d/fieldnode.conf <"$FC/systemd/fieldnode.sysusers.conf"
run systemd-sysusers ${ROOT:+--root="$ROOT"} /usr/lib/sysusers.d/fieldnode.conf
put 0644 root:root /usr/lib/tmpfiles.d/fieldnode.conf <"$FC/systemd/fieldnode.tmpfiles.conf"
run systemd-tmpfiles ${ROOT:+--root="$ROOT"} --create /usr/lib/tmpfiles.d/fieldnode.conf

# --- the program and the configuration ---------------------------------------------------
step "the program under $PREFIX, the configuration in $CONF_DIR"
run rm -rf "$ROOT$PREFIX.new"
run mkdir -p "$ROOT$PREFIX.new"
run cp -a "$BUNDLE/node" "$BUNDLE/app" "$BUNDLE/firmware-config" "$ROOT$PREFIX.new/"
if [ -e "$ROOT$CONF_DIR/fieldnode.yaml" ]; then
  echo "keeping $CONF_DIR/fieldnode.yaml (remove it first to install $CONFIG)"
else
  put 0640 root:fieldnode "$CONF_DIR/fieldnode.yaml" <"$CONFIG"
fi
# Key files are read by the daemon's user alone: its loader refuses a key others can read.
for k in "${KEY_FILES[@]}"; do
  put 0600 fieldnode:fieldnode "$CONF_DIR/$(basename "$k")" <"$k"
done
# The file must load with the program about to be installed, before the old one is swapped out:
# the new tree's own loader reads it as the daemon's user. (Under a test root the paths the
# configuration names are the kit's, so a stand-in runuser decides what runs.)
CHECK="const { loadConfig } = await import(process.argv[1]);
try { await loadConfig(process.argv[2]); } catch (e) { console.error(e.message); process.exit(1); }"
if [ "$DRY_RUN" = 1 ]; then
  echo "[dry-run] check that $CONF_DIR/fieldnode.yaml loads, as the fieldnode user, with $PREFIX.new/app's loader"
else
  runuser -u fieldnode -- "$ROOT$PREFIX.new/node/bin/node" --input-type=module -e "$CHECK" \
    "$ROOT$PREFIX.new/app/dist/node/src/config/load.js" "$ROOT$CONF_DIR/fieldnode.yaml" \
    || die "the configuration does not load: fix $CONF_DIR/fieldnode.yaml and run install.sh again (the program in $PREFIX is unchanged)"
fi
# The old tree is swapped out whole, so a failed copy never leaves a half-installed program.
if [ -e "$ROOT$PREFIX" ]; then run rm -rf "$ROOT$PREFIX.old"; run mv "$ROOT$PREFIX" "$ROOT$PREFIX.old"; fi
run mv "$ROOT$PREFIX.new" "$ROOT$PREFIX"
put 0755 root:root /usr/local/bin/fieldnode <<EOT
#!/bin/sh
exec $PREFIX/node/bin/node $PREFIX/app/dist/node/src/cli/bin.js "\$@"
EOT

# --- the time zone -------------------------------------------------------------------------
step "the time zone for display: $TIME_ZONE (deadlines use county.time_zone either way)"
run timedatectl set-timezone "$TIME_ZONE"

# --- the Wi-Fi access point and the captive portal -----------------------------------------
step "the Wi-Fi access point '$SSID' on $IFACE at $ADDRESS"
if command -v raspi-config >/dev/null; then
  run raspi-config nonint do_wifi_country "$WIFI_COUNTRY"
else
  run iw reg set "$WIFI_COUNTRY"
fi
PSK=""
if [ "$OPEN_WIFI" = 1 ]; then
  warn "the access point will be OPEN (--open-wifi): anyone in range can join and reach the UI"
elif [ -n "$PSK_FILE" ]; then
  PSK="$(tr -d '\n' <"$PSK_FILE")"
  put 0600 root:root "$CONF_DIR/wifi.psk" <"$PSK_FILE"
elif [ -s "$ROOT$CONF_DIR/wifi.psk" ]; then
  echo "keeping the Wi-Fi key in $CONF_DIR/wifi.psk"
  PSK="$(tr -d '\n' <"$ROOT$CONF_DIR/wifi.psk")"
elif [ "$DRY_RUN" = 1 ]; then
  echo "[dry-run] generate a 16-character Wi-Fi key into $CONF_DIR/wifi.psk (mode 0600)"
  PSK="(generated)"
else
  # 16 characters without look-alikes (0/O, 1/l/I): read aloud and typed on a phone. A bounded
  # read, so no stage of the pipe is cut off by SIGPIPE (which pipefail would turn into a silent
  # exit); 1024 random bytes leave about 220 such characters.
  CHARS="$(head -c 1024 /dev/urandom | LC_ALL=C tr -dc 'A-HJ-NP-Za-km-z2-9')"
  PSK="${CHARS:0:16}"
  [ "${#PSK}" = 16 ] || die "could not generate a Wi-Fi key from /dev/urandom: give one with --wifi-psk-file"
  printf '%s\n' "$PSK" | put 0600 root:root "$CONF_DIR/wifi.psk"
  echo "generated the Wi-Fi key: it is in $CONF_DIR/wifi.psk"
fi
UUID="$(cat /proc/sys/kernel/random/uuid 2>/dev/null || echo 5c4c1c2e-6f0a-4b8e-9d1e-000000000000)"
# A value for the keyfile (GKeyFile escapes a backslash as \\), then for sed's replacement.
esc() { printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/[|&\\]/\\&/g'; }
render() {
  sed -e "s|@UUID@|$UUID|" -e "s|@IFACE@|$IFACE|" -e "s|@SSID@|$(esc "$SSID")|" -e "s|@CHANNEL@|$CHANNEL|" \
      -e "s|@ADDRESS@|$ADDRESS|" -e "s|@PSK@|$(esc "$PSK")|" "$1"
}
if [ "$OPEN_WIFI" = 1 ]; then
  # Without its [wifi-security] section the profile is an open network.
  render "$FC/network/fieldnode-ap.nmconnection.in" | sed '/^\[wifi-security\]/,/^$/d' \
    | put 0600 root:root "$NM_DIR/system-connections/fieldnode-ap.nmconnection"
else
  render "$FC/network/fieldnode-ap.nmconnection.in" \
    | put 0600 root:root "$NM_DIR/system-connections/fieldnode-ap.nmconnection"
fi
render "$FC/network/fieldnode-captive.dnsmasq.conf.in" \
  | put 0644 root:root "$NM_DIR/dnsmasq-shared.d/fieldnode-captive.conf"
run nmcli connection reload

# --- logs and the service ------------------------------------------------------------------
step "journald limits and the service"
put 0644 root:root /etc/systemd/journald.conf.d/fieldnode.conf <"$FC/systemd/journald-fieldnode.conf"
run systemctl restart systemd-journald
put 0644 root:root /etc/systemd/system/fieldnode.service <"$FC/systemd/fieldnode.service"
run systemctl daemon-reload
# Enabled, then restarted: `enable --now` leaves an upgraded kit running the old daemon.
run systemctl enable fieldnode.service
run systemctl restart fieldnode.service

# --- the access point, last ----------------------------------------------------------------
# Bringing it up takes wlan0 from any network it was a client of: an SSH session over Wi-Fi
# drops here, after everything else is in place.
step "the access point up"
case "${SSH_CONNECTION:-}" in
  "") ;;
  *) warn "bringing up the access point on $IFACE: an SSH session over $IFACE drops now (use Ethernet or the access point)" ;;
esac
run nmcli connection up fieldnode-ap

step "done$([ "$DRY_RUN" = 1 ] && echo ': nothing was changed (--dry-run)')"
echo "next: systemctl status fieldnode; journalctl -u fieldnode -f; fieldnode status"
