import CALSA
import Glibc
import PresenceCore
import Synchronization

/// An ALSA capture device: 16-bit mono at the configured rate in periods of
/// about 20 ms. A device whose hardware differs is reached through ALSA's
/// `plug` (the usual `default`, or `plughw:…`). Overruns are recovered with
/// `snd_pcm_recover` and counted. A chunk's time is when its first frame was
/// captured: the read time minus what was still queued.
public final class MicrophoneDevice: CaptureDevice {
    public let sensor = SensorKind.audio
    public let name: String
    public let requestedRate: Int
    /// The rate the device agreed to (may differ slightly from the request without `plug`).
    public private(set) var rate: Int
    /// Overruns recovered so far (read from other threads for metrics).
    public var overruns: Int { overrunCount.load(ordering: .relaxed) }
    private let overrunCount = Atomic<Int>(0)
    public private(set) var periodFrames = 0

    private let clock: CaptureClock
    private var pcm: OpaquePointer?
    private var buffer: [Int16] = []
    private var chunks = RecycledBuffers<Int16>(slots: 8, zero: 0)

    public init(name: String, rate: Int, clock: CaptureClock) {
        self.name = name
        requestedRate = rate
        self.rate = rate
        self.clock = clock
    }

    public func open() throws(CaptureError) {
        close()
        var handle: OpaquePointer?
        let r = snd_pcm_open(&handle, name, SND_PCM_STREAM_CAPTURE, 0)
        guard r >= 0, let handle else { throw Self.alsa("open \(name)", r) }
        pcm = handle
        do {
            try configure(handle)
        } catch {
            close()
            throw error
        }
    }

    private func configure(_ pcm: OpaquePointer) throws(CaptureError) {
        var params: OpaquePointer?
        guard snd_pcm_hw_params_malloc(&params) >= 0, let params else { throw CaptureError("\(name): out of memory") }
        defer { snd_pcm_hw_params_free(params) }
        func check(_ what: String, _ r: Int32) throws(CaptureError) {
            guard r >= 0 else { throw Self.alsa("\(name): \(what) (try plug:\(name) or plughw:…)", r) }
        }
        try check("no hardware parameters", snd_pcm_hw_params_any(pcm, params))
        try check("interleaved access", snd_pcm_hw_params_set_access(pcm, params, SND_PCM_ACCESS_RW_INTERLEAVED))
        try check("16-bit little-endian samples", snd_pcm_hw_params_set_format(pcm, params, SND_PCM_FORMAT_S16_LE))
        try check("one channel", snd_pcm_hw_params_set_channels(pcm, params, 1))
        var rate = UInt32(requestedRate)
        try check("\(requestedRate) Hz", snd_pcm_hw_params_set_rate_near(pcm, params, &rate, nil))
        // A period of 20 ms: latency low enough for a 100 ms tick, few enough wake-ups.
        var period = snd_pcm_uframes_t(max(1, Int(rate) / 50))
        try check("a period of \(period) frames", snd_pcm_hw_params_set_period_size_near(pcm, params, &period, nil))
        var bufferSize = period * 8
        try check("a buffer of \(bufferSize) frames", snd_pcm_hw_params_set_buffer_size_near(pcm, params, &bufferSize))
        try check("hardware parameters", snd_pcm_hw_params(pcm, params))
        try check("prepare", snd_pcm_prepare(pcm))
        try check("start", snd_pcm_start(pcm))
        self.rate = Int(rate)
        periodFrames = Int(period)
        if buffer.count != periodFrames { buffer = [Int16](repeating: 0, count: periodFrames) }
    }

    public func read(timeoutMs: Int32, emit: (Sample) -> Void) throws(CaptureError) {
        guard let pcm else { throw CaptureError("\(name) is not open") }
        let ready = snd_pcm_wait(pcm, timeoutMs)
        if ready == 0 { return }
        if ready < 0 { return try recover(pcm, Int32(ready)) }
        let frames = buffer.withUnsafeMutableBytes { snd_pcm_readi(pcm, $0.baseAddress, snd_pcm_uframes_t(periodFrames)) }
        if frames == -Int(EAGAIN) { return }
        if frames < 0 { return try recover(pcm, Int32(frames)) }
        // Frames still queued behind these, for the capture time of the first one.
        var queued: snd_pcm_sframes_t = 0
        if snd_pcm_delay(pcm, &queued) < 0 { queued = 0 }
        let age = Int64(Int(queued) + frames) * Nanos.perSecond / Int64(rate)
        let samples = buffer.withUnsafeBufferPointer { read in
            chunks.fill(count: frames) { _ = $0.update(fromContentsOf: UnsafeBufferPointer(rebasing: read[0..<frames])) }
        }
        let chunk = AudioChunk(sampleRate: rate, samples: samples)
        emit(Sample(t: clock.now() - age, payload: .audio(chunk)))
    }

    /// An overrun (the pipeline or the system was late) is recovered and counted; anything else fails the device.
    private func recover(_ pcm: OpaquePointer, _ error: Int32) throws(CaptureError) {
        if error == -EPIPE { overrunCount.add(1, ordering: .relaxed) }
        let r = snd_pcm_recover(pcm, error, 1)
        guard r >= 0 else { throw Self.alsa("read \(name)", error) }
        // After an overrun the stream must be started again.
        if snd_pcm_state(pcm) == SND_PCM_STATE_PREPARED { _ = snd_pcm_start(pcm) }
    }

    public func close() {
        if let pcm { snd_pcm_close(pcm) }
        pcm = nil
    }

    static func alsa(_ what: String, _ code: Int32) -> CaptureError {
        CaptureError("\(what): \(String(cString: snd_strerror(code)))")
    }
}
