import PresenceCore
import PresenceRecording
import Testing
@testable import PresenceService

/// The simulated scenes run straight through the pipeline, without files.
@Suite struct PipelineSceneTests {
    static func run(_ scene: SimulatedScene, seconds: Int64, seed: UInt64 = 1) -> SceneExpectations {
        let tracker = PresenceConfig.Fusion().trackerParameters
        let pipeline = Pipeline(options: .init(tracker: tracker, expectedSensors: [.camera, .audio, .radar]))
        var events: [PresenceEvent] = []
        var labels: [SceneExpectations.Label] = []
        let sim = Simulator(scene: scene, duration: seconds * Nanos.perSecond, seed: seed)
        sim.run { output in
            switch output {
            case .sample(let s): pipeline.ingest(s, events: &events)
            case .label(let t, let occupied, _, _): labels.append(.init(t: t, occupied: occupied))
            }
        }
        pipeline.finish(events: &events)
        return SceneExpectations(labels: labels, events: events, hold: tracker.hold)
    }

    @Test(arguments: [(SimulatedScene.empty, Int64(60)), (.walkThrough, 60), (.sitStill, 120)])
    func sceneMeetsExpectations(scene: SimulatedScene, seconds: Int64) {
        let result = Self.run(scene, seconds: seconds)
        #expect(result.problems() == [], "\(scene.rawValue)")
    }
}
