import PresenceCore

/// foxglove.RawImage, foxglove.RawAudio and presence.SerialChunk (DESIGN.md §3)
/// to and from Core's sample types.
enum MessageCodecs {
    // MARK: RawImage

    static func encodeImage(_ frame: VideoFrame, t: Int64) -> [UInt8] {
        var w = ProtobufWriter(capacity: frame.luma.count + 64)
        w.timestampField(1, nanoseconds: t)
        w.fixed32Field(2, UInt32(frame.width))
        w.fixed32Field(3, UInt32(frame.height))
        w.stringField(4, "mono8")
        w.fixed32Field(5, UInt32(frame.width))
        w.bytesField(6, frame.luma)
        w.stringField(7, "camera")
        return w.bytes
    }

    /// Decodes into a fresh array (tests, one-off reads); a replay passes its recycled buffers.
    static func decodeImage(_ data: ArraySlice<UInt8>) throws(RecordingError) -> VideoFrame {
        var pool = RecycledBuffers<UInt8>(slots: 1, zero: 0)
        return try decodeImage(data, into: &pool)
    }

    private enum PixelFormat {
        case mono8, yuyv, rgb8, bgr8
        var bytesPerPixel: Int {
            switch self {
            case .mono8: 1
            case .yuyv: 2
            case .rgb8, .bgr8: 3
            }
        }
    }

    static func decodeImage(_ data: ArraySlice<UInt8>, into pool: inout RecycledBuffers<UInt8>) throws(RecordingError) -> VideoFrame {
        var r = ProtobufReader(data)
        var width = 0, height = 0, step = 0
        var encoding = ""
        var pixels: ArraySlice<UInt8> = []
        while let (field, value) = try r.next() {
            switch (field, value) {
            case (2, .fixed32(let v)): width = Int(v)
            case (3, .fixed32(let v)): height = Int(v)
            case (4, .bytes(let b)): encoding = String(decoding: b, as: UTF8.self)
            case (5, .fixed32(let v)): step = Int(v)
            case (6, .bytes(let b)): pixels = b
            default: break
            }
        }
        let format: PixelFormat
        switch encoding {
        case "mono8": format = .mono8
        case "yuyv", "yuv422_yuy2": format = .yuyv
        case "rgb8": format = .rgb8
        case "bgr8": format = .bgr8
        default: throw .badMessage(topic: "/camera/image", "encoding \"\(encoding)\" is not one of mono8, yuyv, rgb8, bgr8")
        }
        let bytesPerPixel = format.bytesPerPixel
        guard width > 0, height > 0, width <= 16384, height <= 16384 else {
            throw .badMessage(topic: "/camera/image", "image size \(width)x\(height) is not usable")
        }
        guard step >= width * bytesPerPixel else {
            throw .badMessage(topic: "/camera/image", "step \(step) is less than width \(width) x \(bytesPerPixel) bytes per pixel")
        }
        let lastRowEnd: Int = step * (height - 1) + width * bytesPerPixel
        guard pixels.count >= lastRowEnd else {
            throw .badMessage(topic: "/camera/image", "\(pixels.count) bytes of data for a \(width)x\(height) \(encoding) image with step \(step)")
        }
        // One loop per encoding, so the per-pixel work is a copy or a few multiplies (this runs for every frame replayed).
        let luma = pool.fill(count: width * height) { dst in
            pixels.withUnsafeBufferPointer { src in
                if format == .mono8, step == width {
                    _ = dst.update(fromContentsOf: UnsafeBufferPointer(rebasing: src[0..<(width * height)]))
                    return
                }
                for y in 0..<height {
                    let row = y * step, out = y * width
                    switch format {
                    case .mono8:
                        _ = UnsafeMutableBufferPointer(rebasing: dst[out..<(out + width)])
                            .update(fromContentsOf: UnsafeBufferPointer(rebasing: src[row..<(row + width)]))
                    case .yuyv:
                        LumaRows.fromYUYV(UnsafeBufferPointer(rebasing: src[row..<(row + 2 * width)]),
                                          into: UnsafeMutableBufferPointer(rebasing: dst[out..<(out + width)]))
                    case .rgb8:
                        for x in 0..<width { dst[out + x] = lumaBT601(src[row + 3 * x], src[row + 3 * x + 1], src[row + 3 * x + 2]) }
                    case .bgr8:
                        for x in 0..<width { dst[out + x] = lumaBT601(src[row + 3 * x + 2], src[row + 3 * x + 1], src[row + 3 * x]) }
                    }
                }
            }
        }
        return VideoFrame(width: width, height: height, luma: luma)
    }

    /// ITU-R BT.601 luma with integer weights (77, 150, 29)/256.
    static func lumaBT601(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> UInt8 {
        let weighted: Int = 77 * Int(r) + 150 * Int(g) + 29 * Int(b)
        return UInt8((weighted + 128) >> 8)
    }

    // MARK: RawAudio

    static func encodeAudio(_ chunk: AudioChunk, t: Int64) -> [UInt8] {
        var w = ProtobufWriter(capacity: chunk.samples.count * 2 + 48)
        w.timestampField(1, nanoseconds: t)
        var pcm = [UInt8]()
        pcm.reserveCapacity(chunk.samples.count * 2)
        for s in chunk.samples {
            let u = UInt16(bitPattern: s)
            pcm.append(UInt8(u & 0xFF))
            pcm.append(UInt8(u >> 8))
        }
        w.bytesField(2, pcm)
        w.stringField(3, "pcm-s16")
        w.fixed32Field(4, UInt32(chunk.sampleRate))
        w.fixed32Field(5, 1)
        return w.bytes
    }

    static func decodeAudio(_ data: ArraySlice<UInt8>) throws(RecordingError) -> AudioChunk {
        var pool = RecycledBuffers<Int16>(slots: 1, zero: 0)
        return try decodeAudio(data, into: &pool)
    }

    static func decodeAudio(_ data: ArraySlice<UInt8>, into pool: inout RecycledBuffers<Int16>) throws(RecordingError) -> AudioChunk {
        var r = ProtobufReader(data)
        var pcm: ArraySlice<UInt8> = []
        var format = "", rate = 0, channels = 0
        while let (field, value) = try r.next() {
            switch (field, value) {
            case (2, .bytes(let b)): pcm = b
            case (3, .bytes(let b)): format = String(decoding: b, as: UTF8.self)
            case (4, .fixed32(let v)): rate = Int(v)
            case (5, .fixed32(let v)): channels = Int(v)
            default: break
            }
        }
        guard format == "pcm-s16" else { throw .badMessage(topic: "/audio", "format \"\(format)\" is not pcm-s16") }
        guard rate >= 1000, rate <= 384_000 else { throw .badMessage(topic: "/audio", "sample rate \(rate) Hz") }
        guard channels == 1 || channels == 2 else { throw .badMessage(topic: "/audio", "\(channels) channels (1 or 2 supported)") }
        let frameBytes = 2 * channels
        guard pcm.count % frameBytes == 0 else {
            throw .badMessage(topic: "/audio", "\(pcm.count) bytes is not a whole number of \(channels)-channel 16-bit frames")
        }
        let frames = pcm.count / frameBytes
        let samples = pool.fill(count: frames) { out in
            pcm.withUnsafeBufferPointer { src in
                func sample(_ i: Int) -> Int { Int(Int16(bitPattern: UInt16(src[2 * i]) | UInt16(src[2 * i + 1]) << 8)) }
                // Stereo is mixed down by averaging (rounding toward negative infinity keeps it exact for equal channels).
                if channels == 1 {
                    for i in 0..<frames { out[i] = Int16(sample(i)) }
                } else {
                    for i in 0..<frames { out[i] = Int16((sample(2 * i) + sample(2 * i + 1)) >> 1) }
                }
            }
        }
        return AudioChunk(sampleRate: rate, samples: samples)
    }

    // MARK: SerialChunk

    static func encodeSerial(_ chunk: SerialChunk, t: Int64) -> [UInt8] {
        var w = ProtobufWriter(capacity: chunk.bytes.count + 48)
        w.timestampField(1, nanoseconds: t)
        w.stringField(2, chunk.device)
        w.bytesField(3, chunk.bytes)
        return w.bytes
    }

    static func decodeSerial(_ data: ArraySlice<UInt8>, model: RadarModel, into pool: inout RecycledBuffers<UInt8>) throws(RecordingError) -> SerialChunk {
        var r = ProtobufReader(data)
        var device = "", bytes: ArraySlice<UInt8> = []
        while let (field, value) = try r.next() {
            switch (field, value) {
            case (2, .bytes(let b)): device = String(decoding: b, as: UTF8.self)
            case (3, .bytes(let b)): bytes = b
            default: break
            }
        }
        let copy = pool.fill(count: bytes.count) { out in bytes.withUnsafeBufferPointer { _ = out.update(fromContentsOf: $0) } }
        return SerialChunk(model: model, device: device, bytes: copy)
    }
}
