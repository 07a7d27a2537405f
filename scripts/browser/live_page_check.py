#!/usr/bin/env python3
"""The live page in a real browser: headless Chromium (Debian's package) against a running daemon.

Drives Chromium over its DevTools protocol (a small WebSocket client of the standard library's, so that
nothing beyond Python and Chromium is needed): loads http://HOST:PORT/, and checks what a user would see
while the daemon replays a recording in which someone comes in:

- the room's element (id="room") says vacant, then occupied when the person enters (data-state and text);
- p(occupied) and the sensors' list are filled in; the radar's gate bars and the camera's mask are drawn
  and change from one moment to the next (the canvases' pixels are compared);
- "Someone is here" (a click) is answered "labelled …" (the daemon needs its flight recorder on);
- "Calibrate the empty room" (a click, with a 3 s countdown) tells the user to leave, then learns;
- a zone dragged with the mouse on the floor plan and saved is what `GET /zones` then serves;
- the page broke no rule of its Content-Security-Policy and threw no error (console and exceptions);

and saves screenshots (vacant, occupied) into OUT for a person to look at. Prints a JSON summary; exits 1
with the reason when a check fails. Usage: live_page_check.py URL OUT [--timeout S]
"""
import argparse
import base64
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request


class WebSocket:
    """Just enough of RFC 6455 for DevTools: text frames, client masking, no extensions."""

    def __init__(self, url):
        assert url.startswith("ws://")
        host_port, path = url[5:].split("/", 1)
        host, port = host_port.split(":")
        self.sock = socket.create_connection((host, int(port)), timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET /{path} HTTP/1.1\r\nHost: {host_port}\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            head += self.sock.recv(1)
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise SystemExit(f"DevTools refused the WebSocket: {head!r}")
        self.buffer = b""

    def send(self, text):
        data = text.encode()
        mask = os.urandom(4)
        n = len(data)
        header = struct.pack("!B", 0x81)
        if n < 126:
            header += struct.pack("!B", 0x80 | n)
        elif n < 65536:
            header += struct.pack("!BH", 0x80 | 126, n)
        else:
            header += struct.pack("!BQ", 0x80 | 127, n)
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def _read(self, n):
        while len(self.buffer) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise SystemExit("DevTools closed the WebSocket")
            self.buffer += chunk
        out, self.buffer = self.buffer[:n], self.buffer[n:]
        return out

    def receive(self):
        message = b""
        while True:
            b0, b1 = self._read(2)
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack("!H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack("!Q", self._read(8))[0]
            payload = self._read(n)
            message += payload
            if b0 & 0x80:
                return message.decode()


class DevTools:
    def __init__(self, ws):
        self.ws, self.next_id, self.events = ws, 0, []

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            reply = json.loads(self.ws.receive())
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise SystemExit(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise SystemExit(f"evaluate {expression!r}: {result['exceptionDetails']}")
        return result["result"].get("value")


PAGE_STATE = """(() => {
  const canvas = (id) => { const c = document.getElementById(id); return c.hidden ? null : c.toDataURL(); };
  return {
    state: document.getElementById("room").dataset.state,
    word: document.getElementById("room-word").textContent,
    p: document.getElementById("p").textContent,
    sensors: [...document.querySelectorAll("#sensor-list li")].map(li => li.textContent),
    link: document.getElementById("link").dataset.state,
    gates: canvas("gates"),
    mask: canvas("mask"),
    timeline: canvas("timeline"),
  };
})()"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("out")
    parser.add_argument("--timeout", type=float, default=60)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if not browser:
        raise SystemExit("no chromium (Debian's package: scripts/deps.sh test)")
    profile = tempfile.mkdtemp(prefix="presenced-chromium-")
    port_probe = socket.socket()
    port_probe.bind(("127.0.0.1", 0))
    port = port_probe.getsockname()[1]
    port_probe.close()
    # --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
    proc = subprocess.Popen([browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                             f"--remote-debugging-port={port}", f"--user-data-dir={profile}",
                             "--window-size=1280,1400", "about:blank"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5))
                page = next(t for t in targets if t.get("type") == "page")
                break
            except (OSError, StopIteration):
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise SystemExit("chromium did not open its DevTools port")
                time.sleep(0.2)
        tools = DevTools(WebSocket(page["webSocketDebuggerUrl"]))
        tools.call("Runtime.enable")
        tools.call("Log.enable")
        tools.call("Page.enable")
        tools.call("Page.navigate", url=args.url)
        seen, shots = [], {}
        deadline = time.monotonic() + args.timeout
        while time.monotonic() < deadline:
            time.sleep(0.5)
            state = tools.evaluate(PAGE_STATE)
            seen.append(state)
            if state["state"] not in shots and state["link"] == "live" and state["p"] != "–":
                shot = tools.call("Page.captureScreenshot", format="png")
                path = os.path.join(args.out, f"live-page-{state['state']}.png")
                with open(path, "wb") as f:
                    f.write(base64.b64decode(shot["data"]))
                shots[state["state"]] = path
            if len(shots) == 2:
                break
        # Label the moment as a user would: a click on the button, then the answer on the page.
        tools.evaluate('document.getElementById("label-occupied").click()')
        answer = ""
        for _ in range(40):
            time.sleep(0.25)
            answer = tools.evaluate('document.getElementById("action-result").textContent')
            if answer:
                break
        # Start a calibration with a short countdown: the page tells the user to leave, then that it learns.
        tools.evaluate('document.getElementById("countdown").value = 3; document.getElementById("calibrate").click()')
        said = []
        for _ in range(60):
            time.sleep(0.25)
            text = tools.evaluate('document.getElementById("calibration-status").textContent')
            if text and (not said or said[-1] != text):
                said.append(text)
            if text.startswith("Learning"):
                break
        # Draw an exclude zone with the mouse (real input events, through DevTools), and save it.
        tools.evaluate('document.getElementById("zone-kind").value = "exclude"')
        box = tools.evaluate('(() => { const r = document.getElementById("floor").getBoundingClientRect();'
                             ' return [r.left, r.top, r.width, r.height]; })()')
        left, top, width, height = box
        start, end = (left + width * 0.55, top + height * 0.4), (left + width * 0.75, top + height * 0.6)
        tools.call("Input.dispatchMouseEvent", type="mousePressed", x=start[0], y=start[1], button="left", clickCount=1)
        for f in (0.3, 0.6, 1.0):
            tools.call("Input.dispatchMouseEvent", type="mouseMoved", x=start[0] + (end[0] - start[0]) * f,
                       y=start[1] + (end[1] - start[1]) * f, button="left")
        tools.call("Input.dispatchMouseEvent", type="mouseReleased", x=end[0], y=end[1], button="left", clickCount=1)
        tools.evaluate('document.getElementById("zones-save").click()')
        zones_said = ""
        for _ in range(40):
            time.sleep(0.25)
            zones_said = tools.evaluate('document.getElementById("zones-status").textContent')
            if "saved" in zones_said and "not" not in zones_said:
                break
        shot = tools.call("Page.captureScreenshot", format="png")
        shots["zones"] = os.path.join(args.out, "live-page-zones.png")
        with open(shots["zones"], "wb") as f:
            f.write(base64.b64decode(shot["data"]))
        served = json.load(urllib.request.urlopen(args.url.rstrip("/") + "/zones", timeout=10))
        problems = []
        saved_zones = served.get("zones", [])
        if len(saved_zones) != 1 or saved_zones[0].get("kind") != "exclude" or not (0 < saved_zones[0]["xMin"] < saved_zones[0]["xMax"] < 4):
            problems.append(f"the zone drawn and saved is not what /zones serves: {served} (page said {zones_said!r})")
        if not any(t.startswith("Leave the room now") for t in said) or not said[-1].startswith("Learning"):
            problems.append(f"the calibration did not count down and start learning: {said}")
        if not answer.startswith("labelled someone is here"):
            problems.append(f"the label was not taken: {answer!r}")
        states = [s["state"] for s in seen if s["link"] == "live"]
        first_vacant = states.index("vacant") if "vacant" in states else None
        if first_vacant is None or "occupied" not in states[first_vacant:]:
            problems.append(f"the room's element did not go from vacant to occupied: {states}")
        if not any(s["word"] == "occupied" for s in seen):
            problems.append("the room's text never said occupied")
        if not any(s["sensors"] for s in seen):
            problems.append("no sensor listed")
        for canvas in ("gates", "mask", "timeline"):
            pictures = {s[canvas] for s in seen if s[canvas]}
            if len(pictures) < 2:
                problems.append(f"the {canvas} canvas was not drawn, or never changed ({len(pictures)} distinct pictures)")
        errors = [e for e in tools.events if e.get("method") in ("Runtime.exceptionThrown", "Log.entryAdded")
                  and (e["method"] == "Runtime.exceptionThrown" or e["params"]["entry"].get("level") == "error")]
        for e in errors:
            problems.append(f"browser error: {json.dumps(e['params'])[:300]}")
        summary = {"samples": len(seen), "states": sorted(set(states)), "label": answer, "calibration": said[-3:], "zones": saved_zones, "screenshots": shots, "problems": problems,
                   "last": {k: v for k, v in seen[-1].items() if k not in ("gates", "mask", "timeline")} if seen else None}
        print(json.dumps(summary, indent=1))
        sys.exit(1 if problems else 0)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main()
