import PresenceRecording

/// The functions libFuzzer drives, by name. Each must return normally for any
/// input: bad input is a thrown error, never a trap.
enum FuzzTargets {
    static let all: [String: @Sendable ([UInt8]) -> Void] = [
        "mcap-reader": readRecording,
    ]

    /// Reads every message of a recording held in memory, strictly and then leniently.
    static func readRecording(_ data: [UInt8]) {
        for lenient in [false, true] {
            guard let reader = try? RecordingReader(bytes: data, lenient: lenient) else { continue }
            _ = reader.topics
            _ = reader.metadata
            while (try? reader.next()) != nil {}
            _ = reader.skippedDamage
        }
    }
}
