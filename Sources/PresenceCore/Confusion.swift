/// Per-tick counts of a detector against the labels; "positive" is occupied.
public struct Confusion: Sendable, Equatable, Codable {
    private enum CodingKeys: String, CodingKey {
        case truePositives, falsePositives, trueNegatives, falseNegatives, precision, recall, f1, accuracy
    }

    public var truePositives = 0
    public var falsePositives = 0
    public var trueNegatives = 0
    public var falseNegatives = 0

    public init() {}

    public mutating func add(predicted: Bool, actual: Bool) {
        switch (predicted, actual) {
        case (true, true): truePositives += 1
        case (true, false): falsePositives += 1
        case (false, false): trueNegatives += 1
        case (false, true): falseNegatives += 1
        }
    }

    public static func + (a: Confusion, b: Confusion) -> Confusion {
        var c = a
        c.truePositives += b.truePositives
        c.falsePositives += b.falsePositives
        c.trueNegatives += b.trueNegatives
        c.falseNegatives += b.falseNegatives
        return c
    }

    public var total: Int { truePositives + falsePositives + trueNegatives + falseNegatives }

    /// nil when the detector never said occupied (nothing to be precise about).
    public var precision: Double? { ratio(truePositives, truePositives + falsePositives) }
    /// nil when nobody was there (nothing to recall).
    public var recall: Double? { ratio(truePositives, truePositives + falseNegatives) }
    public var f1: Double? {
        let denominator = 2 * truePositives + falsePositives + falseNegatives
        return ratio(2 * truePositives, denominator)
    }
    /// Share of ticks the detector got right; nil without ticks.
    public var accuracy: Double? { ratio(truePositives + trueNegatives, total) }

    private func ratio(_ a: Int, _ b: Int) -> Double? { b == 0 ? nil : Double(a) / Double(b) }
}

extension Confusion {
    /// The counts and, for readers of metrics.json, the ratios derived from them (null when undefined).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(truePositives, forKey: .truePositives)
        try c.encode(falsePositives, forKey: .falsePositives)
        try c.encode(trueNegatives, forKey: .trueNegatives)
        try c.encode(falseNegatives, forKey: .falseNegatives)
        try c.encode(precision, forKey: .precision)
        try c.encode(recall, forKey: .recall)
        try c.encode(f1, forKey: .f1)
        try c.encode(accuracy, forKey: .accuracy)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        truePositives = try c.decode(Int.self, forKey: .truePositives)
        falsePositives = try c.decode(Int.self, forKey: .falsePositives)
        trueNegatives = try c.decode(Int.self, forKey: .trueNegatives)
        falseNegatives = try c.decode(Int.self, forKey: .falseNegatives)
    }
}
