#!/usr/bin/env bash
# Installs the Debian packages presenced needs to build and test, only those
# that are missing. Uses sudo when not root. Safe to run repeatedly.
#   scripts/deps.sh          build + run dependencies
#   scripts/deps.sh test     also the tools the test suite drives (prometheus, promtool, socat,
#                            systemd-socket-activate, mosquitto and its clients, chromium for the
#                            live page's browser test; systemd is
#                            installed, never booted; the tests start their own brokers on free ports)
#   scripts/deps.sh package  what `make deb` uses (dpkg-shlibdeps)
#   scripts/deps.sh systemd  the container of `make test-systemd` (debootstrap, systemd-nspawn)
#   scripts/deps.sh bench    the load generator of `make load-scrape` (wrk)
#   scripts/deps.sh vm       the QEMU guest of `make test-vm` (qemu, a kernel, busybox, ALSA and V4L2 tools)
set -euo pipefail

build_pkgs=(pkg-config libv4l-dev libasound2-dev libsystemd-dev libfftw3-dev libzstd-dev liblz4-dev zlib1g-dev)
test_pkgs=(prometheus socat protobuf-compiler libprotobuf-dev systemd mosquitto mosquitto-clients chromium)
bench_pkgs=(wrk)
package_pkgs=(dpkg-dev binutils)
systemd_pkgs=(debootstrap systemd-container)
vm_pkgs=(qemu-system-x86 linux-image-amd64 busybox-static alsa-utils v4l-utils kmod cpio)

want=("${build_pkgs[@]}")
if [[ "${1:-}" == "vm" ]]; then
  want=("${vm_pkgs[@]}")
elif [[ "${1:-}" == "package" ]]; then
  want=("${package_pkgs[@]}")
elif [[ "${1:-}" == "systemd" ]]; then
  want=("${systemd_pkgs[@]}")
elif [[ "${1:-}" == "bench" ]]; then
  want=("${bench_pkgs[@]}")
elif [[ "${1:-}" == "test" ]]; then
  want+=("${test_pkgs[@]}")
  # Debian's python3 needs python3-venv for the test virtualenv; other Pythons bring venv along.
  python3 -c 'import venv, ensurepip' 2>/dev/null || want+=(python3-venv)
fi

missing=()
for p in "${want[@]}"; do
  # dpkg-query prints "install ok installed" only for a package that is fully installed.
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

sudo=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# A fresh machine has empty package lists; refresh once when a package is unknown.
if ! $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
