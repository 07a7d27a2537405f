import Foundation
import Testing
@testable import PresenceService

/// The pause between MQTT connection attempts: it lasts, every time; a wake ends it; a wake that
/// comes while nobody sleeps ends the next one. Sleeps that only a wake can end are an hour long: that
/// they return at all is the check (the time limit catches one that does not), since the whole suite
/// shares two threads and a timely resumption cannot be promised while other tests block them.
@Suite(.timeLimit(.minutes(5))) struct InterruptibleSleepTests {
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
        Thread.detachNewThread {
            usleep(100_000)
            sleep.wake()
        }
        await sleep.sleep(nil)
        // And the next sleep is a whole one again.
        let next = await seconds { await sleep.sleep(.milliseconds(200)) }
        #expect(next >= 0.19, "\(next)")
    }

    @Test func aWakeWhileNobodySleepsEndsTheNextSleepOnlyUnlessForgotten() async {
        let sleep = InterruptibleSleep()
        sleep.wake()
        await sleep.sleep(.seconds(3600))
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
        await task.value
    }
}
