#!/bin/sh
# Runs inside the test guest (as root, in the host's userland; see guest-init.sh):
# records the vivid camera and the snd-aloop capture side while aplay plays a
# known file into the loopback, and unplugs the camera halfway with vivid's
# disconnect control: every open handle then fails with ENODEV, and the device
# is back once all of them are closed (as a USB camera plugged in again).
# Then guest_faults.py injects an ALSA overrun and wall-clock jumps into `run`.
# Usage: guest-test.sh OUTDIR   (OUTDIR holds input.raw; results go there)
out=$1
repo=$(cd "$(dirname "$0")/../.." && pwd)
bin=$repo/.build/debug/presenced
set -x
ls -l /dev/video* /dev/snd
v4l2-ctl -d /dev/video0 --list-formats | head -20
cat > /tmp/vm.toml <<TOML
[camera]
device = "/dev/video0"
width = 320
height = 240
fps = 15
[audio]
device = "hw:Loopback,1,0"
rate = 16000
[metrics]
listen = ""
TOML
"$bin" record --config /tmp/vm.toml --duration 14s --out "$out/capture.mcap" 2> "$out/record.log" &
record=$!
# Under emulation the binary takes seconds to start: go on once it has written its first chunk
# (after a second of data; vivid's colour bars compress to almost nothing), or after a minute.
for i in $(seq 300); do
  [ "$(stat -c %s "$out/capture.mcap" 2>/dev/null || echo 0)" -gt 2000 ] && break
  sleep 0.2
done
date +%T.%N
# The capture side has the loopback open: playback matches its format.
aplay -q -D hw:Loopback,0,0 -f S16_LE -r 16000 -c 1 -t raw "$out/input.raw" &
sleep 3
date +%T.%N
v4l2-ctl -d /dev/video0 --set-ctrl=disconnect=1
wait $record
status=$?
cat "$out/record.log"
# Then the faults that need this machine: an ALSA overrun and wall-clock jumps (guest_faults.py).
/usr/bin/python3 "$repo/scripts/vm/guest_faults.py" "$bin" "$out" || status=1
exit $status
