import PresencePipeline

/// The evaluation as a plain-text table for a terminal: one row per recording, then the totals.
public enum TextSummary {
    public static func table(_ e: Evaluation) -> String {
        let header = ["recording", "labelled", "right", "precision", "recall", "F1", "arrivals", "median delay", "false alarms", "said empty wrongly"]
        var rows: [[String]] = e.recordings.map { r in
            row(r.score.name, r.totals)
        }
        rows.append(row("ALL", e.overall))
        let widths = header.indices.map { i in max(header[i].count, rows.map { $0[i].count }.max() ?? 0) }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in c.padding(toLength: widths[i], withPad: " ", startingAt: 0) }.joined(separator: "  ")
        }
        var out = [line(header), line(widths.map { String(repeating: "-", count: $0) })]
        out += rows.dropLast().map(line)
        out.append(line(widths.map { String(repeating: "-", count: $0) }))
        out.append(line(rows.last!))
        var rates: [String] = []
        if let r = e.overall.falseAlarmsPerEmptyHour { rates.append("false alarms per hour of empty room: \(ReportText.fixed(r, 2))") }
        if let p95 = e.overall.entryLatency.p95 { rates.append("arrival delay p95: \(ReportText.seconds(p95))") }
        if let m = e.overall.exitLatency.median { rates.append("exit delay median: \(ReportText.seconds(m)) (hold \(ReportText.seconds(e.settings.holdSeconds)))") }
        return (out + rates + comparison(e)).joined(separator: "\n")
    }

    /// presenced beside itself without each sensor and beside the baselines, on the same ticks.
    static func comparison(_ e: Evaluation) -> [String] {
        guard !e.comparisons.isEmpty else { return [] }
        let header = ["detector", "right", "precision", "recall", "F1", "arrivals", "median delay", "false alarms", "per empty hour"]
        func row(_ name: String, _ t: Evaluation.Totals) -> [String] {
            let arrivals = t.entryLatency.count + t.missedEntries
            return [name, ReportText.percent(t.ticks.accuracy), ReportText.ratio(t.ticks.precision), ReportText.ratio(t.ticks.recall),
                    ReportText.ratio(t.ticks.f1), arrivals == 0 ? "–" : "\(t.entryLatency.count)/\(arrivals)",
                    ReportText.seconds(t.entryLatency.median), String(t.falseAlarms),
                    t.falseAlarmsPerEmptyHour.map { ReportText.fixed($0, 2) } ?? "–"]
        }
        let rows = [row("presenced", e.overall)] + e.comparisons.map { row($0.name, $0.overall) }
        let widths = header.indices.map { i in max(header[i].count, rows.map { $0[i].count }.max() ?? 0) }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in c.padding(toLength: widths[i], withPad: " ", startingAt: 0) }.joined(separator: "  ")
        }
        return ["", "side by side, on the same ticks:", line(header), line(widths.map { String(repeating: "-", count: $0) })] + rows.map(line)
    }

    private static func row(_ name: String, _ t: Evaluation.Totals) -> [String] {
        let arrivals = t.entryLatency.count + t.missedEntries
        return [name, ReportText.duration(t.emptySeconds + t.occupiedSeconds), ReportText.percent(t.ticks.accuracy),
                ReportText.ratio(t.ticks.precision), ReportText.ratio(t.ticks.recall), ReportText.ratio(t.ticks.f1),
                arrivals == 0 ? "–" : "\(t.entryLatency.count)/\(arrivals)", ReportText.seconds(t.entryLatency.median),
                String(t.falseAlarms), String(t.falseVacancies)]
    }
}
