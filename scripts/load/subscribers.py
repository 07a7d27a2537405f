#!/usr/bin/env python3
"""1000 subscribers on the event socket at once (issue 8): every client must get
every event, in order, and quickly, while the pipeline keeps its pace.

Usage: subscribers.py PRESENCED [--clients N] [--seconds S] [--keep DIR]

Starts `PRESENCED run` on a replay that changes often (a walk-through and the
sensor dropouts scene, at 20x real time, with a 1 s hold), connects N clients
(standard library only: one epoll loop), reads for S seconds, stops the daemon, and
prints:
  - events and clients: each client's sequence must be the daemon's, gap-free;
  - fan-out latency: for each event, each client's receipt time minus the
    earliest receipt of that event by any client (the spread of one write to
    all clients; the daemon's clock is not visible to clients, so the time from
    the tick to the first receipt is not in it);
  - the pipeline's tick duration p99 from /metrics before and under load.
Exits 1 when a client missed an event or saw one out of order, or the fan-out
p99 is 10 ms or more.
"""
import argparse
import json
import os
import resource
import select
import shutil
import signal
import socket
import sys
import tempfile
import time

import load_daemon
from load_daemon import tick_histogram, tick_p99


def percentile(sorted_values, q):
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


def connect_all(path, clients):
    """Connects the clients and reads each one's hello; returns the sockets (non-blocking)."""
    socks = []
    for _ in range(clients):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(path)
        socks.append(s)
    for s in socks:
        buf = b""
        while not buf.endswith(b"\n"):
            buf += s.recv(4096)
        hello = json.loads(buf.split(b"\n")[0])
        assert hello["type"] == "hello", hello
        s.setblocking(False)
    return socks


def read_for(socks, seconds):
    """One epoll loop over all clients. Each read is stamped the moment it returns, before any parsing,
    so that the client's own work does not count as the daemon's latency; lines are parsed afterwards."""
    poller = select.epoll()
    index = {}
    for i, s in enumerate(socks):
        poller.register(s.fileno(), select.EPOLLIN)
        index[s.fileno()] = i
    chunks = [[] for _ in socks]
    end = time.monotonic() + seconds
    while (left := end - time.monotonic()) > 0:
        for fd, _ in poller.poll(min(left, 0.5)):
            i = index[fd]
            data = socks[i].recv(65536)
            chunks[i].append((time.monotonic(), data))
    poller.close()
    received = []
    for parts in chunks:
        events, pending = [], b""
        for t, data in parts:
            pending += data
            *lines, pending = pending.split(b"\n")
            events += [(json.loads(line)["seq"], t) for line in lines]
        received.append(events)
    return received


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("presenced")
    ap.add_argument("--clients", type=int, default=1000)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--keep", help="keep the daemon's files here instead of a temporary directory")
    args = ap.parse_args()

    # Each client is a descriptor here and one in the daemon (which inherits this limit).
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = args.clients + 256
    if soft < want:
        if hard != resource.RLIM_INFINITY and hard < want:
            sys.exit(f"subscribers: {args.clients} clients need {want} open files; the hard limit is {hard}")
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))

    work = args.keep or tempfile.mkdtemp(prefix="presenced-load-")
    os.makedirs(work, exist_ok=True)
    daemon, sock, port = load_daemon.start(args.presenced, work, speed=20, fusion='hold = "1s"\non_latency = "100ms"\n')
    try:
        time.sleep(2)  # the first ticks
        quiet_p99, quiet_ticks = tick_p99(tick_histogram(port))
        connect_start = time.monotonic()
        socks = connect_all(sock, args.clients)
        connected = time.monotonic() - connect_start
        received = read_for(socks, args.seconds)
        for s in socks:
            s.close()
        loaded_p99, loaded_ticks = tick_p99(tick_histogram(port))
    finally:
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(timeout=10)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    # Every client's sequence is the daemon's: from the first event it saw, gap-free, in order, and
    # all clients end at the same event (the last one published before the clients were stopped).
    first_seen = {}
    failures = []
    for i, events in enumerate(received):
        seqs = [s for s, _ in events]
        if not seqs:
            failures.append(f"client {i} received nothing")
            continue
        if seqs != list(range(seqs[0], seqs[0] + len(seqs))):
            failures.append(f"client {i}: out of order or missing: {seqs[:10]}…")
        for s, t in events:
            first_seen[s] = min(first_seen.get(s, t), t)
    common = set.intersection(*(set(s for s, _ in ev) for ev in received if ev)) if received else set()
    latencies = sorted((t - first_seen[s]) * 1000 for ev in received for s, t in ev if s in common)
    total = sum(len(ev) for ev in received)
    p50, p99, worst = percentile(latencies, 0.5), percentile(latencies, 0.99), (latencies[-1] if latencies else float("nan"))

    print(f"clients: {args.clients} (connected in {connected:.2f} s), {args.seconds:.0f} s of events at 20x real time")
    print(f"events: {len(common)} seen by every client, {total} receipts in all")
    print(f"order: {'every client got every event in order' if not failures else f'{len(failures)} clients FAILED'}")
    for f in failures[:5]:
        print("  " + f)
    print(f"fan-out latency (receipt minus the event's first receipt): p50 {p50:.2f} ms, p99 {p99:.2f} ms, max {worst:.2f} ms")
    print(f"tick duration p99 (histogram bucket): {quiet_p99 * 1000:.2f} ms before the clients ({quiet_ticks} ticks), "
          f"{loaded_p99 * 1000:.2f} ms with them ({loaded_ticks} ticks in all)")
    if failures or not common or not p99 < 10:
        sys.exit(1)


if __name__ == "__main__":
    main()
