import PresenceCore
import PresencePipeline

/// The evaluation as one self-contained HTML page (no scripts, no external
/// files): a summary in plain words first, then tables per recording, per
/// condition and per sensor, then a timeline picture of every recording.
public struct HTMLReport {
    public var evaluation: Evaluation
    public var traces: [RecordingTrace]

    public init(evaluation: Evaluation, traces: [RecordingTrace]) {
        self.evaluation = evaluation
        self.traces = traces
    }

    /// The targets the summary checks against (issue 7): a finding that misses one is marked.
    static let goodAccuracy = 0.97
    static let goodEntryMedian = 1.0
    static let goodOneSensorRemovedF1 = 0.9

    private var tickPeriod: Int64 { Nanos.seconds(evaluation.settings.tickSeconds) }

    public func render() -> String {
        let o = evaluation.overall
        let labelled = o.emptySeconds + o.occupiedSeconds
        var h = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>presenced evaluation</title>
        <style>\(Self.css)</style></head><body>
        <h1>How well did presenced tell whether someone was in the room?</h1>
        <p class="lead">\(ReportText.count(o.recordings, "recording")), \(ReportText.duration(labelled)) of labelled time
        (\(ReportText.duration(o.occupiedSeconds)) with someone there, \(ReportText.duration(o.emptySeconds)) empty).
        Model: <code>\(ReportText.escape(evaluation.settings.model))</code>; the room stays “occupied” for
        \(ReportText.seconds(evaluation.settings.holdSeconds)) after the last sign of a person (the hold), and that time after
        someone leaves is not counted as a mistake.</p>
        <ul class="findings">
        """
        for f in findings() { h += "<li class=\"\(f.good ? "good" : "bad")\"><span class=\"mark\">\(f.good ? "✔" : "✘")</span> \(f.html)</li>" }
        h += "</ul>"
        h += "<p class=\"small\">For engineers: per-tick precision \(ReportText.ratio(o.ticks.precision)), recall \(ReportText.ratio(o.ticks.recall)), F1 \(ReportText.ratio(o.ticks.f1)) over \(o.ticks.total) ticks of \(ReportText.seconds(evaluation.settings.tickSeconds)); thresholds on \(ReportText.fixed(evaluation.settings.onThreshold, 2)), off \(ReportText.fixed(evaluation.settings.offThreshold, 2)). All figures are also in <code>metrics.json</code>.</p>"
        h += recordingTable() + comparisonTable() + conditionTable() + modalityTable() + legend()
        for (trace, r) in zip(traces, evaluation.recordings) {
            h += "<section><h3 id=\"\(anchor(trace.name))\">\(ReportText.escape(trace.name))</h3>"
            h += "<p class=\"small\">\(ReportText.escape(trace.path)) · \(verdict(r.score))</p>"
            h += TimelineSVG(trace: trace, settings: evaluation.settings, tickPeriod: tickPeriod).render()
            h += "</section>"
        }
        return h + "</body></html>\n"
    }

    // MARK: Findings in plain words

    private struct Finding { var good: Bool; var html: String }

    private func findings() -> [Finding] {
        let o = evaluation.overall
        var out: [Finding] = []
        if let accuracy = o.ticks.accuracy {
            out.append(Finding(good: accuracy >= Self.goodAccuracy,
                               html: "presenced was right <b>\(ReportText.percent(accuracy))</b> of the time (checked every \(ReportText.seconds(evaluation.settings.tickSeconds)))."))
        }
        let entries = o.entryLatency.count + o.missedEntries
        if entries > 0 {
            var text = "It noticed <b>\(o.entryLatency.count) of \(entries)</b> arrivals"
            if let median = o.entryLatency.median, let p95 = o.entryLatency.p95 {
                text += "; half of them within <b>\(ReportText.seconds(median))</b>, 95 % within \(ReportText.seconds(p95))"
            }
            text += "."
            if o.missedEntries > 0 { text += " Missed: " + listing(\.missedEntries) + "." }
            out.append(Finding(good: o.missedEntries == 0 && (o.entryLatency.median ?? .infinity) < Self.goodEntryMedian, html: text))
        }
        var alarms = "It raised <b>\(ReportText.count(o.falseAlarms, "false alarm"))</b> in \(ReportText.duration(o.emptySeconds)) of empty room"
        if let rate = o.falseAlarmsPerEmptyHour, o.falseAlarms > 0 { alarms += " (\(ReportText.fixed(rate, 1)) per hour)" }
        alarms += o.falseAlarms > 0 ? ": " + listing(\.falseAlarms) + "." : "."
        out.append(Finding(good: o.falseAlarms == 0, html: alarms))
        var vacancies = "It said the room was empty while someone was there <b>\(ReportText.count(o.falseVacancies, "time"))</b>"
        vacancies += o.falseVacancies > 0 ? ": " + listing(\.falseVacancies) + "." : "."
        out.append(Finding(good: o.falseVacancies == 0, html: vacancies))
        let exits = o.exitLatency.count + o.unclearedExits
        if exits > 0 {
            var text = "After people left, it reported the room empty \(ReportText.count(o.exitLatency.count, "time")) of \(exits)"
            if let median = o.exitLatency.median {
                text += ", typically <b>\(ReportText.seconds(median))</b> later (the hold is \(ReportText.seconds(evaluation.settings.holdSeconds)))"
            }
            text += "."
            if o.unclearedExits > 0 { text += " Never cleared: " + listing(\.unclearedExits) + "." }
            out.append(Finding(good: o.unclearedExits == 0, html: text))
        }
        let without = evaluation.comparisons.filter { $0.name.hasPrefix("presenced without ") }
        if !without.isEmpty {
            let worst = without.min { ($0.overall.ticks.f1 ?? 0) < ($1.overall.ticks.f1 ?? 0) }!
            let parts = without.map { "\(ReportText.escape(String($0.name.dropFirst("presenced ".count)))) \(ReportText.percent($0.overall.ticks.accuracy))" }
            out.append(Finding(good: (worst.overall.ticks.f1 ?? 0) >= Self.goodOneSensorRemovedF1,
                               html: "With one sensor taken away it was still right: \(parts.joined(separator: ", ")) of the time (F1 at worst <b>\(ReportText.ratio(worst.overall.ticks.f1))</b>, \(ReportText.escape(String(worst.name.dropFirst("presenced ".count)))))."))
        }
        let baselines = evaluation.comparisons.filter { !$0.name.hasPrefix("presenced ") }
        if let best = baselines.min(by: { $0.overall.falseAlarms < $1.overall.falseAlarms }) {
            out.append(Finding(good: o.falseAlarms <= best.overall.falseAlarms,
                               html: "The simplest detectors on the same data: the fewest false alarms, \(best.overall.falseAlarms), came from “\(ReportText.escape(best.name))”; presenced raised \(o.falseAlarms) (the table “Side by side” has them all)."))
        }
        return out
    }

    /// "television at 1.8 s, pet at 5.9 s and 45.4 s" (at most 8 places, then "and N more").
    private func listing(_ times: KeyPath<RecordingScore, [Double]>) -> String {
        var parts: [String] = []
        var shown = 0, total = 0
        for r in evaluation.recordings where !r.score[keyPath: times].isEmpty {
            let t = r.score[keyPath: times]
            total += t.count
            guard shown < 8 else { continue }
            let when = t.prefix(8 - shown).map { ReportText.seconds($0) }.joined(separator: ", ")
            shown += min(t.count, 8 - shown)
            parts.append("<a href=\"#\(anchor(r.score.name))\">\(ReportText.escape(r.score.name))</a> at \(when)")
        }
        return parts.joined(separator: "; ") + (total > shown ? " and \(total - shown) more" : "")
    }

    // MARK: Tables

    private func recordingTable() -> String {
        var h = "<h2>Each recording</h2><table><tr><th>recording</th><th>time scored</th><th>right</th><th>F1</th><th>arrivals noticed</th><th>typical delay</th><th>false alarms</th><th>said empty wrongly</th><th>in words</th></tr>"
        for r in evaluation.recordings {
            let s = r.score, t = r.totals
            let entries = s.entryLatencies.count + s.missedEntries.count
            h += "<tr class=\"\(isClean(s) ? "" : "problem")\"><td><a href=\"#\(anchor(s.name))\">\(ReportText.escape(s.name))</a></td>"
            h += "<td>\(ReportText.duration(s.emptySeconds + s.occupiedSeconds))</td><td>\(ReportText.percent(s.ticks.accuracy))</td><td>\(ReportText.ratio(s.ticks.f1))</td>"
            h += "<td>\(entries == 0 ? "–" : "\(s.entryLatencies.count) of \(entries)")</td><td>\(ReportText.seconds(t.entryLatency.median))</td>"
            h += "<td>\(s.falseAlarms.count)</td><td>\(s.falseVacancies.count)</td><td>\(verdict(s))</td></tr>"
        }
        return h + "</table>"
    }

    private func comparisonTable() -> String {
        guard !evaluation.comparisons.isEmpty else { return "" }
        var h = "<h2>Side by side</h2><p class=\"small\">The same ticks through presenced with one sensor taken away, and through the simplest detectors people use today (each with its own hold; thresholds in <code>Baseline</code>).</p>"
        h += "<table><tr><th>detector</th><th>right</th><th>precision</th><th>recall</th><th>F1</th><th>arrivals noticed</th><th>typical delay</th><th>false alarms</th><th>per empty hour</th></tr>"
        func row(_ name: String, _ t: Evaluation.Totals, ours: Bool) -> String {
            let arrivals = t.entryLatency.count + t.missedEntries
            return "<tr\(ours ? " class=\"ours\"" : "")><td>\(ReportText.escape(name))</td><td>\(ReportText.percent(t.ticks.accuracy))</td>"
                + "<td>\(ReportText.ratio(t.ticks.precision))</td><td>\(ReportText.ratio(t.ticks.recall))</td><td>\(ReportText.ratio(t.ticks.f1))</td>"
                + "<td>\(arrivals == 0 ? "–" : "\(t.entryLatency.count) of \(arrivals)")</td><td>\(ReportText.seconds(t.entryLatency.median))</td>"
                + "<td>\(t.falseAlarms)</td><td>\(t.falseAlarmsPerEmptyHour.map { ReportText.fixed($0, 2) } ?? "–")</td></tr>"
        }
        h += row("presenced", evaluation.overall, ours: true)
        for c in evaluation.comparisons { h += row(c.name, c.overall, ours: false) }
        return h + "</table>"
    }

    private func conditionTable() -> String {
        var h = "<h2>Each condition</h2><p class=\"small\">Every labelled moment belongs to one condition (the label's <code>condition</code>): what the room was like then. <em>Switched on</em>: of its stretches that found the room vacant, how many made presenced say occupied (within the stretch or 2 s after it) — for a sound played alone into a quiet room, whether presenced heard it as a person.</p>"
        h += "<table><tr><th>condition</th><th>time</th><th>someone there</th><th>right</th><th>precision</th><th>recall</th><th>F1</th><th>switched on</th></tr>"
        for (name, c) in evaluation.conditions.sorted(by: { $0.key < $1.key }) {
            let seconds = Double(c.total) * evaluation.settings.tickSeconds
            let occupied = Double(c.truePositives + c.falseNegatives) / Double(max(c.total, 1))
            h += "<tr class=\"\((c.accuracy ?? 1) < Self.goodAccuracy ? "problem" : "")\"><td>\(ReportText.escape(name))</td><td>\(ReportText.duration(seconds))</td>"
            h += "<td>\(ReportText.percent(occupied))</td><td>\(ReportText.percent(c.accuracy))</td><td>\(ReportText.ratio(c.precision))</td><td>\(ReportText.ratio(c.recall))</td><td>\(ReportText.ratio(c.f1))</td>"
            let s = evaluation.switchedOn[name]
            h += "<td>\(s.map { "\($0.switchedOn) of \($0.stretches)" } ?? "–")</td></tr>"
        }
        return h + "</table>"
    }

    private func modalityTable() -> String {
        var h = "<h2>Each sensor on its own</h2><p class=\"small\">What each sensor's own score (0.5 or more = someone there) would have said, on the ticks it delivered data; presenced combines them.</p>"
        h += "<table><tr><th>sensor</th><th>time</th><th>right</th><th>precision</th><th>recall</th><th>F1</th></tr>"
        for sensor in SensorKind.allCases {
            guard let c = evaluation.modalities[sensor.rawValue] else { continue }
            h += "<tr><td><span class=\"swatch\" style=\"background:\(TimelineSVG.colors[sensor]!)\"></span>\(sensor.rawValue)</td>"
            h += "<td>\(ReportText.duration(Double(c.total) * evaluation.settings.tickSeconds))</td><td>\(ReportText.percent(c.accuracy))</td>"
            h += "<td>\(ReportText.ratio(c.precision))</td><td>\(ReportText.ratio(c.recall))</td><td>\(ReportText.ratio(c.f1))</td></tr>"
        }
        return h + "</table>"
    }

    private func legend() -> String {
        func swatch(_ colour: String, _ text: String) -> String { "<span><span class=\"swatch\" style=\"background:\(colour)\"></span>\(text)</span>" }
        return """
        <h2>Timelines</h2>
        <p class="legend">\(swatch("#93c5fd", "someone there (labels)")) \(swatch("#15803d", "presenced said occupied"))
        \(swatch(TimelineSVG.correct, "right")) \(swatch(TimelineSVG.falseAlarm, "false alarm")) \(swatch(TimelineSVG.missed, "missed someone"))
        \(swatch(TimelineSVG.notCounted, "not counted (hold after leaving)")) \(swatch("#111827", "p(occupied)"))
        \(SensorKind.allCases.map { swatch(TimelineSVG.colors[$0]!, "\($0.rawValue) score") }.joined(separator: " "))</p>
        <p class="small">Time runs left to right from the start of each recording. Triangles on top mark sensors lost (red) and back (green). Hover for details.</p>
        """
    }

    // MARK: Helpers

    private func isClean(_ s: RecordingScore) -> Bool {
        s.falseAlarms.isEmpty && s.falseVacancies.isEmpty && s.missedEntries.isEmpty && s.unclearedExits.isEmpty
    }

    /// What went wrong in a recording, in a few words; "as labelled" when nothing did.
    private func verdict(_ s: RecordingScore) -> String {
        guard s.ticks.total > 0 else { return "no labels: not scored" }
        var problems: [String] = []
        func at(_ v: [Double]) -> String { v.prefix(4).map { ReportText.seconds($0) }.joined(separator: ", ") + (v.count > 4 ? "…" : "") }
        if !s.falseAlarms.isEmpty { problems.append("false alarm at \(at(s.falseAlarms))") }
        if !s.missedEntries.isEmpty { problems.append("missed the arrival at \(at(s.missedEntries))") }
        if !s.falseVacancies.isEmpty { problems.append("said empty at \(at(s.falseVacancies)) while someone was there") }
        if !s.unclearedExits.isEmpty { problems.append("never cleared after the exit at \(at(s.unclearedExits))") }
        return problems.isEmpty ? "✔ as labelled" : "✘ " + problems.joined(separator: "; ")
    }

    private func anchor(_ name: String) -> String {
        "r-" + String(name.map { $0.isLetter || $0.isNumber ? $0 : "-" })
    }

    static let css = """
    body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#111827;line-height:1.45}
    h1{font-size:1.6em;margin-bottom:.3em}h2{margin-top:1.8em;border-bottom:1px solid #e5e7eb;padding-bottom:.2em}h3{margin:1.4em 0 .2em}
    .lead{font-size:1.05em}.small{color:#4b5563;font-size:.88em}
    ul.findings{list-style:none;padding:0;font-size:1.1em}ul.findings li{padding:.45em .7em;margin:.35em 0;border-radius:6px}
    li.good{background:#f0fdf4;border-left:5px solid #16a34a}li.bad{background:#fef2f2;border-left:5px solid #dc2626}
    .mark{font-weight:bold;margin-right:.3em}li.good .mark{color:#16a34a}li.bad .mark{color:#dc2626}
    table{border-collapse:collapse;width:100%;font-size:.9em}th,td{text-align:left;padding:.3em .5em;border-bottom:1px solid #e5e7eb;white-space:nowrap}td:last-child{white-space:normal}
    th{background:#f9fafb}tr.problem td{background:#fff7ed}tr.ours td{font-weight:600}
    .swatch{display:inline-block;width:.9em;height:.9em;border-radius:2px;margin:0 .3em 0 .6em;vertical-align:-.1em}
    .legend{font-size:.9em}svg{display:block;margin:.3em 0 1em}code{background:#f3f4f6;padding:0 .2em;border-radius:3px}
    """
}
