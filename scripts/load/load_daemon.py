"""The daemon under the load scripts (subscribers.py, soak.py): started on a looping replay of the
sensor-dropouts scene (people come and go, sensors drop out and return: events all along), and the
tick-duration histogram read from its /metrics."""
import os
import re
import socket
import subprocess
import time
import urllib.request


def start(presenced, work, speed, fusion):
    """`presenced run` in `work` at `speed` times real time with the `[fusion]` lines given; returns the
    process, its socket path and its metrics port once the socket exists. Its stderr is work/daemon.log."""
    scene = os.path.join(work, "dropouts.mcap")
    subprocess.run([presenced, "simulate", "--scene", "dropouts", "--duration", "90s", "--seed", "5",
                    "--out", scene], check=True, stdout=subprocess.DEVNULL)
    port = free_port()
    sock = os.path.join(work, "events.sock")
    config = os.path.join(work, "load.toml")
    with open(config, "w") as f:
        f.write(f'[replay]\nfile = "dropouts.mcap"\nloop = true\nspeed = {speed}\n[fusion]\n{fusion}'
                f'[socket]\npath = "events.sock"\ngroup = ""\n[metrics]\nlisten = "127.0.0.1:{port}"\n[state]\ndir = "state"\n')
    daemon = subprocess.Popen([presenced, "run", "--config", config], stderr=open(os.path.join(work, "daemon.log"), "w"))
    for _ in range(200):
        if os.path.exists(sock):
            break
        time.sleep(0.05)
    return daemon, sock, port


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tick_histogram(port):
    """(upper bound in seconds, cumulative count) of presence_tick_duration_seconds, in order."""
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    return sorted((float("inf") if le == "+Inf" else float(le), float(n))
                  for le, n in re.findall(r'presence_tick_duration_seconds_bucket\{le="([^"]+)"\} (\S+)', text))


def tick_p99(after, before=()):
    """p99 of the ticks counted in `after` but not in `before` (two histogram snapshots), as the upper
    bound of its bucket, and how many ticks that is."""
    earlier = dict(before)
    counts = [(le, n - earlier.get(le, 0)) for le, n in after]
    total = counts[-1][1] if counts else 0
    for le, n in counts:
        if total and n >= 0.99 * total:
            return le, int(total)
    return None, int(total)
