#!/usr/bin/env bash
# Builds the initramfs of the test guest: busybox, the kernel modules for vivid
# (a real V4L2 capture driver), snd-aloop (a loopback sound card), 9p and
# overlayfs, and guest-init.sh as /init. Output: $1 (a gzip'd cpio).
set -euo pipefail
out=${1:?usage: build-initramfs.sh OUT.cpio.gz KERNEL_VERSION}
kver=${2:?usage: build-initramfs.sh OUT.cpio.gz KERNEL_VERSION}
here=$(cd "$(dirname "$0")" && pwd)
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

mkdir -p "$root"/{bin,dev,proc,sys,modules,host,out,newroot,overlay}
cp /bin/busybox "$root/bin/busybox"
cp "$here/guest-init.sh" "$root/init"
chmod +x "$root/init"
# Modules in load order (dependencies first), each once.
: > "$root/modules/order"
for m in virtio_pci 9pnet_virtio 9p overlay vivid snd-aloop; do
  modprobe --show-depends -S "$kver" "$m" | awk '$1 == "insmod" {print $2}' | while read -r ko; do
    name=$(basename "$ko")
    grep -qxF "$name" "$root/modules/order" && continue
    case "$ko" in
      *.xz) xz -dc "$ko" > "$root/modules/${name%.xz}"; name=${name%.xz} ;;
      *.zst) zstd -qdc "$ko" > "$root/modules/${name%.zst}"; name=${name%.zst} ;;
      *) cp "$ko" "$root/modules/$name" ;;
    esac
    echo "$name" >> "$root/modules/order"
  done
done
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$out"
