"""What the load scripts (subscribers.py, soak.py) read from a running daemon: a free port for its
/metrics, and the tick-duration histogram there."""
import re
import socket
import urllib.request


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
