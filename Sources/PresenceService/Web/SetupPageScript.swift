/// The live page's script (`/setup.js`): everything it shows comes from `GET /live`; its buttons and the
/// floor plan post to `/label`, `/calibrate` and `/zones`. Plain JavaScript, no framework, no build step.
extension SetupPage {
    static let script = """
        "use strict";
        // The live page: everything comes from GET /live (server-sent events). The room's element keeps
        // data-state current; the timeline keeps the last ten minutes of p and the room's state.
        const $ = (id) => document.getElementById(id);
        const history = [];          // {t (s), p, occupied}
        const trails = [];           // LD2450 positions of the last 10 s: {t (s), x, y, ghost}
        const WINDOW = 600;          // s
        const reasons = {};          // sensor -> reason of its last status event

        function fmt(x, d = 2) { return x === null || x === undefined ? "–" : Number(x).toFixed(d); }
        let now = null;              // the newest tick's sample time (ns): the daemon's clock, not the browser's
        function ago(ns) {
          const s = Math.max(0, (now - ns) / 1e9);
          return s < 90 ? Math.round(s) + " s" : s < 5400 ? Math.round(s / 60) + " min" : (s / 3600).toFixed(1) + " h";
        }
        function bars(container, rows) {
          // rows: [name, value 0..1, text, marker 0..1 or null]
          const el = $(container);
          if (el.childElementCount !== rows.length) {
            el.replaceChildren(...rows.map(() => {
              const r = document.createElement("div"); r.className = "row";
              r.innerHTML = '<span class="name"></span><span class="bar"><i></i><b hidden></b></span><span class="value"></span>';
              return r;
            }));
          }
          rows.forEach(([name, v, text, marker], k) => {
            const r = el.children[k];
            r.querySelector(".name").textContent = name;
            r.querySelector("i").style.width = (100 * Math.max(0, Math.min(1, v))) + "%";
            const b = r.querySelector("b");
            b.hidden = marker === null || marker === undefined;
            if (!b.hidden) b.style.left = (100 * Math.max(0, Math.min(1, marker))) + "%";
            r.querySelector(".value").textContent = text;
          });
        }

        function showRoom(occupied, since) {
          const room = $("room");
          room.dataset.state = occupied ? "occupied" : "vacant";
          $("room-word").textContent = occupied ? "occupied" : "vacant";
          $("room-since").textContent = since && now ? "for " + ago(since) : "";
        }

        function showTick(d) {
          now = d.t;
          showRoom(d.occupied, d.since);
          $("p").textContent = fmt(d.p);
          $("p-bar").style.width = (100 * d.p) + "%";
          bars("scores", Object.entries(d.sources || {}).map(([s, v]) => [s + " alone", v, fmt(v), null]));
          const list = $("sensor-list");
          list.replaceChildren(...Object.entries(d.sensors || {}).map(([s, status]) => {
            const li = document.createElement("li");
            li.dataset.status = status;
            li.textContent = s + ": " + status + (status !== "ok" && reasons[s] ? " (" + reasons[s] + ")" : "");
            return li;
          }));
          $("radar-view").hidden = !d.radar;
          if (d.radar) {
            const r = d.radar;
            bars("radar-bars", [
              ["moving energy", r.moving / 100, fmt(r.moving, 0), null],
              ["over the room", r.moving_excess / 100, fmt(r.moving_excess, 0), null],
              ["still energy", r.still / 100, fmt(r.still, 0), null],
              ["over the room", r.still_excess / 100, fmt(r.still_excess, 0), null],
              ["breathing", r.breathing, fmt(r.breathing), null],
            ]);
            $("radar-note").textContent = r.targets > 0 ? r.targets + " target(s), nearest " + fmt(r.distance_m, 1) + " m" : "no target";
            $("gates").hidden = $("gates-note").hidden = !r.gates;
            if (r.gates) drawGates(r.gates);
            lastPositions = r.positions || [];
            drawFloor(d.t / 1e9, lastPositions);
          }
          $("camera-view").hidden = !d.camera;
          if (d.camera) {
            bars("camera-bars", [
              ["foreground", d.camera.foreground * 5, fmt(100 * d.camera.foreground, 1) + " %", null],
              ["motion", d.camera.motion, fmt(d.camera.motion), null],
              ["largest blob", d.camera.blob_area * 5, fmt(100 * d.camera.blob_area, 1) + " %", null],
            ]);
            $("mask").hidden = !d.camera.mask;
            if (d.camera.mask) drawMask(d.camera.mask);
            $("preview").hidden = !d.camera.preview;
            if (d.camera.preview) drawPreview(d.camera.preview);
          }
          $("audio-view").hidden = !d.audio;
          if (d.audio) {
            const a = d.audio;
            bars("audio-bars", [
              ["level", (a.level_dbfs + 90) / 90, fmt(a.level_dbfs, 0) + " dBFS", null],
              ["over the floor", a.above_floor_db / 40, fmt(a.above_floor_db, 0) + " dB", 6 / 40],
              ["voice", a.voice, fmt(a.voice), null],
            ]);
            const top = Object.entries(a.sound || {}).filter(([, v]) => v > 0.05).sort((x, y) => y[1] - x[1]).slice(0, 3);
            $("sound-classes").replaceChildren(...top.map(([k, v]) => {
              const li = document.createElement("li"); li.textContent = k + " " + fmt(v); return li;
            }));
          }
          if (d.calibration) showCalibration(d.calibration);
          $("zone-states").textContent = d.zones ? Object.entries(d.zones).map(([z, on]) => z + ": " + (on ? "occupied" : "vacant")).join(", ") : "";
          history.push({ t: d.t / 1e9, p: d.p, occupied: d.occupied });
          while (history.length && history[0].t < d.t / 1e9 - WINDOW) history.shift();
          drawTimeline();
        }

        function drawTimeline() {
          const c = $("timeline"), g = c.getContext("2d");
          const w = c.width, h = c.height;
          g.clearRect(0, 0, w, h);
          if (!history.length) return;
          const end = history[history.length - 1].t, x = (t) => w - (end - t) / WINDOW * w;
          g.fillStyle = "rgba(46,125,50,0.25)";
          for (const s of history) if (s.occupied) g.fillRect(x(s.t), 0, Math.max(1, w / WINDOW / 5), h);
          g.strokeStyle = "#1565c0"; g.beginPath();
          history.forEach((s, k) => { const y = h - s.p * (h - 4) - 2; k ? g.lineTo(x(s.t), y) : g.moveTo(x(s.t), y); });
          g.stroke();
        }

        function drawGates(g) {
          const c = $("gates"), k = c.getContext("2d"), w = c.width, h = c.height - 14, n = g.moving.length;
          const slot = w / n, y = (v) => h - Math.max(0, Math.min(100, v)) / 100 * h;
          k.clearRect(0, 0, c.width, c.height);
          k.font = "10px sans-serif"; k.fillStyle = "#555";
          for (let i = 0; i < n; i++) {
            const x0 = i * slot + 4, bw = slot / 2 - 5;
            [["moving", "#1565c0", 0], ["still", "#ef6c00", 1]].forEach(([kind, colour, j]) => {
              const x = x0 + j * (bw + 2), v = g[kind][i];
              k.fillStyle = colour; k.fillRect(x, y(v), bw, h - y(v));
              k.fillStyle = "#9e9e9e"; k.fillRect(x, y(g["baseline_" + kind][i]) - 1, bw, 2);
              k.fillStyle = "#000"; k.fillRect(x, y(g["over_" + kind][i]) - 1, bw, 1);
              k.fillStyle = "#c62828"; for (let dx = 0; dx < bw; dx += 4) k.fillRect(x + dx, y(g["threshold_" + kind][i]) - 1, 2, 2);
            });
            k.fillStyle = "#555"; k.fillText(String(i), x0 + slot / 2 - 8, c.height - 2);
          }
        }

        // The LD2450's view from above: the module at the bottom centre, 6 m out and 4 m to each side.
        const FLOOR = { halfWidth: 4, depth: 6 };
        let zones = { zones: [] }, lastPositions = [], dragging = null, lastNow = 0;
        const toPx = (c) => ({ x: (x) => c.width / 2 + x / FLOOR.halfWidth * (c.width / 2), y: (y) => c.height - y / FLOOR.depth * c.height });
        function toMetres(c, event) {
          const r = c.getBoundingClientRect();
          const cx = (event.clientX - r.left) / r.width * c.width, cy = (event.clientY - r.top) / r.height * c.height;
          return { x: (cx - c.width / 2) / (c.width / 2) * FLOOR.halfWidth, y: (c.height - cy) / c.height * FLOOR.depth };
        }
        function drawFloor(now, positions) {
          if (now !== null) {
            lastNow = now;
            for (const p of positions) trails.push({ t: now, x: p.x, y: p.y, ghost: !p.counted });
            while (trails.length && trails[0].t < now - 10) trails.shift();
          }
          now = lastNow;
          const c = $("floor"), k = c.getContext("2d"), w = c.width, h = c.height;
          const { x: px, y: py } = toPx(c);
          k.clearRect(0, 0, w, h);
          const shown = dragging ? zones.zones.concat([dragging]) : zones.zones;
          for (const z of shown) {
            k.fillStyle = z.kind === "include" ? "rgba(46,125,50,0.18)" : "rgba(198,40,40,0.22)";
            k.strokeStyle = z.kind === "include" ? "#2e7d32" : "#c62828";
            k.fillRect(px(z.xMin), py(z.yMax), px(z.xMax) - px(z.xMin), py(z.yMin) - py(z.yMax));
            k.strokeRect(px(z.xMin), py(z.yMax), px(z.xMax) - px(z.xMin), py(z.yMin) - py(z.yMax));
            k.fillText(z.name || "", px(z.xMin) + 3, py(z.yMax) + 11);
          }
          if (zones.range) {
            k.strokeStyle = "#6a1b9a"; k.setLineDash([4, 4]); k.beginPath(); k.moveTo(0, py(zones.range)); k.lineTo(w, py(zones.range)); k.stroke(); k.setLineDash([]);
          }
          k.strokeStyle = "#ccc"; k.beginPath(); k.moveTo(w / 2, h); k.lineTo(0, h - w / 2 * Math.tan(Math.PI / 6)); k.moveTo(w / 2, h);
          k.lineTo(w, h - w / 2 * Math.tan(Math.PI / 6)); k.stroke();
          for (const s of trails) {
            k.fillStyle = s.ghost ? "rgba(120,120,120,0.3)" : "rgba(21,101,192," + (0.15 + 0.85 * (1 - (now - s.t) / 10)) + ")";
            k.fillRect(px(s.x) - 2, py(s.y) - 2, 4, 4);
          }
          for (const p of positions) {
            k.fillStyle = p.counted ? "#1565c0" : "#9e9e9e";
            k.beginPath(); k.arc(px(p.x), py(p.y), 7, 0, 2 * Math.PI); k.fill();
          }
        }

        function showZones() {
          $("range").value = zones.range || "";
          $("zone-list").replaceChildren(...zones.zones.map((z, i) => {
            const li = document.createElement("li");
            li.textContent = z.kind + " " + z.name + ": x " + z.xMin.toFixed(1) + " to " + z.xMax.toFixed(1) + " m, y " +
              z.yMin.toFixed(1) + " to " + z.yMax.toFixed(1) + " m ";
            const b = document.createElement("button"); b.type = "button"; b.textContent = "remove";
            b.addEventListener("click", () => { zones.zones.splice(i, 1); showZones(); });
            li.append(b);
            return li;
          }));
          drawFloor(null, lastPositions);
        }
        async function loadZones() {
          try { const r = await fetch("/zones"); if (r.ok) { zones = await r.json(); showZones(); } } catch (e) { /* shown when saving */ }
        }
        async function saveZones() {
          const range = Number($("range").value);
          zones.range = $("range").value === "" ? undefined : range;
          const r = await fetch("/zones", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(zones) });
          $("zones-status").textContent = (await r.text()).trim();
          if (r.ok) loadZones();
        }
        (() => {
          const c = $("floor");
          c.addEventListener("mousedown", (e) => {
            const m = toMetres(c, e);
            dragging = { kind: $("zone-kind").value, name: $("zone-kind").value + " " + (zones.zones.length + 1), x0: m.x, y0: m.y,
                         xMin: m.x, xMax: m.x, yMin: m.y, yMax: m.y };
          });
          c.addEventListener("mousemove", (e) => {
            if (!dragging) return;
            const m = toMetres(c, e);
            Object.assign(dragging, { xMin: Math.min(dragging.x0, m.x), xMax: Math.max(dragging.x0, m.x),
                                      yMin: Math.min(dragging.y0, m.y), yMax: Math.max(dragging.y0, m.y) });
            drawFloor(null, lastPositions);
          });
          window.addEventListener("mouseup", () => {
            if (!dragging) return;
            const z = dragging; dragging = null;
            if (z.xMax - z.xMin > 0.1 && z.yMax - z.yMin > 0.1) {
              const round = (v) => Math.round(v * 100) / 100;
              zones.zones.push({ kind: z.kind, name: z.name, xMin: round(z.xMin), xMax: round(z.xMax), yMin: round(z.yMin), yMax: round(z.yMax) });
            }
            showZones();
            $("zones-status").textContent = "not saved yet";
          });
          $("zones-save").addEventListener("click", saveZones);
          $("zones-clear").addEventListener("click", () => { zones = { zones: [] }; showZones(); });
          loadZones();
        })();

        function drawMask(m) {
          const c = $("mask"), k = c.getContext("2d");
          if (c.width !== m.w || c.height !== m.h) { c.width = m.w; c.height = m.h; }
          const bits = atob(m.bits), img = k.createImageData(m.w, m.h);
          for (let i = 0; i < m.w * m.h; i++) {
            const on = (bits.charCodeAt(i >> 3) >> (7 - (i & 7))) & 1;
            img.data.set(on ? [255, 255, 255, 255] : [17, 17, 17, 255], 4 * i);
          }
          k.putImageData(img, 0, 0);
        }

        function drawPreview(m) {
          const c = $("preview"), k = c.getContext("2d");
          if (c.width !== m.w || c.height !== m.h) { c.width = m.w; c.height = m.h; }
          const px = atob(m.pixels), img = k.createImageData(m.w, m.h);
          for (let i = 0; i < m.w * m.h; i++) { const v = px.charCodeAt(i); img.data.set([v, v, v, 255], 4 * i); }
          k.putImageData(img, 0, 0);
        }

        async function label(occupied) {
          const out = $("action-result");
          try {
            const r = await fetch("/label", { method: "POST", headers: { "Content-Type": "application/json" },
                                              body: JSON.stringify({ occupied }) });
            out.textContent = (await r.text()).trim();
            out.dataset.ok = r.ok;
          } catch (e) {
            out.textContent = "the daemon did not answer: " + e;
            out.dataset.ok = false;
          }
        }
        function showCalibration(c) {
          const out = $("calibration-status");
          out.dataset.phase = c.phase;
          out.textContent = {
            countdown: "Leave the room now: learning starts in " + c.left_s + " s",
            learning: "Learning the empty room: " + c.left_s + " s left, " + c.reports + " radar reports so far (stay out)",
            done: "Done: the room's calibration is in use (" + c.reports + " reports), and kept across restarts",
            failed: "Failed: " + (c.message || "unknown reason"),
          }[c.phase] || c.phase;
          $("calibrate").disabled = c.phase === "countdown" || c.phase === "learning";
        }

        async function calibrate() {
          const out = $("calibration-status");
          try {
            const r = await fetch("/calibrate", { method: "POST", headers: { "Content-Type": "application/json" },
              body: JSON.stringify({ countdown: Number($("countdown").value), duration: Number($("duration").value) }) });
            out.textContent = (await r.text()).trim();
          } catch (e) {
            out.textContent = "the daemon did not answer: " + e;
          }
        }
        $("calibrate").addEventListener("click", calibrate);
        $("label-occupied").addEventListener("click", () => label(true));
        $("label-empty").addEventListener("click", () => label(false));

        function logEvent(text) {
          const li = document.createElement("li");
          li.textContent = new Date().toLocaleTimeString() + " " + text;
          $("events").prepend(li);
          while ($("events").childElementCount > 50) $("events").lastChild.remove();
        }

        function connect() {
          const live = new EventSource("/live");
          live.onopen = () => { $("link").dataset.state = "live"; $("link").textContent = "live"; };
          live.onerror = () => { $("link").dataset.state = "lost"; $("link").textContent = "reconnecting"; };
          live.onmessage = (m) => showTick(JSON.parse(m.data));
          live.addEventListener("occupancy", (m) => {
            const e = JSON.parse(m.data);
            showRoom(e.occupied, e.t);
            logEvent(e.occupied ? "occupied" : "vacant");
          });
          live.addEventListener("sensor", (m) => {
            const e = JSON.parse(m.data);
            reasons[e.sensor] = e.reason || "";
            logEvent(e.sensor + " " + e.status + (e.reason ? ": " + e.reason : ""));
          });
        }
        connect();

        """
}
