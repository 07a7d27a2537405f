import Foundation
import PresenceCore
import PresenceRecording
import Testing

/// What `make test-vm` recorded in its QEMU guest (scripts/vm/): the vivid camera
/// on the real V4L2 stack, with an unplug and a replug, and snd-aloop capture of a
/// known signal. Runs only with PRESENCED_VM_OUT set (by scripts/vm/test.sh).
@Suite(.enabled(if: ProcessInfo.processInfo.environment["PRESENCED_VM_OUT"] != nil, "make test-vm runs these"))
struct VMCaptureTests {
    static let out = URL(fileURLWithPath: ProcessInfo.processInfo.environment["PRESENCED_VM_OUT"] ?? "/nonexistent")

    @Test func cameraAndMicrophoneOnRealDriversWithAReconnect() throws {
        let status = try String(contentsOf: Self.out.appendingPathComponent("status"), encoding: .utf8)
        let log = (try? String(contentsOf: Self.out.appendingPathComponent("guest.log"), encoding: .utf8)) ?? ""
        #expect(status.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "guest test failed:\n\(log)")

        let reader = try RecordingReader(path: Self.out.appendingPathComponent("capture.mcap").path)
        var frames: [(Int64, VideoFrame)] = [], audio: [Int16] = [], events: [[String: Any]] = []
        while let m = try reader.next() {
            switch m.content {
            case .sample(let s):
                switch s.payload {
                case .video(let f): frames.append((s.t, f))
                case .audio(let a): audio += a.samples
                case .serial: Issue.record("no radar was configured")
                }
            case .event(let e): events.append((try? JSONSerialization.jsonObject(with: Data(e.utf8)) as? [String: Any]) ?? [:])
            case .label: break
            }
        }
        // vivid's test pattern (colour bars: 8 grey levels), in time order, at the size nearest to the one asked
        // for that its webcam input has (320x180: it keeps 16:9).
        #expect(frames.count >= 20, "\(frames.count) frames")
        #expect(frames.allSatisfy { $0.1.width == 320 && $0.1.height == frames[0].1.height && $0.1.height <= 240 })
        #expect(zip(frames, frames.dropFirst()).allSatisfy { $0.0 < $1.0 })
        #expect(frames.contains { f in Set(f.1.luma).count >= 4 }, "the frames are flat: no test pattern")

        // The unplugged camera was reported lost, with the driver's reason, and came back without a restart.
        // (An emulated guest on a busy host can stall the camera for over 2 s before that: each stall is a
        // "no data" lost followed by ok, reported as it happened; the unplug must be the last lost.)
        let camera = events.filter { $0["type"] as? String == "sensor" && $0["sensor"] as? String == "camera" }
        let statuses = camera.map { $0["status"] as? String ?? "" }
        #expect(statuses.count >= 2 && statuses.count % 2 == 0 && statuses.enumerated().allSatisfy { $1 == ($0 % 2 == 0 ? "lost" : "ok") },
                "\(camera)\n\(log)")
        let unplug = camera.dropLast().last
        #expect((unplug?["reason"] as? String ?? "").contains("/dev/video0"), "the unplug's reason names the device: \(camera)")
        #expect(camera.dropLast(2).allSatisfy { ($0["reason"] as? String ?? "").hasPrefix("no data") || $0["status"] as? String == "ok" }, "\(camera)")
        if let lost = unplug, let back = camera.last, let t0 = lost["t"] as? Int64, let t1 = back["t"] as? Int64 {
            #expect(frames.contains { $0.0 < t0 } && frames.contains { $0.0 > t1 }, "frames before the unplug and after the replug")
        }

        // The played signal arrives through snd-aloop bit for bit, after whatever silence came before it. Under
        // emulation aplay can fall behind later on (the loopback then fills in silence): the first second must be exact.
        let input = try Data(contentsOf: Self.out.appendingPathComponent("input.raw")).withUnsafeBytes { Array($0.bindMemory(to: Int16.self)) }
        let start = try #require(audio.firstIndex(of: input[1]).map { $0 - 1 }, "the played signal is not in the capture")
        #expect(start >= 0 && audio.count - start >= 16000, "only \(audio.count - start) samples after the signal began")
        if start >= 0, audio.count - start >= 16000 {
            #expect(Array(audio[start..<(start + 16000)]) == Array(input[0..<16000]))
        }
    }

    /// guest_faults.py: a daemon stopped for a second (longer than its capture buffer) finds an ALSA overrun
    /// when it goes on: the microphone is `degraded` and counted, and `ok` again after a loss-free window.
    @Test func anALSAOverrunIsADegradedMicrophoneAndCounted() throws {
        let faults = try Self.faults()
        let overrun = try #require(faults["overrun"] as? [String: Any])
        let audio = (overrun["events"] as? [[String: Any]] ?? []).filter { $0["type"] as? String == "sensor" && $0["sensor"] as? String == "audio" }
        #expect(audio.map { $0["status"] as? String ?? "" } == ["degraded", "ok"], "\(audio)")
        let reason = audio.first.flatMap { $0["reason"] as? String } ?? ""
        #expect(reason.contains("ALSA overrun"), "\(audio)")
        #expect((overrun["overruns"] as? Double ?? 0) >= 1)
        #expect(overrun["exit"] as? Int == 0)
    }

    /// guest_faults.py: the wall clock set an hour back, two forward and back again: a daemon whose only
    /// sensor is missing (nothing but its own timed waits make it tick) ticks on at 10 Hz through each jump.
    @Test func wallClockJumpsDoNotStopTheTicks() throws {
        let faults = try Self.faults()
        let clock = try #require(faults["clock"] as? [String: Any])
        let ticks = clock["ticks"] as? [Double] ?? [], walls = clock["walls"] as? [Double] ?? []
        #expect(ticks.count == 4 && walls.count == 4)
        guard ticks.count == 4, walls.count == 4 else { return }
        // The jumps happened (each 2 s wait spans them), and ticks went on in each 2 s after one.
        #expect(walls[1] - walls[0] < -3000 && walls[2] - walls[1] > 6000 && walls[3] - walls[2] < -3000, "\(walls)")
        for k in 1..<4 { #expect(ticks[k] - ticks[k - 1] >= 10, "ticks \(ticks) after the jump to \(walls[k])") }
        #expect(clock["exit"] as? Int == 0)
    }

    /// guest_faults.py: the snd-aloop card removed (unbound from its driver, as a USB microphone pulled out)
    /// and bound again while the camera captures: the microphone is lost with the system's reason, the camera
    /// carries on, and the microphone is ok again once the card is back, without a restart.
    @Test func aMicrophoneUnpluggedIsLostWhileTheCameraCarriesOnAndOkWhenBack() throws {
        let faults = try Self.faults()
        let unplug = try #require(faults["unplug"] as? [String: Any])
        let events = unplug["events"] as? [[String: Any]] ?? []
        let audio = events.filter { $0["type"] as? String == "sensor" && $0["sensor"] as? String == "audio" }
        #expect(audio.map { $0["status"] as? String ?? "" } == ["lost", "ok"], "\(events)")
        // ALSA's own words for a card that went away (EIO from snd_pcm_readi), not a timeout of ours.
        let reason = audio.first.flatMap { $0["reason"] as? String } ?? ""
        #expect(reason.hasPrefix("read hw:Loopback,1,0: ") && !reason.contains("no data"), "the system's reason: \(reason)")
        let camera = unplug["camera"] as? [Double] ?? []
        #expect(camera.count == 2 && camera[1] - camera[0] >= 15, "camera frames while the microphone was away: \(camera)")
        // The camera is not disturbed while the microphone is away. (Under software emulation it may flap at
        // its start, before the unplug: slow first frames.)
        let away = events.drop { $0["sensor"] as? String != "audio" }.prefix { !($0["sensor"] as? String == "audio" && $0["status"] as? String == "ok") }
        #expect(!away.contains { $0["sensor"] as? String == "camera" }, "\(events)")
        #expect(unplug["exit"] as? Int == 0)
    }

    static func faults() throws -> [String: Any] {
        let data = try Data(contentsOf: out.appendingPathComponent("faults.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }
}
