import PresenceCore

/// Which of an LD2450's targets are people, for rooms never calibrated and ghosts that came after a calibration
/// (a radiator turned on, a fan, a cabinet moved in). The module gives no energy to tell a ghost from a person
/// who stands still; what tells them apart is where a target has been. Its targets are followed from report to
/// report (tracks: closest pairs first, within a gate that widens while one that walked is lost), and:
/// - a person walks: a track that has gone `walk` (0.6 m) from where it was born counts, from then on (measured
///   again from where it lands after a step longer than a walker's: that is the track taking another thing's
///   target, not walking);
/// - a ghost appears out of nothing and stays on its spot, however fast it says it moves (a fan, a vibrating
///   appliance): a track that never went anywhere does not count;
/// - the module loses a person who sits still and finds them again: a track born near a place where a track that
///   walked stood still (a person's place, kept until 10 minutes without anyone there), or where one was lost
///   (for a minute: the module often loses people as they sit or lie down), counts at once; unless it is born
///   at a ghost's spot (where tracks that never walked were seen for `spotSeconds` in all: kept an hour), or a
///   ghost by the door would be taken for everyone who walked out past it.
/// A person's place becomes the room's once it has held someone long enough, by what the pipeline believes about
/// the room (`RoomBelief`): confirmed empty (vacant for a whole hold, the camera or the microphone agreeing) 10
/// minutes, otherwise 3 hours, the time an LD2410's baseline takes to learn a new static reflection by the radar
/// alone; whoever is there must then walk again to count. Limits (the README's): someone already sitting still
/// when the radar starts is not counted until they move; someone who sits still for 3 hours with nothing but the
/// radar to see them is learned away until they walk.
struct LD2450Tracks {
    /// Seconds a person's place must hold someone to become the room's, by belief.
    static func learnAfter(_ room: RoomBelief) -> Double {
        switch room {
        case .occupied, .vacant: 3 * 3600
        case .confirmedEmpty: 600
        }
    }
    /// Metres its smoothed position must go from where a track was born to count as someone who walked (the
    /// module's jitter, smoothed, stays a twentieth of it), and the longest step a walker takes in a report (1.5
    /// m/s and jitter). A longer one is the track jumping to another target (two ghosts half a metre apart, back
    /// and forth), or a walker found again after being lost: the walk is measured again from there.
    static let walk: Float = 0.6
    static let longestStep: Float = 0.45
    /// A track takes a target within this many metres of it (a walker goes 0.1-0.15 m a report, and the module's
    /// jitter on a walker is as much again); one that walked, plus 1 m for every second it was not seen, at most
    /// `widestGate`. A track that never walked does not widen: it would jump from a ghost to a fan beside it and
    /// seem to walk.
    static let gate: Float = 0.6
    static let lostSpeed: Float = 1
    static let widestGate: Float = 1.2
    /// A track not seen for this long is gone.
    static let trackForgetSeconds = 2.0
    /// A person's place (and a ghost's spot): its radius, and how long it is kept without anyone there.
    static let placeRadius = RadarCalibrator.ghostRadius
    static let placeForgetSeconds = 600.0
    /// Where a track that walked was lost, and nobody has been seen standing since: kept a minute.
    static let lostForgetSeconds = 60.0
    /// Where tracks that never walked were seen this long in all is a ghost's spot; kept an hour without one there.
    static let spotSeconds = 3.0
    static let spotForgetSeconds = 3600.0
    /// A track's smoothed position follows its targets by this share a report (the module's jitter of 3-8 cm
    /// is not movement: a third of it is left); slower than `standing` m/s by it, a track stands.
    static let smoothing: Float = 0.3
    static let standing: Float = 0.3
    static let capacity = 8
    static let reportSeconds: Float = 0.1

    struct Track {
        var x: Float, y: Float
        /// Smoothed position, and where the walk is measured from (where it was born, or last jumped to).
        var sx: Float, sy: Float
        var fromX: Float, fromY: Float
        var walked: Bool
        /// Smoothed metres a report the smoothed position moves.
        var step: Float = 0
        /// Seconds since it was last seen.
        var unseen = 0.0
        var matched = false

        /// How far from it a target may be to be its: a track that walked widens while it is lost.
        var gate: Float {
            walked ? min(LD2450Tracks.widestGate, LD2450Tracks.gate + LD2450Tracks.lostSpeed * Float(unseen)) : LD2450Tracks.gate
        }
    }

    struct Place {
        var x: Float, y: Float
        /// Seconds since someone first stood there (weighted by belief), and since anyone last did.
        var held = 0.0
        var unseen = 0.0
        var hit = false
        /// Someone was seen standing there, not only lost there: kept `placeForgetSeconds`, not `lostForgetSeconds`.
        var stoodOn = true
        /// A spot: seconds tracks that never walked were seen there.
        var seen = 0.0

        func contains(_ x: Float, _ y: Float) -> Bool { LD2450Tracks.distance(self.x, self.y, x, y) <= LD2450Tracks.placeRadius }
    }

    private(set) var tracks: [Track] = []
    /// Where people who walked in stood still (or were lost).
    private(set) var places: [Place] = []
    /// Where ghosts stay: tracks that never walked.
    private(set) var spots: [Place] = []

    init() {
        tracks.reserveCapacity(Self.capacity)
        places.reserveCapacity(Self.capacity)
        spots.reserveCapacity(Self.capacity)
    }

    /// Follows one report's targets (`skip`: the calibration's ghosts, not followed) and says which count as
    /// people: bit n for slot n. Targets and tracks pair up closest first (a walker passing a ghost keeps their
    /// own track, whichever slot the module gives either); a target no track takes starts a new one.
    mutating func observe(_ targets: LD2450Targets, skip: (LD2450Target) -> Bool) -> UInt8 {
        for i in tracks.indices { tracks[i].matched = false }
        var pending: UInt8 = 0
        for (slot, t) in targets.enumerated() where t.isPresent && !skip(t) { pending |= 1 << slot }
        var people: UInt8 = 0
        while pending != 0 {
            var best: (slot: Int, track: Int, distance: Float)?
            for slot in 0..<LD2450Targets.slots where pending & (1 << slot) != 0 {
                let (x, y) = Self.position(targets[slot])
                for (i, k) in tracks.enumerated() where !k.matched {
                    let d = Self.distance(k.x, k.y, x, y)
                    if d <= k.gate, d < best?.distance ?? .infinity { best = (slot, i, d) }
                }
            }
            let slot = best?.slot ?? pending.trailingZeroBitCount
            let (x, y) = Self.position(targets[slot])
            let i = best.map { update($0.track, x, y) } ?? born(x, y)
            pending &= ~(1 << slot)
            if tracks[i].walked { people |= 1 << slot }
        }
        return people
    }

    static func position(_ t: LD2450Target) -> (Float, Float) { (Float(t.xMm) / 1000, Float(t.yMm) / 1000) }

    /// Metres between (ax, ay) and (bx, by).
    static func distance(_ ax: Float, _ ay: Float, _ bx: Float, _ by: Float) -> Float {
        ((ax - bx) * (ax - bx) + (ay - by) * (ay - by)).squareRoot()
    }

    /// Track `i` takes the target at (x, y).
    private mutating func update(_ i: Int, _ x: Float, _ y: Float) -> Int {
        var k = tracks[i]
        let (px, py) = (k.sx, k.sy)
        let jumped = Self.distance(k.x, k.y, x, y) > Self.longestStep
        (k.x, k.y) = (x, y)
        k.sx += (x - k.sx) * Self.smoothing
        k.sy += (y - k.sy) * Self.smoothing
        let moved = Self.distance(px, py, k.sx, k.sy)
        k.step += (moved - k.step) * Self.smoothing
        if jumped { (k.fromX, k.fromY) = (k.sx, k.sy) }
        if Self.distance(k.fromX, k.fromY, k.sx, k.sy) >= Self.walk { k.walked = true }
        (k.unseen, k.matched) = (0, true)
        tracks[i] = k
        return i
    }

    /// A new track at (x, y); its index.
    private mutating func born(_ x: Float, _ y: Float) -> Int {
        if tracks.count == Self.capacity {
            // Full: the longest lost one goes (a report holds three targets, so at most three tracks are matched).
            var stale: Int?
            for (i, k) in tracks.enumerated() where !k.matched && k.unseen >= stale.map({ tracks[$0].unseen }) ?? 0 { stale = i }
            if let stale { tracks.remove(at: stale) }
        }
        // Born where someone who walked in stood still: the module found them again (not a ghost there).
        let returning = places.contains { $0.contains(x, y) } && !spots.contains { $0.seen >= Self.spotSeconds && $0.contains(x, y) }
        tracks.append(Track(x: x, y: y, sx: x, sy: y, fromX: x, fromY: y, walked: returning, unseen: 0, matched: true))
        return tracks.count - 1
    }

    /// Closes a tick of `seconds`: lost tracks age, people who walked in and stand still mark their place, places
    /// held long enough become the room's.
    mutating func adapt(_ room: RoomBelief, seconds: Double) {
        for i in tracks.indices.reversed() {
            if !tracks[i].matched { tracks[i].unseen += seconds }
            guard tracks[i].unseen > Self.trackForgetSeconds else { continue }
            // Someone who walked in and was lost: as they sat or lay down, maybe (the module loses people who stop
            // moving), so where they were lost is their place for a minute.
            if tracks[i].walked { lost(at: tracks[i].x, tracks[i].y) }
            tracks.remove(at: i)
        }
        for k in tracks where k.walked && k.unseen == 0 && k.step / Self.reportSeconds < Self.standing { stood(at: k.sx, k.sy) }
        for k in tracks where !k.walked && k.unseen == 0 { spotted(at: k.sx, k.sy, for: seconds) }
        for i in spots.indices.reversed() {
            spots[i].unseen = spots[i].hit ? 0 : spots[i].unseen + seconds
            spots[i].hit = false
            if spots[i].unseen > Self.spotForgetSeconds { spots.remove(at: i) }
        }
        let pace = Self.learnAfter(.occupied) / Self.learnAfter(room)
        for i in places.indices.reversed() {
            places[i].unseen = places[i].hit ? 0 : places[i].unseen + seconds
            places[i].held += seconds * pace
            places[i].hit = false
            if places[i].unseen > (places[i].stoodOn ? Self.placeForgetSeconds : Self.lostForgetSeconds) {
                places.remove(at: i)
            } else if places[i].held >= Self.learnAfter(.occupied) {
                // Whoever stands there is the room's now, until they walk again.
                let place = places.remove(at: i)
                for j in tracks.indices where place.contains(tracks[j].sx, tracks[j].sy) {
                    (tracks[j].walked, tracks[j].fromX, tracks[j].fromY) = (false, tracks[j].sx, tracks[j].sy)
                }
            }
        }
    }

    /// Someone who walked in stands at (x, y): their place, or a new one.
    private mutating func stood(at x: Float, _ y: Float) {
        if let i = places.firstIndex(where: { $0.contains(x, y) }) {
            (places[i].hit, places[i].stoodOn) = (true, true)
            return
        }
        Self.add(Place(x: x, y: y, hit: true), to: &places)
    }

    /// A track that walked was lost at (x, y).
    private mutating func lost(at x: Float, _ y: Float) {
        guard !places.contains(where: { $0.contains(x, y) }) else { return }
        Self.add(Place(x: x, y: y, hit: true, stoodOn: false), to: &places)
    }

    /// A track that never walked was seen at (x, y) for a tick of `seconds`.
    private mutating func spotted(at x: Float, _ y: Float, for seconds: Double) {
        if let i = spots.firstIndex(where: { $0.contains(x, y) }) {
            (spots[i].hit, spots[i].seen) = (true, spots[i].seen + seconds)
            return
        }
        Self.add(Place(x: x, y: y, hit: true, seen: seconds), to: &spots)
    }

    /// A new place or spot; when full, the one unseen longest makes room.
    private static func add(_ place: Place, to list: inout [Place]) {
        if list.count == capacity, let stale = list.indices.max(by: { list[$0].unseen < list[$1].unseen }) {
            list.remove(at: stale)
        }
        list.append(place)
    }
}
