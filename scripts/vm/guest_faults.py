#!/usr/bin/python3
"""Faults that need a machine of their own, injected in the test guest (RELIABILITY.md):

- an ALSA overrun: `presenced run` captures snd-aloop (a real, timer-driven sound card) and is
  stopped with SIGSTOP for a second, longer than its capture buffer (160 ms), then continued;
- a wall-clock jump: a second daemon, whose only sensor is missing (so nothing but its own timed
  waits keep it ticking), sees the clock set an hour back and then two hours forward;
- a microphone unplugged and plugged back: a daemon with the vivid camera and the snd-aloop card sees
  the card removed (its platform device unbound from the driver: the kernel disconnects the card as
  it does a USB microphone pulled out, and every open handle fails with ENODEV) and, seconds later,
  bound again.

Writes OUT/faults.json with what it saw; VMCaptureTests checks it. Standard library only (it runs on
the host's Python inside the guest). Usage: guest_faults.py PRESENCED OUT
"""
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

BIN, OUT = sys.argv[1], sys.argv[2]


def start(name, sections, port):
    """A daemon with its socket in /tmp and metrics on 127.0.0.1:port; returns (process, client)."""
    config = f"/tmp/{name}.toml"
    with open(config, "w") as f:
        f.write(sections + f'\n[socket]\npath = "/tmp/{name}.sock"\ngroup = ""\n'
                f'[metrics]\nlisten = "127.0.0.1:{port}"\n[state]\ndir = "/tmp/{name}-state"\n')
    log = open(f"{OUT}/{name}.log", "w")
    proc = subprocess.Popen([BIN, "run", "--config", config], stderr=log, stdout=subprocess.DEVNULL)
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    deadline = time.monotonic() + 120  # the binary takes long to start under emulation
    while True:
        try:
            client.connect(f"/tmp/{name}.sock")
            break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                raise SystemExit(f"{name}: no socket; log in {OUT}/{name}.log")
            time.sleep(0.2)
    return proc, client


def metric(port, series):
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10).read().decode()
    for line in text.splitlines():
        if line.startswith(series + " "):
            return float(line.split()[-1])
    return None


def wait_metric(port, series, at_least, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = metric(port, series)
        except OSError:  # the socket answers first: metrics may bind a moment later (slower under emulation)
            value = None
        if value is not None and value >= at_least:
            return value
        time.sleep(0.2)
    raise SystemExit(f"{series} did not reach {at_least} within {timeout} s")


def read_events(client, until, timeout):
    """Lines from the client until `until(events)` holds or `timeout` s pass."""
    client.settimeout(0.5)
    events, buffered = [], b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not until(events):
        try:
            data = client.recv(65536)
        except socket.timeout:
            continue
        if not data:
            break
        buffered += data
        *lines, buffered = buffered.split(b"\n")
        events += [json.loads(line) for line in lines]
    return events


def stop(proc):
    """SIGTERM; the exit status, or "hung" (then killed) when it has not ended within 30 s."""
    proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        return "hung"


def overrun():
    proc, client = start("overrun", '[audio]\ndevice = "hw:Loopback,1,0"\nrate = 16000\n', 9470)
    wait_metric(9470, 'presence_samples_total{sensor="audio"}', 50, 120)
    proc.send_signal(signal.SIGSTOP)
    time.sleep(1)
    proc.send_signal(signal.SIGCONT)
    audio = lambda es: [e for e in es if e.get("type") == "sensor" and e.get("sensor") == "audio"]
    # Degraded, then ok again after a loss-free recovery window, a minute after it turned degraded.
    events = read_events(client, lambda es: len(audio(es)) >= 2, 120)
    result = {"events": events,
              "overruns": metric(9470, 'presence_samples_dropped_total{sensor="audio",reason="overrun"}'),
              "exit": stop(proc)}
    return result


def microphone_unplug():
    sections = ('[camera]\ndevice = "/dev/video0"\nwidth = 320\nheight = 240\nfps = 15\n'
                '[audio]\ndevice = "hw:Loopback,1,0"\nrate = 16000\n')
    proc, client = start("unplug", sections, 9472)
    wait_metric(9472, 'presence_samples_total{sensor="audio"}', 50, 120)
    wait_metric(9472, 'presence_samples_total{sensor="camera"}', 10, 120)
    driver = "/sys/bus/platform/drivers/snd_aloop"
    device = next(name for name in os.listdir(driver) if name.startswith("snd_aloop."))
    audio = lambda es: [e for e in es if e.get("type") == "sensor" and e.get("sensor") == "audio"]
    with open(f"{driver}/unbind", "w") as f:
        f.write(device)
    unplugged = time.monotonic()
    events = read_events(client, lambda es: len(audio(es)) >= 1, 60)
    camera = [metric(9472, 'presence_samples_total{sensor="camera"}')]
    time.sleep(4)  # the microphone stays away; the camera carries on
    camera.append(metric(9472, 'presence_samples_total{sensor="camera"}'))
    with open(f"{driver}/bind", "w") as f:
        f.write(device)
    events += read_events(client, lambda es: len(audio(es)) >= 1, 120)
    return {"events": events, "camera": camera, "away_s": time.monotonic() - unplugged,
            "cards": open("/proc/asound/cards").read(), "exit": stop(proc)}


def clock_jump():
    proc, client = start("clock", '[radar]\ndevice = "/dev/presenced-no-radar"\n', 9471)
    series = "presence_tick_duration_seconds_count"
    wait_metric(9471, series, 10, 120)
    ticks = [metric(9471, series)]
    walls = [time.time()]
    for step in (-3600, 7200, -3600):  # an hour back, two forward, and back to where it was
        subprocess.run(["date", "-s", f"@{time.time() + step:.3f}"], check=True, stdout=subprocess.DEVNULL)
        time.sleep(2)  # monotonic: not fooled by the jump
        ticks.append(metric(9471, series))
        walls.append(time.time())
    events = read_events(client, lambda es: False, 1)
    return {"ticks": ticks, "walls": walls, "events": events, "exit": stop(proc)}


subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
result = {"overrun": overrun(), "clock": clock_jump(), "unplug": microphone_unplug()}
with open(f"{OUT}/faults.json", "w") as f:
    json.dump(result, f, indent=1)
print(json.dumps(result)[:2000])
