/// What a lenient read skipped: how many damaged parts, and the first one in words.
struct SkippedDamage {
    private(set) var count = 0
    private(set) var first: String?

    mutating func note(_ what: String) {
        count += 1
        if first == nil { first = what }
    }

    /// One line for the user, or nil when nothing was skipped.
    var summary: String? {
        guard let first else { return nil }
        return count == 1 ? first : "\(count) damaged parts, the first: \(first)"
    }
}
