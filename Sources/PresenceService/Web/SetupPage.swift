/// The live page (DESIGN.md §9): one document, its script and its style, all served by the daemon (the
/// device has no internet; no outside URL, no build step, no framework). The script reads `GET /live`.
/// The Content-Security-Policy lets the page load only these, from the daemon itself. The script is in
/// SetupPageScript.swift.
enum SetupPage {
    static let contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
        + "img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    static let html = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>presenced</title>
        <link rel="icon" href="data:,">
        <link rel="stylesheet" href="/setup.css">
        <script src="/setup.js" defer></script>
        </head>
        <body>
        <header>
          <h1>presenced</h1>
          <div id="room" data-state="vacant"><span id="room-word">waiting for the daemon</span> <small id="room-since"></small></div>
          <div id="link" data-state="connecting">connecting</div>
        </header>
        <main>
          <section id="fusion">
            <h2>Fusion</h2>
            <div class="row"><span class="name">p(occupied)</span><span class="bar"><i id="p-bar"></i></span><span id="p" class="value">–</span></div>
            <div id="scores"></div>
          </section>
          <section id="actions">
            <h2>Label this moment</h2>
            <p class="note">Goes into the flight recorder's clip as a label, ready for <code>presenced train</code>.</p>
            <button id="label-occupied" type="button">Someone is here</button>
            <button id="label-empty" type="button">Nobody is here</button>
            <p id="action-result" class="note" role="status"></p>
            <h2>The empty room</h2>
            <p class="note">The radar learns what this room gives with nobody in it (its furniture, a fan), so that
            only people stand out. Start it, leave the room before the countdown ends, and stay out until it is done.</p>
            <label>Countdown <input id="countdown" type="number" min="0" max="300" value="15"> s</label>
            <label>Learning <input id="duration" type="number" min="10" max="600" value="60"> s</label>
            <button id="calibrate" type="button">Calibrate the empty room</button>
            <p id="calibration-status" class="note" role="status"></p>
          </section>
          <section id="sensors">
            <h2>Sensors</h2>
            <ul id="sensor-list"></ul>
          </section>
          <section id="radar-view" hidden>
            <h2>Radar</h2>
            <div id="radar-bars"></div>
            <canvas id="gates" width="450" height="170" hidden></canvas>
            <p class="note" id="gates-note" hidden>Per gate (0.75 m each): moving (blue) and still (orange) energy; the
            grey line is the room's baseline, the black one where energy starts to count as someone, the red dash the
            module's own threshold.</p>
            <p class="note" id="radar-note"></p>
            <div id="zones-editor">
              <h2>Zones (LD2450)</h2>
              <canvas id="floor" width="300" height="300"></canvas>
              <p class="note">From above: the module at the bottom, 6 m out, 4 m to each side. Drag on the plan to
              draw a zone: include zones limit the room to them, exclude zones take out a fan, a curtain, a window.
              Targets outside them are grey and not counted.</p>
              <label>Draw <select id="zone-kind"><option value="include">include</option>
                <option value="exclude">exclude</option></select></label>
              <label>Range <input id="range" type="number" min="0.5" max="8" step="0.1" placeholder="all"> m</label>
              <ul id="zone-list"></ul>
              <p id="zone-states" class="note"></p>
              <button id="zones-save" type="button">Save zones</button>
              <button id="zones-clear" type="button">Remove all</button>
              <p id="zones-status" class="note" role="status"></p>
            </div>
          </section>
          <section id="camera-view" hidden>
            <h2>Camera</h2>
            <div id="camera-bars"></div>
            <canvas id="mask" width="160" height="120" hidden></canvas>
            <canvas id="preview" width="160" height="120" hidden></canvas>
            <p class="note">The foreground mask (what the camera takes for something that moved in), not the picture.</p>
          </section>
          <section id="audio-view" hidden>
            <h2>Microphone</h2>
            <div id="audio-bars"></div>
            <ol id="sound-classes"></ol>
          </section>
          <section id="timeline-view">
            <h2>Last 10 minutes</h2>
            <canvas id="timeline" width="900" height="140"></canvas>
            <ol id="events"></ol>
          </section>
        </main>
        </body>
        </html>

        """

    static let css = """
        body { font: 15px/1.4 system-ui, sans-serif; margin: 0; background: #f6f6f4; color: #222; }
        header { display: flex; gap: 1.5em; align-items: baseline; padding: .8em 1.2em; background: #fff; border-bottom: 1px solid #ddd; }
        h1 { font-size: 1.2em; margin: 0; }
        h2 { font-size: 1em; margin: 0 0 .5em; }
        #room { font-size: 1.4em; font-weight: 600; padding: .1em .6em; border-radius: .3em; }
        #room[data-state="occupied"] { background: #2e7d32; color: #fff; }
        #room[data-state="vacant"] { background: #e0e0e0; }
        #room small { font-weight: 400; font-size: .6em; }
        #link { margin-left: auto; color: #777; }
        #link[data-state="lost"] { color: #b71c1c; }
        main { display: grid; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); gap: 1em; padding: 1em 1.2em; }
        section { background: #fff; border: 1px solid #ddd; border-radius: .4em; padding: .8em 1em; }
        #timeline-view { grid-column: 1 / -1; }
        #timeline { width: 100%; height: 140px; }
        #gates, #floor { width: 100%; max-width: 450px; background: #fafafa; }
        #mask, #preview { width: 160px; height: 120px; background: #111; image-rendering: pixelated; }
        button { font: inherit; padding: .3em .8em; margin: .2em .4em .2em 0; }
        input[type=number] { width: 4em; }
        #calibration-status[data-phase="countdown"] { color: #b71c1c; font-weight: 600; font-size: 1.2em; }
        .row { display: flex; align-items: center; gap: .5em; margin: .2em 0; }
        .name { width: 9em; }
        .value { width: 4.5em; text-align: right; font-variant-numeric: tabular-nums; }
        .bar { flex: 1; height: .8em; background: #eee; position: relative; border-radius: .2em; overflow: hidden; }
        .bar i { position: absolute; left: 0; top: 0; bottom: 0; background: #1565c0; }
        .bar b { position: absolute; top: 0; bottom: 0; width: 2px; background: #e65100; }
        #sensor-list { list-style: none; padding: 0; margin: 0; }
        #sensor-list li[data-status="ok"]::before { content: "● "; color: #2e7d32; }
        #sensor-list li[data-status="degraded"]::before { content: "● "; color: #f9a825; }
        #sensor-list li[data-status="lost"]::before { content: "● "; color: #b71c1c; }
        #events { font-size: .85em; color: #555; max-height: 10em; overflow: auto; }
        .note { font-size: .85em; color: #666; }

        """
}
