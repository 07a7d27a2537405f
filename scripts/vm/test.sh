#!/usr/bin/env bash
# `make test-vm`: the capture code on real kernel drivers, in a QEMU guest
# under software emulation (RECIPES.md): the vivid camera (with a disconnect
# and reconnect) and the snd-aloop sound card. The guest runs the host-built
# binary; Tests/PresenceServiceTests/VMCaptureTests.swift then checks what it
# recorded (PRESENCED_VM_OUT).
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
kernel=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -1)
[[ -n $kernel ]] || { echo "test-vm: no kernel in /boot (scripts/deps.sh vm installs linux-image-amd64)" >&2; exit 1; }
kver=${kernel#/boot/vmlinuz-}
vm=.build/vm
out=$vm/out
rm -rf "$out"
mkdir -p "$out"
scripts/vm/build-initramfs.sh "$vm/initramfs.cpio.gz" "$kver"
# Six seconds of a known 16 kHz mono signal for the loopback.
python3 -c '
import struct, sys
sys.stdout.buffer.write(b"".join(struct.pack("<h", (i * 7919) % 65536 - 32768) for i in range(96000)))' > "$out/input.raw"
start=$(date +%s)
timeout 600 qemu-system-x86_64 -accel tcg -m 1536 -smp 2 -nographic -no-reboot \
  -kernel "$kernel" -initrd "$vm/initramfs.cpio.gz" \
  -append "console=ttyS0 quiet panic=-1 presenced.test=$repo/scripts/vm/guest-test.sh" \
  -virtfs local,path=/,mount_tag=host,security_model=none,readonly=on \
  -virtfs local,path="$repo/$out",mount_tag=out,security_model=none > "$vm/console.log" 2>&1 || true
echo "test-vm: guest ran for $(( $(date +%s) - start )) s; its log: $out/guest.log" >&2
[[ -f $out/status ]] || { echo "test-vm: the guest did not finish; console:" >&2; tail -30 "$vm/console.log" >&2; exit 1; }
PRESENCED_VM_OUT="$repo/$out" ${SWIFT:-swift} test --skip-build --filter VMCaptureTests
