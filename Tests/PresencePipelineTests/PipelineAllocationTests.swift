import PresenceCore
import PresenceFusion
import PresenceSimulator
import PresenceTestSupport
import Testing
@testable import PresencePipeline

/// The whole pipeline, as `replay` runs it (the built-in model, all three sensors, a person in view),
/// allocates nothing per sample or tick once warmed up, counted per thread by the allocation counter that
/// `make test` preloads (scripts/alloc/). Without it this is skipped.
@Suite(.enabled(if: AllocationCounter.available, "make test preloads scripts/alloc's counter"))
struct PipelineAllocationTests {
    @Test func aSecondOfSamplesAllocatesNothing() throws {
        var samples: [Sample] = []
        Simulator(scene: .sitStill, duration: 40 * Nanos.perSecond, seed: 2).run { o in
            if case .sample(let s) = o { samples.append(s) }
        }
        let pipeline = Pipeline(options: .init(tracker: Tracker.Parameters(), expectedSensors: [.camera, .audio, .radar]),
                                classifier: try MLPFusion(model: .builtin))
        var events: [PresenceEvent] = []
        events.reserveCapacity(64)
        // 30 s to learn the background and settle the noise floors; the person sits from about 12 s.
        let warm = samples.firstIndex { $0.t >= Simulator.defaultStart + 30 * Nanos.perSecond } ?? samples.count
        var i = 0
        while i < warm {
            pipeline.ingest(samples[i], events: &events)
            i += 1
        }
        events.removeAll(keepingCapacity: true)
        let end = samples.firstIndex { $0.t >= Simulator.defaultStart + 31 * Nanos.perSecond } ?? samples.count
        let n = AllocationCounter.allocations {
            while i < end {
                pipeline.ingest(samples[i], events: &events)
                events.removeAll(keepingCapacity: true)
                i += 1
            }
        }
        #expect(end - warm > 60, "a second of samples (15 frames, 50 audio chunks, about 10 radar reads): \(end - warm)")
        #expect(n == 0, "\(n) allocations in a second of samples (\(end - warm) samples, 10 ticks)")
    }
}
