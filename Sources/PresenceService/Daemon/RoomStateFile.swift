import Foundation
import Logging
import PresenceCore
import PresenceFusion
import PresencePipeline

/// The room's state kept across restarts: `room-state.json` in `[state] dir` (`/var/lib/presenced` under
/// systemd). The daemon writes it at every change of the room or a sensor, every `refresh` while the room
/// is occupied (so that a crash does not lose the hold), and at stop; it reads it once at start. A write
/// is atomic and durable: a temporary file, fsync, rename over the old one, fsync of the directory. A
/// reader sees the old state or the new one, never half of one.
struct RoomStateFile {
    static let name = "room-state.json"
    static let format = "presenced-room-state"
    static let version = 1
    /// While the room is occupied the state is written again this often (sample time), even without a
    /// change: the hold's deadline moves with every tick that shows someone.
    static let refresh: Int64 = 10 * Nanos.perSecond

    let path: String

    init(directory: String) {
        path = (directory as NSString).appendingPathComponent(Self.name)
    }

    /// The wall clock (CLOCK_REALTIME), ns since the Unix epoch: how old a saved state is across a restart.
    /// Never a sample time (those are on the monotonic clock, DESIGN.md §1).
    static func wallClock() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * Nanos.perSecond + Int64(ts.tv_nsec)
    }

    /// What the file holds, in the names a reader of it sees.
    private struct Content: Codable, Equatable {
        var format: String
        var version: Int
        /// Wall-clock time of the write, ns since the Unix epoch: how old the state is at the next start.
        var savedAt: Int64
        /// Sample time of the tick the state was taken at (the clock the times below are on).
        var t: Int64
        var occupied: Bool
        var since: Int64
        /// Occupied: the room turns vacant at this sample time unless evidence comes.
        var holdUntil: Int64?
        var lastProbable: Int64?
        var confidence: Double
        var sensors: [String: String]

        enum CodingKeys: String, CodingKey {
            case format, version, t, occupied, since, confidence, sensors
            case savedAt = "saved_at", holdUntil = "hold_until", lastProbable = "last_probable"
        }
    }

    /// Writes `room` as taken at wall-clock time `savedAt`; a failure says what failed (the caller logs it).
    func save(_ room: RoomState, savedAt: Int64) throws(ServerError) {
        let content = Content(
            format: Self.format, version: Self.version, savedAt: savedAt, t: room.t, occupied: room.tracker.occupied,
            since: room.tracker.since, holdUntil: room.tracker.holdUntil, lastProbable: room.tracker.lastProbable,
            confidence: room.confidence,
            sensors: Dictionary(uniqueKeysWithValues: room.sensors.map { ($0.key.rawValue, $0.value.rawValue) }))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let bytes: [UInt8]
        do {
            bytes = Array(try encoder.encode(content)) + [UInt8(ascii: "\n")]
        } catch {
            throw ServerError(.ioError, "\(path): cannot encode the room state: \(error)")
        }
        try Self.writeAtomically(bytes, to: path)
    }

    /// The outcome of reading the file at start.
    enum Loaded: Equatable {
        /// A state to take up, saved `age` ns ago (wall clock).
        case restore(RoomState, savedAt: Int64, age: Int64)
        /// Nothing to take up, and why (for the one log line); `problem` when the file is there but unusable.
        case none(reason: String, problem: Bool)
    }

    /// Reads the file: a state saved at most `within` ns before `now` (wall clock) is taken up; an absent,
    /// old, damaged or foreign file, or one from the future (the clock went back), is not.
    func load(now: Int64, within: Int64) -> Loaded {
        guard within > 0 else { return .none(reason: "fusion.restore_within is 0s: the room starts vacant", problem: false) }
        guard let data = FileManager.default.contents(atPath: path) else {
            let absent = !FileManager.default.fileExists(atPath: path)
            return .none(reason: absent ? "no saved room state (\(path))" : "\(path): cannot read it", problem: !absent)
        }
        let content: Content
        do {
            content = try JSONDecoder().decode(Content.self, from: data)
        } catch {
            return .none(reason: "\(path): damaged (not a room state that parses): the room starts vacant", problem: true)
        }
        guard content.format == Self.format, content.version == Self.version else {
            return .none(reason: "\(path): not a room state of this version (format \"\(content.format)\" version \(content.version)): the room starts vacant",
                         problem: true)
        }
        var sensors: [SensorKind: SensorStatus] = [:]
        for (name, status) in content.sensors {
            guard let sensor = SensorKind(rawValue: name), let s = SensorStatus(rawValue: status) else {
                return .none(reason: "\(path): damaged (unknown sensor or status \"\(name)\": \"\(status)\"): the room starts vacant", problem: true)
            }
            sensors[sensor] = s
        }
        guard content.since <= content.t, (0...1).contains(content.confidence),
              content.occupied == (content.holdUntil != nil), content.occupied == (content.lastProbable != nil) else {
            return .none(reason: "\(path): damaged (its times or confidence do not fit together): the room starts vacant", problem: true)
        }
        let age = now - content.savedAt
        // A second of slack: the clock may be stepped by that much (NTP) between a stop and a start.
        guard age >= -Nanos.perSecond else {
            return .none(reason: "\(path): saved \(DurationText.format(-age)) in the future (the clock went back?): the room starts vacant",
                         problem: true)
        }
        guard age <= within else {
            return .none(reason: "saved room state is \(DurationText.format(age)) old, older than fusion.restore_within (\(DurationText.format(within))): the room starts vacant",
                         problem: false)
        }
        let tracker = Tracker.Snapshot(occupied: content.occupied, since: content.since, holdUntil: content.holdUntil,
                                       lastProbable: content.lastProbable)
        return .restore(RoomState(t: content.t, tracker: tracker, confidence: content.confidence, sensors: sensors),
                        savedAt: content.savedAt, age: max(0, age))
    }

    /// Write to `PATH.tmp`, fsync, rename over `PATH`, fsync the directory; nothing is left behind on failure.
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws(ServerError) {
        let directory = (path as NSString).deletingLastPathComponent
        let temporary = path + ".tmp"
        func fail(_ what: String) -> ServerError {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            return ServerError(.ioError, "\(path): cannot \(what): \(reason)")
        }
        if !directory.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o750])
            } catch {
                throw ServerError(.ioError, "\(path): cannot create its directory: \(error.localizedDescription)")
            }
        }
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw fail("write") }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, $0.count - written) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else {
                close(fd)
                throw fail("write")
            }
            written += n
        }
        guard fsync(fd) == 0 else {
            close(fd)
            throw fail("fsync")
        }
        close(fd)
        guard rename(temporary, path) == 0 else { throw fail("rename into place") }
        let dir = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dir >= 0 {
            fsync(dir)
            close(dir)
        }
    }
}

/// When the pipeline's thread writes the room's state: at every change, every `RoomStateFile.refresh` of
/// sample time while the room is occupied, and at stop. A failed write is logged once (and its recovery),
/// never retried in a loop: the daemon goes on without it.
struct RoomStateSaver {
    let file: RoomStateFile
    let logger: Logger
    private var lastSaved: Int64?
    private var failing = false

    init(file: RoomStateFile, logger: Logger) {
        self.file = file
        self.logger = logger
    }

    /// `changed`: the tick published events (the room or a sensor changed).
    mutating func saveIfDue(_ room: RoomState, changed: Bool) {
        let refreshDue = room.tracker.occupied && lastSaved.map { room.t - $0 >= RoomStateFile.refresh } ?? true
        if changed || refreshDue { save(room) }
    }

    mutating func save(_ room: RoomState) {
        lastSaved = room.t
        do {
            try file.save(room, savedAt: RoomStateFile.wallClock())
            if failing { logger.notice("room state saved again", metadata: ["file": "\(file.path)"]) }
            failing = false
        } catch {
            if !failing { logger.warning("cannot save the room state; a restart will start vacant", metadata: ["error": "\(error)"]) }
            failing = true
        }
    }
}
