#!/usr/bin/env python3
"""Soak (issue 10): the daemon for a long time with clients coming and going; memory, descriptors and
tick time must stay flat.

Usage: soak.py PRESENCED [--minutes M] [--speed S] [--clients N] [--keep DIR]

Runs `PRESENCED run` on a looping replay (the sensor-dropouts scene, so occupancy and sensor events
keep coming) at S times real time: --minutes 60 --speed 1 is an hour at real pace,
--minutes 60 --speed 24 a day of events. N clients stay connected while every second a tenth of them
hang up and as many new ones connect (each must get its hello); all of them read everything.
Every 5 s it samples the daemon's resident memory (VmRSS, and RssAnon: the heap, without the
recording's file pages), open descriptors, threads, and the tick-duration histogram from /metrics.

Prints, after a warm-up of a tenth of the run (at least 1 minute): the peak RSS and heap in the first
and in the last stretch after it (a tenth of the rest, at least two loops of the recording: memory
follows the loop up and down), their growth, and the peak of the run; descriptors; tick p99 in each
quarter of the run. Exits 1 when the heap's peak grew by 1 MB or more after the warm-up, RSS passed 40 MB, the daemon holds more
descriptors once every client has left than before the first came, a client got no hello, or the
daemon died.
"""
import argparse
import json
import os
import random
import re
import select
import shutil
import signal
import socket
import sys
import tempfile
import time

import load_daemon
from load_daemon import tick_histogram, tick_p99


def proc(pid):
    status = open(f"/proc/{pid}/status").read()
    field = lambda name: int(re.search(rf"^{name}:\s+(\d+)", status, re.M).group(1))
    return {"rss_kb": field("VmRSS"), "anon_kb": field("RssAnon"), "threads": field("Threads"),
            "fds": len(os.listdir(f"/proc/{pid}/fd"))}


class Clients:
    """N subscribers in one epoll loop; churn() replaces a tenth of them."""

    def __init__(self, path, n):
        self.path, self.n = path, n
        self.poll = select.epoll()
        self.socks = {}
        self.pending = {}  # fd -> bytes before the hello line
        self.connects = self.hellos = self.failures = 0
        for _ in range(n):
            self.connect()

    def connect(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(self.path)
        except OSError:
            self.failures += 1
            s.close()
            return
        s.setblocking(False)
        self.socks[s.fileno()] = s
        self.pending[s.fileno()] = b""
        self.poll.register(s.fileno(), select.EPOLLIN)
        self.connects += 1

    def close(self, fd):
        self.poll.unregister(fd)
        if fd in self.pending:  # hung up before its hello arrived
            self.failures += 1
            del self.pending[fd]
        self.socks.pop(fd).close()

    def churn(self):
        for fd in random.sample(list(self.socks), len(self.socks) // 10):
            if fd not in self.pending:
                self.close(fd)
        while len(self.socks) < self.n:
            self.connect()

    def read(self, seconds):
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            for fd, _ in self.poll.poll(left):
                try:
                    data = self.socks[fd].recv(65536)
                except BlockingIOError:
                    continue
                if not data:
                    self.close(fd)
                    continue
                if fd in self.pending:
                    buf = self.pending[fd] + data
                    if b"\n" in buf:
                        if json.loads(buf.split(b"\n")[0]).get("type") == "hello":
                            self.hellos += 1
                        else:
                            self.failures += 1
                        del self.pending[fd]
                    else:
                        self.pending[fd] = buf

    def close_all(self):
        for fd in list(self.socks):
            self.pending.pop(fd, None)
            self.close(fd)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("presenced")
    ap.add_argument("--minutes", type=float, default=60)
    ap.add_argument("--speed", type=float, default=1)
    ap.add_argument("--clients", type=int, default=100)
    ap.add_argument("--keep", help="keep the daemon's files here instead of a temporary directory")
    args = ap.parse_args()

    work = args.keep or tempfile.mkdtemp(prefix="presenced-soak-")
    os.makedirs(work, exist_ok=True)
    daemon, sock, port = load_daemon.start(args.presenced, work, speed=args.speed, fusion='hold = "5s"\n')
    samples = []
    try:
        time.sleep(2)
        alone = proc(daemon.pid)  # before any client
        clients = Clients(sock, args.clients)
        start = time.monotonic()
        duration = args.minutes * 60
        warmup = min(duration / 2, max(60, duration / 10))
        next_sample = start
        while (now := time.monotonic()) - start < duration:
            if daemon.poll() is not None:
                sys.exit(f"soak: the daemon died (exit {daemon.returncode}); see {work}/daemon.log")
            if now >= next_sample:
                samples.append((now - start, proc(daemon.pid), tick_histogram(port)))
                next_sample += 5
            clients.churn()
            clients.read(1)
        samples.append((time.monotonic() - start, proc(daemon.pid), tick_histogram(port)))
        clients.close_all()
        time.sleep(2)
        alone_again = proc(daemon.pid)  # every client gone
    finally:
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(timeout=10)

    after_warmup = next(s for s in samples if s[0] >= warmup)
    end = samples[-1]
    rest = [s for s in samples if s[0] >= warmup]
    peak_rss = max(s[1]["rss_kb"] for s in samples)
    # Memory follows the replay's loop up and down (buffers of the recording's chunks): growth is the peak
    # of the last stretch after the warm-up against the peak of the first, each a tenth of it (at least
    # two loops of the recording, 90 s of it), not two single samples that may sit at any phase.
    stretch = max(2 * 90 / args.speed, (duration - warmup) / 10)
    first = [s for s in rest if s[0] < warmup + stretch]
    last = [s for s in rest if s[0] > duration - stretch]
    peak = lambda window, key: max(s[1][key] for s in window)
    heap_growth = peak(last, "anon_kb") - peak(first, "anon_kb")
    rss_growth = peak(last, "rss_kb") - peak(first, "rss_kb")
    quarters = []
    for q in range(4):
        lo, hi = duration * q / 4, duration * (q + 1) / 4
        window = [s for s in samples if lo <= s[0] <= hi + 5]
        if len(window) >= 2:
            quarters.append(tick_p99(window[-1][2], window[0][2]))
    print(f"soak: {args.minutes:g} min at {args.speed:g}x ({args.minutes * args.speed / 60:.1f} h of recording), "
          f"{args.clients} clients, {clients.connects} connections, {clients.hellos} hellos, {clients.failures} failures")
    print(f"  RSS peak in the {stretch / 60:.1f} min after the {warmup / 60:.1f} min warm-up {peak(first, 'rss_kb') / 1024:.1f} MB, "
          f"in the last {stretch / 60:.1f} min {peak(last, 'rss_kb') / 1024:.1f} MB (growth {rss_growth:+d} kB), "
          f"peak of the run {peak_rss / 1024:.1f} MB")
    print(f"  heap (RssAnon) peak in the same stretches {peak(first, 'anon_kb') / 1024:.1f} MB and "
          f"{peak(last, 'anon_kb') / 1024:.1f} MB (growth {heap_growth:+d} kB); "
          f"range after the warm-up {min(s[1]['anon_kb'] for s in rest) / 1024:.1f}-{max(s[1]['anon_kb'] for s in rest) / 1024:.1f} MB")
    print(f"  descriptors with no client {alone['fds']} before, {alone_again['fds']} after; with {args.clients} clients "
          f"{after_warmup[1]['fds']} after the warm-up, {end[1]['fds']} at the end; threads {after_warmup[1]['threads']} -> {end[1]['threads']}")
    print("  tick p99 by quarter: " + ", ".join(f"{le * 1000:g} ms ({n} ticks)" if le else "-" for le, n in quarters))
    failed = []
    if heap_growth >= 1024:
        failed.append(f"the heap grew {heap_growth} kB after the warm-up")
    if peak_rss > 40 * 1024:
        failed.append(f"RSS reached {peak_rss / 1024:.1f} MB")
    if alone_again["fds"] > alone["fds"]:
        failed.append(f"descriptors grew from {alone['fds']} to {alone_again['fds']} once every client had left")
    if clients.failures:
        failed.append(f"{clients.failures} clients got no hello")
    # Flat tick time: no later quarter's p99 more than one histogram bucket above the first quarter's.
    buckets = [le for le, _ in samples[-1][2]]
    first_p99 = quarters[0][0] if quarters else None
    for q, (le, _) in enumerate(quarters[1:], start=2):
        if first_p99 is not None and le is not None and buckets.index(le) > buckets.index(first_p99) + 1:
            failed.append(f"tick p99 grew from {first_p99 * 1000:g} ms in the first quarter to {le * 1000:g} ms in quarter {q}")
    if failed:
        sys.exit(f"soak: FAIL: {'; '.join(failed)} (the daemon's files: {work})")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    print("soak: ok")


if __name__ == "__main__":
    main()
