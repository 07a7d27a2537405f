#!/usr/bin/env bash
# make test-systemd: the Debian package under a real systemd, booted in a systemd-nspawn container
# (RECIPES.md; never on the host). Installs, starts (READY), reads events with the demo
# configuration, stalls the pipeline and sees the watchdog restart it, stops cleanly, starts by
# socket activation, upgrades, removes and purges: scripts/nspawn/inside.sh, run as systemd.run=.
#   scripts/nspawn/test.sh PACKAGE.deb DEMO.mcap
# What the container printed is kept in .build/nspawn/last.log.
# The Debian rootfs (debootstrap, ~40 s) is cached in .build/nspawn/, keyed by what it includes.
set -euo pipefail
cd "$(dirname "$0")/../.."

deb=${1:?usage: scripts/nspawn/test.sh PACKAGE.deb DEMO.mcap}
demo=${2:?usage: scripts/nspawn/test.sh PACKAGE.deb DEMO.mcap}
scripts/deps.sh systemd

# The package's dependencies go into the rootfs: the container has no network of its own to fetch them.
depends=$(dpkg-deb -f "$deb" Depends | sed 's/([^)]*)//g; s/ //g')
# iproute2, mosquitto and its clients: the test's own tools (a second loopback address for the firewall
# check; a broker and a subscriber that must see no "vacant" across a restart and an upgrade).
include="systemd,dbus,iproute2,mosquitto,mosquitto-clients,$depends"
cache=.build/nspawn
rootfs="$cache/rootfs-$(echo "$include" | sha1sum | cut -c1-12)"
if [[ ! -x "$rootfs/usr/lib/systemd/systemd" ]]; then
  mirror=$(sed -n 's|^URIs: *\(http[^ ]*/debian\)$|\1|p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
  echo "test-systemd: debootstrap bookworm into $rootfs (once)" >&2
  rm -rf "$rootfs.tmp"
  mkdir -p "$cache"
  debootstrap --variant=minbase --include="$include" bookworm "$rootfs.tmp" "${mirror:-http://deb.debian.org/debian}" \
    > "$cache/debootstrap.log" 2>&1 || { tail -20 "$cache/debootstrap.log" >&2; exit 1; }
  mv "$rootfs.tmp" "$rootfs"
  # Roots made for other package dependencies are stale now (about 250 MB each).
  find "$cache" -maxdepth 1 -name 'rootfs-*' ! -name "$(basename "$rootfs")" -exec rm -rf {} +
fi

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
share="$stage/share" out="$stage/out"
mkdir -p "$share" "$out"
chmod 0755 "$stage" "$share"
# Two versions of the same package, for the upgrade.
version=$(dpkg-deb -f "$deb" Version)
for n in 1 2; do
  dpkg-deb -R "$deb" "$stage/unpacked"
  sed -i "s/^Version: .*/Version: $version+nspawn$n/" "$stage/unpacked/DEBIAN/control"
  dpkg-deb --root-owner-group -Zxz -z1 --build "$stage/unpacked" "$share/presenced_$version+nspawn${n}_$(dpkg-deb -f "$deb" Architecture).deb" >/dev/null
  rm -rf "$stage/unpacked"
done
install -m 0755 scripts/nspawn/inside.sh "$share/inside.sh"
install -m 0644 config/demo.toml "$share/demo.toml"

start=$(date +%s)
# `script` gives nspawn the terminal it wants; the container's own output is in $out/log.
timeout 600 script -qec "systemd-nspawn -q -D '$rootfs' --register=no --keep-unit --volatile=overlay --private-network \
  --bind-ro='$share':/opt/presenced --bind-ro='$(realpath "$demo")':/opt/demo.mcap --bind='$out':/opt/out \
  --console=pipe -b -- systemd.run=/opt/presenced/inside.sh \
  systemd.run_success_action=exit systemd.run_failure_action=exit" /dev/null > "$stage/console" 2>&1 || true
cp "$out/log" "$cache/last.log" 2>/dev/null || true
cat "$out/log" 2>/dev/null || { echo "test-systemd: the container wrote no log; its console:" >&2; cat "$stage/console" >&2; }
result=$(cat "$out/result" 2>/dev/null || echo "no verdict (the container did not finish)")
echo "test-systemd: $result in $(( $(date +%s) - start )) s"
[[ "$result" == PASS* ]]
