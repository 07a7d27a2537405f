import Foundation
import Testing
@testable import PresenceService

/// The pause between MQTT connection attempts: it lasts, every time; a wake ends it; a wake that
/// comes while nobody sleeps ends the next one.
struct InterruptibleSleepTests {
    private func seconds(_ body: () async -> Void) async -> Double {
        let start = ContinuousClock.now
        await body()
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    @Test func everySleepLastsItsDuration() async {
        let sleep = InterruptibleSleep()
        for _ in 0..<3 {
            let took = await seconds { await sleep.sleep(.milliseconds(200)) }
            #expect(took >= 0.19, "\(took)")
        }
    }

    @Test func aWakeEndsASleepEarly() async {
        let sleep = InterruptibleSleep()
        Task {
            try? await Task.sleep(for: .milliseconds(100))
            sleep.wake()
        }
        let took = await seconds { await sleep.sleep(nil) }
        #expect(took < 5, "\(took)")
        // And the next sleep is a whole one again.
        let next = await seconds { await sleep.sleep(.milliseconds(200)) }
        #expect(next >= 0.19, "\(next)")
    }

    @Test func aWakeWhileNobodySleepsEndsTheNextSleepOnlyUnlessForgotten() async {
        let sleep = InterruptibleSleep()
        sleep.wake()
        #expect(await seconds { await sleep.sleep(.seconds(10)) } < 1)
        #expect(await seconds { await sleep.sleep(.milliseconds(200)) } >= 0.19)
        sleep.wake()
        sleep.forgetWake()
        #expect(await seconds { await sleep.sleep(.milliseconds(200)) } >= 0.19)
    }

    @Test func cancellingTheSleeperEndsTheSleep() async {
        let sleep = InterruptibleSleep()
        let task = Task { await sleep.sleep(nil) }
        try? await Task.sleep(for: .milliseconds(100))
        task.cancel()
        let took = await seconds { await task.value }
        #expect(took < 5, "\(took)")
    }
}
