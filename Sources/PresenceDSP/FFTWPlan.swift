import CFFTW3
import Synchronization

/// A real-to-complex FFTW plan with its own aligned buffers, made once and reused.
/// FFTW's planner is not thread-safe, so plan creation and destruction are
/// serialised; executing a plan on its own buffers is safe. FFTW_ESTIMATE keeps
/// the chosen algorithm, and so the floating-point result, the same on every run.
final class FFTWPlan {
    private static let plannerLock = Mutex(())

    let size: Int
    private let input: UnsafeMutablePointer<Float>
    private let output: UnsafeMutablePointer<fftwf_complex>
    private let plan: fftwf_plan

    init(size: Int) {
        self.size = size
        let input = fftwf_alloc_real(size)!
        let output = fftwf_alloc_complex(size / 2 + 1)!
        // The plan pointer is only handed out of the critical section, never shared.
        nonisolated(unsafe) var made: fftwf_plan?
        Self.plannerLock.withLock { _ in
            made = fftwf_plan_dft_r2c_1d(Int32(size), input, output, UInt32(FFTW_ESTIMATE))
        }
        self.input = input
        self.output = output
        plan = made!
    }

    deinit {
        nonisolated(unsafe) let plan = plan
        Self.plannerLock.withLock { _ in fftwf_destroy_plan(plan) }
        fftwf_free(input)
        fftwf_free(output)
    }

    /// Transforms `signal` (exactly `size` samples) and writes |X[k]|² for k in 0...size/2.
    func powerSpectrum(_ signal: UnsafeBufferPointer<Float>, into power: inout [Float]) {
        precondition(signal.count == size, "signal length must equal the plan size")
        input.update(from: signal.baseAddress!, count: size)
        fftwf_execute(plan)
        let bins = size / 2 + 1
        if power.count != bins { power = [Float](repeating: 0, count: bins) }
        output.withMemoryRebound(to: Float.self, capacity: 2 * bins) { c in
            for k in 0..<bins { power[k] = c[2 * k] * c[2 * k] + c[2 * k + 1] * c[2 * k + 1] }
        }
    }
}
