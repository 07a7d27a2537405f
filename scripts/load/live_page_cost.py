#!/usr/bin/env python3
"""What the live page costs the daemon (issue 24: at most 1 % of a core with one browser, nothing without):
`presenced run` on a looping replay at real-time pace (load_daemon.py), its CPU time read from /proc over
alternating windows: no browser, one client reading GET /live (as the page's EventSource does), no browser
again, and once more with one. Side by side in one run, on the same daemon. Prints a Markdown table.
Usage: live_page_cost.py PRESENCED [--seconds S]"""
import argparse
import os
import socket
import tempfile
import threading
import time

import load_daemon

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


class Browser:
    """A client of GET /live that reads everything, as the page does; counts the bytes and the ticks."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.sendall(b"GET /live HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
        self.bytes = self.ticks = 0
        self.running = True
        self.thread = threading.Thread(target=self.read, daemon=True)
        self.thread.start()

    def read(self):
        while self.running:
            data = self.sock.recv(65536)
            if not data:
                break
            self.bytes += len(data)
            self.ticks += data.count(b"data: {\"t\"")

    def close(self):
        self.running = False
        self.sock.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("presenced")
    parser.add_argument("--seconds", type=float, default=40)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="presenced-live-cost-")
    daemon, _, port = load_daemon.start(args.presenced, work, 1, "")
    try:
        time.sleep(5)  # warm-up: the first tick, the background models
        rows = []
        for phase in ("no browser", "one browser", "no browser", "one browser"):
            browser = Browser(port) if phase == "one browser" else None
            time.sleep(1)
            before, start = cpu_seconds(daemon.pid), time.monotonic()
            time.sleep(args.seconds)
            used, wall = cpu_seconds(daemon.pid) - before, time.monotonic() - start
            sent = ""
            if browser:
                sent = f"{browser.ticks / wall:.1f} ticks/s, {browser.bytes / wall / 1024:.1f} kB/s"
                browser.close()
            rows.append((phase, 100 * used / wall, sent))
        idle = [r[1] for r in rows if r[0] == "no browser"]
        watched = [r[1] for r in rows if r[0] == "one browser"]
        print("| window | CPU, % of one core | stream |")
        print("|---|---|---|")
        for phase, cpu, sent in rows:
            print(f"| {phase} ({args.seconds:.0f} s) | {cpu:.2f} | {sent} |")
        print(f"\nOne browser costs {sum(watched) / len(watched) - sum(idle) / len(idle):+.2f} % of one core "
              f"(mean of its windows against the mean of those without; resolution {100 / TICKS / args.seconds:.2f} %).")
    finally:
        daemon.terminate()
        daemon.wait(timeout=10)


if __name__ == "__main__":
    main()
