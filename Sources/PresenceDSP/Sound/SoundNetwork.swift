/// The sound classifier's network: 3x3 convolutions (zero padding, optional ReLU), 2x2 max pooling, a mean
/// over each channel and a dense layer to the class logits, as `models/sound.model` lists them. Activations
/// are planes of channels × time × bands, row-major; a convolution reads a plane with a one-value zero border
/// so that its inner loop has no edge tests. The convolution runs 8 bands at a time (`logits`);
/// `logitsScalar` is its plain twin, summing in the same order. Nothing is allocated per patch: the caller
/// owns a `Scratch` made once.
public struct SoundNetwork: Sendable {
    struct Conv: Sendable {
        var inputs: Int, outputs: Int, height: Int, width: Int
        /// outputs × inputs × 3 × 3.
        var weights: [Float]
        var bias: [Float]
        var relu: Bool
    }

    struct Dense: Sendable {
        var inputs: Int, outputs: Int
        var weights: [Float]
        var bias: [Float]
    }

    enum Step: Sendable {
        case conv(Conv)
        /// 2x2 max pooling of `channels` planes of height × width.
        case pool(channels: Int, height: Int, width: Int)
        /// Copies unbordered planes into planes with a zero border.
        case border(channels: Int, height: Int, width: Int)
        case mean(channels: Int, height: Int, width: Int, padded: Bool)
        case dense(Dense)
    }

    let steps: [Step]
    public let classes: Int
    public let frames: Int
    public let bands: Int
    /// The front end's clipping and scale (SoundModelFile.Frontend).
    let floorDB: Float
    let scale: Float
    /// Floats each of the two activation buffers must hold.
    let bufferSize: Int

    /// The two activation buffers and the vector between the mean and the dense layer, made once.
    public final class Scratch {
        var a: [Float]
        var b: [Float]
        var vector: [Float]

        public init(for network: SoundNetwork) {
            a = [Float](repeating: 0, count: network.bufferSize)
            b = [Float](repeating: 0, count: network.bufferSize)
            vector = [Float](repeating: 0, count: network.widestVector)
        }
    }

    let widestVector: Int

    init(frontend: SoundModelFile.Frontend, layers: [SoundModelFile.Layer], classes: Int, int8: Bool) throws(SoundModelError) {
        var (c, h, w) = (1, frontend.patchFrames, frontend.bands)
        var padded = true  // the patch is written with its border
        var size = (h + 2) * (w + 2)
        var widest = 1
        var steps: [Step] = []
        for (n, layer) in layers.enumerated() {
            let last = n == layers.count - 1
            switch layer.type {
            case .conv3x3:
                guard let i = layer.inputs, let o = layer.outputs, i == c, o > 0,
                      let weights = layer.weights, weights.count == o * i * 9, let bias = layer.bias, bias.count == o,
                      weights.allSatisfy(\.isFinite), bias.allSatisfy(\.isFinite) else {
                    throw .invalid("layer \(n): a 3x3 convolution of \(c) input channels needs inputs, outputs, outputs×inputs×9 weights and a bias each")
                }
                if !padded {
                    // Two convolutions in a row: the first's output gets its border first.
                    steps.append(.border(channels: c, height: h, width: w))
                    size = max(size, c * (h + 2) * (w + 2))
                }
                steps.append(.conv(Conv(inputs: i, outputs: o, height: h, width: w,
                                        weights: int8 ? Self.int8Rounded(weights, rows: o) : weights, bias: bias,
                                        relu: layer.activation == "relu")))
                c = o
                padded = false
                size = max(size, c * h * w)
            case .maxpool2:
                guard h % 2 == 0, w % 2 == 0, h >= 2, w >= 2 else { throw .invalid("layer \(n): 2x2 pooling of \(h)x\(w)") }
                steps.append(.pool(channels: c, height: h, width: w))
                h /= 2
                w /= 2
                padded = true
                size = max(size, c * (h + 2) * (w + 2))
            case .mean:
                steps.append(.mean(channels: c, height: h, width: w, padded: padded))
                (h, w) = (1, 1)
                widest = max(widest, c)
            case .dense:
                guard h == 1, w == 1, let i = layer.inputs, let o = layer.outputs, i == c,
                      let weights = layer.weights, weights.count == o * i, let bias = layer.bias, bias.count == o,
                      weights.allSatisfy(\.isFinite), bias.allSatisfy(\.isFinite) else {
                    throw .invalid("layer \(n): a dense layer after the mean, of \(c) inputs, with outputs×inputs weights and a bias each")
                }
                steps.append(.dense(Dense(inputs: i, outputs: o, weights: int8 ? Self.int8Rounded(weights, rows: o) : weights, bias: bias)))
                c = o
                widest = max(widest, c)
            }
            if last {
                guard layer.type == .dense, c == classes else {
                    throw .invalid("the last layer must be dense with one output per class (\(classes))")
                }
            }
        }
        guard !steps.isEmpty else { throw .invalid("no layers") }
        self.steps = steps
        self.classes = classes
        (frames, bands) = (frontend.patchFrames, frontend.bands)
        (floorDB, scale) = (frontend.floorDB, frontend.scale)
        bufferSize = size
        widestVector = widest
    }

    /// Weights rounded to 256 levels per output row (symmetric, scale = the row's largest magnitude / 127): the
    /// int8 variant, run in float (scripts/sound/train.py rounds the same way to judge it).
    static func int8Rounded(_ weights: [Float], rows: Int) -> [Float] {
        let n = weights.count / rows
        var out = weights
        for r in 0..<rows {
            let row = weights[(r * n)..<((r + 1) * n)]
            let scale = max(row.map(abs).max() ?? 0, 1e-12) / 127
            for k in row.indices { out[k] = (weights[k] / scale).rounded(.toNearestOrEven) * scale }
        }
        return out
    }

    /// Class logits of a patch of `frames` × `bands` log-mel values (dB, oldest frame first), written to `out`
    /// (`classes` values).
    public func logits(_ patch: UnsafeBufferPointer<Float>, scratch: Scratch, into out: UnsafeMutableBufferPointer<Float>) {
        run(patch, scratch: scratch, into: out, scalar: false)
    }

    /// Scalar twin of `logits`.
    public func logitsScalar(_ patch: UnsafeBufferPointer<Float>, scratch: Scratch, into out: UnsafeMutableBufferPointer<Float>) {
        run(patch, scratch: scratch, into: out, scalar: true)
    }

    private func run(_ patch: UnsafeBufferPointer<Float>, scratch: Scratch, into out: UnsafeMutableBufferPointer<Float>, scalar: Bool) {
        precondition(patch.count == frames * bands && out.count >= classes, "patch of \(frames)x\(bands), \(classes) outputs")
        scratch.a.withUnsafeMutableBufferPointer { a in
            scratch.b.withUnsafeMutableBufferPointer { b in
                scratch.vector.withUnsafeMutableBufferPointer { v in
                    normalise(patch, into: a)
                    var (source, target) = (a, b)
                    for step in steps {
                        switch step {
                        case .conv(let conv):
                            if scalar { Self.convScalar(conv, source, target) } else { Self.conv(conv, source, target) }
                        case .pool(let c, let h, let w):
                            Self.pool(channels: c, height: h, width: w, source, target)
                        case .border(let c, let h, let w):
                            Self.border(channels: c, height: h, width: w, source, target)
                        case .mean(let c, let h, let w, let padded):
                            // The mean and the dense layer work on the vector, not on the activation planes:
                            // nothing to swap.
                            Self.mean(channels: c, height: h, width: w, padded: padded, source, v)
                            continue
                        case .dense(let d):
                            Self.dense(d, v, out)
                            continue
                        }
                        swap(&source, &target)
                    }
                }
            }
        }
    }

    /// The patch relative to its loudest value, clipped at `floorDB` and scaled, into a plane with a zero border.
    private func normalise(_ patch: UnsafeBufferPointer<Float>, into plane: UnsafeMutableBufferPointer<Float>) {
        var top = -Float.infinity
        for v in patch { top = max(top, v) }
        let stride = bands + 2
        for k in 0..<((frames + 2) * stride) { plane[k] = 0 }
        for t in 0..<frames {
            for m in 0..<bands {
                plane[(t + 1) * stride + m + 1] = max(patch[t * bands + m] - top, floorDB) / scale
            }
        }
    }

    /// out[o][y][x] = bias[o] + Σ_i Σ_dy Σ_dx w[o][i][dy][dx] · in[i][y+dy][x+dx] (in with its border), 8 x at a time.
    static func conv(_ c: Conv, _ input: UnsafeMutableBufferPointer<Float>, _ output: UnsafeMutableBufferPointer<Float>) {
        let (h, w) = (c.height, c.width)
        let stride = w + 2, plane = (h + 2) * stride
        let src = UnsafeRawPointer(input.baseAddress!)
        c.weights.withUnsafeBufferPointer { wt in
            for o in 0..<c.outputs {
                let bias = c.bias[o]
                for y in 0..<h {
                    var x = 0
                    while x + 8 <= w {
                        var acc = SIMD8<Float>(repeating: bias)
                        for i in 0..<c.inputs {
                            let kernel = (o * c.inputs + i) * 9
                            for dy in 0..<3 {
                                let row = i * plane + (y + dy) * stride + x
                                for dx in 0..<3 {
                                    acc += wt[kernel + dy * 3 + dx] * src.loadUnaligned(fromByteOffset: 4 * (row + dx), as: SIMD8<Float>.self)
                                }
                            }
                        }
                        if c.relu { acc.replace(with: SIMD8(repeating: 0), where: acc .< 0) }
                        let base = o * h * w + y * w + x
                        for l in 0..<8 { output[base + l] = acc[l] }
                        x += 8
                    }
                    while x < w {
                        output[o * h * w + y * w + x] = convPoint(c, wt, input, o: o, y: y, x: x, bias: bias)
                        x += 1
                    }
                }
            }
        }
    }

    /// Scalar twin of `conv`: every output on its own, summed in the same order.
    static func convScalar(_ c: Conv, _ input: UnsafeMutableBufferPointer<Float>, _ output: UnsafeMutableBufferPointer<Float>) {
        let (h, w) = (c.height, c.width)
        c.weights.withUnsafeBufferPointer { wt in
            for o in 0..<c.outputs {
                for y in 0..<h {
                    for x in 0..<w { output[o * h * w + y * w + x] = convPoint(c, wt, input, o: o, y: y, x: x, bias: c.bias[o]) }
                }
            }
        }
    }

    private static func convPoint(_ c: Conv, _ wt: UnsafeBufferPointer<Float>, _ input: UnsafeMutableBufferPointer<Float>,
                                  o: Int, y: Int, x: Int, bias: Float) -> Float {
        let stride = c.width + 2, plane = (c.height + 2) * stride
        var acc = bias
        for i in 0..<c.inputs {
            let kernel = (o * c.inputs + i) * 9
            for dy in 0..<3 {
                let row = i * plane + (y + dy) * stride + x
                for dx in 0..<3 { acc += wt[kernel + dy * 3 + dx] * input[row + dx] }
            }
        }
        return c.relu ? max(0, acc) : acc
    }

    /// 2x2 max pooling of unbordered planes into planes with a zero border (what a convolution reads next).
    static func pool(channels: Int, height: Int, width: Int, _ input: UnsafeMutableBufferPointer<Float>, _ output: UnsafeMutableBufferPointer<Float>) {
        let (h, w) = (height / 2, width / 2)
        let stride = w + 2, plane = (h + 2) * stride
        for k in 0..<(channels * plane) { output[k] = 0 }
        for ch in 0..<channels {
            let src = ch * height * width
            for y in 0..<h {
                for x in 0..<w {
                    let p = src + 2 * y * width + 2 * x
                    output[ch * plane + (y + 1) * stride + x + 1] = max(max(input[p], input[p + 1]), max(input[p + width], input[p + width + 1]))
                }
            }
        }
    }

    static func border(channels: Int, height: Int, width: Int, _ input: UnsafeMutableBufferPointer<Float>, _ output: UnsafeMutableBufferPointer<Float>) {
        let stride = width + 2, plane = (height + 2) * stride
        for k in 0..<(channels * plane) { output[k] = 0 }
        for ch in 0..<channels {
            for y in 0..<height {
                for x in 0..<width { output[ch * plane + (y + 1) * stride + x + 1] = input[(ch * height + y) * width + x] }
            }
        }
    }

    static func mean(channels: Int, height: Int, width: Int, padded: Bool, _ input: UnsafeMutableBufferPointer<Float>, _ output: UnsafeMutableBufferPointer<Float>) {
        let border = padded ? 1 : 0
        let stride = width + 2 * border, plane = (height + 2 * border) * stride
        for ch in 0..<channels {
            var sum: Float = 0
            for y in 0..<height {
                for x in 0..<width { sum += input[ch * plane + (y + border) * stride + x + border] }
            }
            output[ch] = sum / Float(height * width)
        }
    }

    static func dense(_ d: Dense, _ input: UnsafeMutableBufferPointer<Float>, _ output: UnsafeMutableBufferPointer<Float>) {
        for o in 0..<d.outputs {
            var acc = d.bias[o]
            for i in 0..<d.inputs { acc += d.weights[o * d.inputs + i] * input[i] }
            output[o] = acc
        }
    }
}
