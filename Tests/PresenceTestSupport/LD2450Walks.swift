import PresenceCore

/// LD2450 reports of people who walk in and stand still, as the module reports them: a target that moves 1.5 m
/// towards the sensor at 1 m/s (speed -100 cm/s), then stays with a few centimetres of jitter and speed 0. Only
/// targets that walked in count as people (`LD2450Tracks`), so tests that count targets start from these.
public enum LD2450Walks {
    /// `reports` reports (10 a second) of one person per place; each walks in over the first 15 reports.
    public static func walkIn(to places: [(x: Float, y: Float)], reports: Int = 40) -> [LD2450Targets] {
        (0..<reports).map { k in
            let walking = k < 15
            let left = walking ? 1.5 * Float(15 - k) / 15 : 0
            let jitter = Float((k * 37) % 7 - 3) / 100
            return LD2450Targets(places.map { p in
                LD2450Target(xMm: Int16((p.x + jitter) * 1000), yMm: Int16((p.y + left + jitter) * 1000),
                             speedCmS: walking ? -100 : 0, resolutionMm: 360)
            })
        }
    }
}
