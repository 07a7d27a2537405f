/// Builds inline SVG markup. Coordinates are written with one decimal: enough
/// on screen, and the same text on every machine.
struct SVGWriter {
    private var body = ""

    mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String, stroke: String? = nil, title: String? = nil) {
        body += "<rect x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(max(width, 0.5)))\" height=\"\(n(height))\" fill=\"\(fill)\""
        if let stroke { body += " stroke=\"\(stroke)\"" }
        close("rect", title)
    }

    mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String, dash: Bool = false) {
        body += "<line x1=\"\(n(x1))\" y1=\"\(n(y1))\" x2=\"\(n(x2))\" y2=\"\(n(y2))\" stroke=\"\(stroke)\""
        if dash { body += " stroke-dasharray=\"4 3\"" }
        body += "/>"
    }

    mutating func polygon(points: [(Double, Double)], fill: String, title: String? = nil) {
        body += "<polygon points=\"\(points.map { "\(n($0.0)),\(n($0.1))" }.joined(separator: " "))\" fill=\"\(fill)\""
        close("polygon", title)
    }

    /// One polyline per run of non-nil points (a modality that drops out leaves a gap).
    mutating func polylines(_ points: [(Double, Double)?], stroke: String, width: Double) {
        var run: [String] = []
        func flush() {
            if run.count > 1 {
                body += "<polyline fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(n(width))\" stroke-linejoin=\"round\" points=\"\(run.joined(separator: " "))\"/>"
            }
            run.removeAll(keepingCapacity: true)
        }
        for p in points {
            guard let p else { flush(); continue }
            run.append("\(n(p.0)),\(n(p.1))")
        }
        flush()
    }

    /// `anchor`: start, middle or end (where `x` is on the text).
    mutating func text(_ s: String, x: Double, y: Double, size: Double, fill: String, anchor: String = "start") {
        body += "<text x=\"\(n(x))\" y=\"\(n(y))\" font-size=\"\(n(size))\" fill=\"\(fill)\""
        if anchor != "start" { body += " text-anchor=\"\(anchor)\"" }
        body += ">\(ReportText.escape(s))</text>"
    }

    func finish(width: Double, height: Double, title: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 \(n(width)) \(n(height))\" width=\"100%\" aria-label=\"\(ReportText.escape(title))\">\(body)</svg>"
    }

    /// Ends the open `element`; a title becomes its tooltip.
    private mutating func close(_ element: String, _ title: String?) {
        if let title { body += "><title>\(ReportText.escape(title))</title></\(element)>" } else { body += "/>" }
    }

    private func n(_ v: Double) -> String { ReportText.fixed(v, 1) }
}
