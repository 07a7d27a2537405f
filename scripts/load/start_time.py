#!/usr/bin/env python3
"""Restart time (RELIABILITY.md): how long `presenced run` takes from exec to serving, measured the way
systemd sees it, and how long a SIGTERM takes to end it.

Usage: start_time.py PRESENCED [--runs N]

Each run starts the daemon on a looping replay (the sensor-dropouts scene at real time) with
NOTIFY_SOCKET pointing at a datagram socket of ours, and measures on the monotonic clock: the time to
the event socket's first `hello` (clients served), to READY=1 (the pipeline's first tick, when systemd
counts it started), and from SIGTERM to exit (exit status must be 0). Prints the median and the worst
of each over N runs (default 10). A restart by systemd adds RestartSec (2 s in presenced.service) to
the start time.
"""
import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

import load_daemon


def one_run(presenced, work, scene):
    notify_path = os.path.join(work, "notify.sock")
    if os.path.exists(notify_path):
        os.unlink(notify_path)
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify.bind(notify_path)
    notify.setblocking(False)
    sock = os.path.join(work, "events.sock")
    config = os.path.join(work, "start.toml")
    with open(config, "w") as f:
        f.write(f'[replay]\nfile = "{scene}"\nloop = true\nspeed = 1\n'
                f'[socket]\npath = "events.sock"\ngroup = ""\n[metrics]\nlisten = "127.0.0.1:{load_daemon.free_port()}"\n'
                f'[state]\ndir = "state"\n')
    env = dict(os.environ, NOTIFY_SOCKET=notify_path)
    t0 = time.monotonic()
    daemon = subprocess.Popen([presenced, "run", "--config", config], env=env,
                              stderr=open(os.path.join(work, "daemon.log"), "w"))
    hello = ready = None
    deadline = t0 + 30
    client = None
    while (hello is None or ready is None) and time.monotonic() < deadline:
        if ready is None:
            try:
                if b"READY=1" in notify.recv(4096):
                    ready = time.monotonic() - t0
            except BlockingIOError:
                pass
        if hello is None:
            try:
                if client is None:
                    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                    client.connect(sock)
                    client.settimeout(5)
                if b'"hello"' in client.recv(4096):
                    hello = time.monotonic() - t0
            except OSError:
                client = None
        time.sleep(0.002)
    if client:
        client.close()
    t1 = time.monotonic()
    daemon.send_signal(signal.SIGTERM)
    status = daemon.wait(timeout=10)
    stop = time.monotonic() - t1
    notify.close()
    if hello is None or ready is None or status != 0:
        sys.exit(f"start_time: run failed (hello {hello}, ready {ready}, exit {status}); see {work}/daemon.log")
    return hello, ready, stop


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("presenced")
    ap.add_argument("--runs", type=int, default=10)
    args = ap.parse_args()
    presenced = os.path.abspath(args.presenced)
    with tempfile.TemporaryDirectory(prefix="presenced-start-") as work:
        scene = os.path.join(work, "dropouts.mcap")
        subprocess.run([presenced, "simulate", "--scene", "dropouts", "--duration", "90s", "--seed", "5",
                        "--out", scene], check=True, stdout=subprocess.DEVNULL)
        runs = [one_run(presenced, work, scene) for _ in range(args.runs)]
    for name, values in zip(("first hello", "READY=1 (first tick)", "SIGTERM to exit"), zip(*runs)):
        print(f"{name:22s} median {statistics.median(values) * 1000:7.1f} ms, worst {max(values) * 1000:7.1f} ms")
    print(f"({args.runs} runs of {presenced})")


if __name__ == "__main__":
    main()
