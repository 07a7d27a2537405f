import PresenceCore
import PresencePipeline

/// One recording as an inline SVG picture, top to bottom: sensor events, the
/// labels ("someone there"), what presenced said, whether that was right, and
/// a chart of p(occupied) with each modality's own score and the thresholds.
struct TimelineSVG {
    static let width = 960.0
    static let leftMargin = 150.0
    static let rightMargin = 12.0
    static let colors: [SensorKind: String] = [.camera: "#7c3aed", .audio: "#0284c7", .radar: "#db2777"]

    var trace: RecordingTrace
    var settings: Evaluation.Settings
    var tickPeriod: Int64

    private var origin: Int64 { trace.origin(tickPeriod: tickPeriod) }
    private var end: Int64 { max(trace.ticks.last?.t ?? origin, trace.labels.last?.t ?? origin) }
    private var plotWidth: Double { Self.width - Self.leftMargin - Self.rightMargin }

    private func x(_ t: Int64) -> Double {
        let span = Double(max(end - origin, 1))
        return Self.leftMargin + Double(t - origin) / span * plotWidth
    }

    func render() -> String {
        var svg = SVGWriter()
        var y = 4.0
        let sensorEvents = trace.events.compactMap { if case .sensor(let s) = $0 { s } else { nil } }
        if !sensorEvents.isEmpty {
            rowLabel(&svg, "sensor problems", y: y + 9)
            for e in sensorEvents {
                let colour = switch e.status {
                case .ok: "#16a34a"
                case .degraded: "#d97706"
                case .lost: "#dc2626"
                }
                let title = "\(seconds(e.t)): \(e.sensor.rawValue) \(e.status.rawValue)"
                svg.polygon(points: [(x(e.t) - 5, y), (x(e.t) + 5, y), (x(e.t), y + 10)], fill: colour, title: title)
                if e.status != .ok { svg.text(e.sensor.rawValue, x: x(e.t) + 6, y: y + 9, size: 10, fill: colour) }
            }
            y += 16
        }

        // Someone there, according to the labels.
        rowLabel(&svg, "someone there (labels)", y: y + 13)
        svg.rect(x: Self.leftMargin, y: y, width: plotWidth, height: 18, fill: "#f3f4f6")
        for seg in trace.labelSegments() {
            let x0 = x(seg.start), x1 = x(seg.end)
            let title = "\(seconds(seg.start)) to \(seconds(seg.end)): \(seg.condition)"
            svg.rect(x: x0, y: y, width: x1 - x0, height: 18, fill: seg.occupied ? "#93c5fd" : "#f3f4f6", title: title)
            if x1 - x0 > Double(seg.condition.count) * 6 + 8 {
                svg.text(seg.condition, x: x0 + 4, y: y + 13, size: 11, fill: "#1e3a8a")
            }
        }
        y += 22

        // What presenced said, and whether that was right.
        rowLabel(&svg, "presenced said", y: y + 13)
        svg.rect(x: Self.leftMargin, y: y, width: plotWidth, height: 18, fill: "#f3f4f6")
        runs(trace.ticks.map { $0.occupied ? "#15803d" : nil }) { x0, x1, fill in
            svg.rect(x: x0, y: y, width: x1 - x0, height: 18, fill: fill)
        }
        y += 22
        rowLabel(&svg, "right or wrong", y: y + 9)
        let hold = Int64((settings.holdSeconds * 1e9).rounded())
        let verdicts = zip(trace.ticks, trace.truth(hold: hold)).map { tick, truth -> String in
            guard let truth else { return Self.notCounted }
            if tick.occupied == truth.occupied { return Self.correct }
            return tick.occupied ? Self.falseAlarm : Self.missed
        }
        runs(verdicts) { x0, x1, fill in svg.rect(x: x0, y: y, width: x1 - x0, height: 10, fill: fill) }
        y += 16

        // p(occupied) and each modality's score.
        let chartTop = y + 4, chartHeight = 110.0
        func cy(_ p: Double) -> Double { chartTop + (1 - min(max(p, 0), 1)) * chartHeight }
        rowLabel(&svg, "p(occupied)", y: chartTop + 10)
        rowLabel(&svg, "and each sensor", y: chartTop + 24)
        svg.rect(x: Self.leftMargin, y: chartTop, width: plotWidth, height: chartHeight, fill: "#ffffff", stroke: "#d1d5db")
        for (p, name) in [(settings.onThreshold, "on"), (settings.offThreshold, "off")] {
            svg.line(x1: Self.leftMargin, y1: cy(p), x2: Self.leftMargin + plotWidth, y2: cy(p), stroke: "#9ca3af", dash: true)
            svg.text("\(name) \(ReportText.fixed(p, 2))", x: Self.leftMargin - 44, y: cy(p) + 4, size: 10, fill: "#6b7280")
        }
        for sensor in SensorKind.allCases {
            let points = trace.ticks.map { t in t.sources[sensor].map { (x(t.t), cy($0)) } }
            svg.polylines(points, stroke: Self.colors[sensor]!, width: 1)
        }
        svg.polylines(trace.ticks.map { (x($0.t), cy($0.probability)) }, stroke: "#111827", width: 1.8)
        y = chartTop + chartHeight

        // Time axis: seconds for short recordings, m:ss for longer ones.
        let total = Nanos.toSeconds(end - origin)
        let step = [5.0, 10, 15, 30, 60, 120, 300, 600, 1800, 3600].first { total / $0 <= 12 } ?? 7200
        var s = 0.0
        while s <= total + 1e-9 {
            let tx = x(origin + Nanos.seconds(s))
            let label = total < 90 ? "\(Int(s)) s" : "\(Int(s) / 60):\(Int(s) % 60 < 10 ? "0" : "")\(Int(s) % 60)"
            svg.line(x1: tx, y1: y, x2: tx, y2: y + 4, stroke: "#6b7280")
            svg.text(label, x: tx, y: y + 16, size: 10, fill: "#374151", anchor: tx > Self.width - Self.rightMargin - 20 ? "end" : "middle")
            s += step
        }
        return svg.finish(width: Self.width, height: y + 22, title: "Timeline of \(trace.name)")
    }

    static let correct = "#bbf7d0"
    static let falseAlarm = "#dc2626"
    static let missed = "#f59e0b"
    static let notCounted = "#e5e7eb"

    private func seconds(_ t: Int64) -> String { ReportText.seconds(Nanos.toSeconds(t - origin)) }

    private func rowLabel(_ svg: inout SVGWriter, _ text: String, y: Double) {
        svg.text(text, x: 4, y: y, size: 11, fill: "#374151")
    }

    /// Calls `draw` once per run of equal, non-nil colours over the ticks (each tick spans the period before it).
    private func runs(_ colours: [String?], draw: (Double, Double, String) -> Void) {
        var i = 0
        let ticks = trace.ticks
        while i < colours.count {
            guard let c = colours[i] else { i += 1; continue }
            var j = i
            while j + 1 < colours.count, colours[j + 1] == c { j += 1 }
            draw(x(ticks[i].t - tickPeriod), x(ticks[j].t), c)
            i = j + 1
        }
    }
}
