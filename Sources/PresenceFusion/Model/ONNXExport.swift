import PresenceCore

/// A model as ONNX (opset 13), for other runtimes and tools: inputs `features`
/// (float [N, F], the tick's raw features in spec order; F is 58 in spec v5)
/// and `present` (float [N, 3], 1 per modality with data: camera, audio,
/// radar); output `p_occupied` (float [N, 1]). The graph does what MLPFusion
/// does: normalise, clip to ±8, zero the absent modalities' features, append
/// the presence bits, the MLP, the logistic. (A NaN feature, which MLPFusion
/// reads as the mean, stays NaN here.) With `int8`, each weight matrix is
/// stored as int8 with one scale (symmetric, per tensor) and dequantised in
/// the graph.
/// Written with Core's ProtobufWriter from onnx.proto's field numbers.
public enum ONNXExport {
    public static let opset: Int64 = 13

    public static func model(_ file: ModelFile, int8: Bool = false) throws(ModelError) -> [UInt8] {
        let net = try file.network()
        let n = FeatureSpec.featureCount, m = SensorKind.allCases.count
        var graph = ProtobufWriter()
        var nodes: [ProtobufWriter] = []
        var initializers: [ProtobufWriter] = []

        initializers.append(tensor("mean", dims: [Int64(n)], floats: file.normalisation.mean))
        initializers.append(tensor("inv_std", dims: [Int64(n)], floats: file.normalisation.std.map { 1 / $0 }))
        initializers.append(tensor("clip_min", dims: [], floats: [-FeatureSpec.clip]))
        initializers.append(tensor("clip_max", dims: [], floats: [FeatureSpec.clip]))
        // present [N,3] x expand [3,F]: each feature's modality bit.
        var expand = [Float](repeating: 0, count: m * n)
        for f in Feature.allCases { expand[SensorKind.allCases.firstIndex(of: f.sensor)! * n + f.index] = 1 }
        initializers.append(tensor("expand", dims: [Int64(m), Int64(n)], floats: expand))

        nodes.append(node("Sub", ["features", "mean"], ["centred"]))
        nodes.append(node("Mul", ["centred", "inv_std"], ["scaled"]))
        nodes.append(node("Clip", ["scaled", "clip_min", "clip_max"], ["clipped"]))
        nodes.append(node("MatMul", ["present", "expand"], ["feature_present"]))
        nodes.append(node("Mul", ["clipped", "feature_present"], ["masked"]))
        nodes.append(node("Concat", ["masked", "present"], ["input"], attributes: [intAttribute("axis", 1)]))

        var x = "input"
        for (i, layer) in net.layers.enumerated() {
            let w = "w\(i)", b = "b\(i)", out = "layer\(i)"
            if int8 {
                let (q, scale) = quantise(layer.weights)
                initializers.append(int8Tensor("\(w)_q", dims: [Int64(layer.outputs), Int64(layer.inputs)], values: q))
                initializers.append(tensor("\(w)_scale", dims: [], floats: [scale]))
                initializers.append(int8Tensor("\(w)_zero", dims: [], values: [0]))
                nodes.append(node("DequantizeLinear", ["\(w)_q", "\(w)_scale", "\(w)_zero"], [w]))
            } else {
                initializers.append(tensor(w, dims: [Int64(layer.outputs), Int64(layer.inputs)], floats: layer.weights))
            }
            initializers.append(tensor(b, dims: [Int64(layer.outputs)], floats: layer.bias))
            nodes.append(node("Gemm", [x, w, b], [out], attributes: [intAttribute("transB", 1)]))
            x = out
            if layer.activation == .relu {
                nodes.append(node("Relu", [out], ["\(out)_relu"]))
                x = "\(out)_relu"
            }
        }
        nodes.append(node("Sigmoid", [x], ["p_occupied"]))

        for nd in nodes { graph.messageField(1, nd) }
        graph.stringField(2, "presenced-\(file.name)")
        for t in initializers { graph.messageField(5, t) }
        graph.messageField(11, valueInfo("features", width: Int64(n)))
        graph.messageField(11, valueInfo("present", width: Int64(m)))
        graph.messageField(12, valueInfo("p_occupied", width: 1))

        var model = ProtobufWriter()
        model.varintField(1, 8) // ir_version 8 (ONNX 1.10+), what opset 13 needs
        model.stringField(2, "presenced")
        model.stringField(3, "feature spec v\(file.spec.version) \(file.spec.hash)")
        model.messageField(7, graph)
        var opsetImport = ProtobufWriter()
        opsetImport.varintField(2, UInt64(opset))
        model.messageField(8, opsetImport)
        return model.bytes
    }

    /// Symmetric per-tensor int8: q = round(w / scale), scale = max|w| / 127.
    public static func quantise(_ weights: [Float]) -> (q: [Int8], scale: Float) {
        let largest = weights.map(abs).max() ?? 0
        let scale = largest > 0 ? largest / 127 : 1
        return (weights.map { Int8(max(-127, min(127, ($0 / scale).rounded()))) }, scale)
    }

    /// The model with each weight matrix replaced by its int8 value dequantised: what an int8 runtime computes.
    public static func int8Equivalent(_ file: ModelFile) -> ModelFile {
        var out = file
        for i in out.layers.indices {
            let (q, scale) = quantise(out.layers[i].weights)
            out.layers[i].weights = q.map { Float($0) * scale }
        }
        out.name = file.name + "-int8"
        return out
    }

    // MARK: onnx.proto messages

    private static func node(_ op: String, _ inputs: [String], _ outputs: [String], attributes: [ProtobufWriter] = []) -> ProtobufWriter {
        var w = ProtobufWriter()
        for i in inputs { w.stringField(1, i) }
        for o in outputs { w.stringField(2, o) }
        w.stringField(3, "\(op.lowercased())_\(outputs[0])")
        w.stringField(4, op)
        for a in attributes { w.messageField(5, a) }
        return w
    }

    private static func intAttribute(_ name: String, _ value: Int64) -> ProtobufWriter {
        var w = ProtobufWriter()
        w.stringField(1, name)
        w.varintField(3, UInt64(bitPattern: value))
        w.varintField(20, 2) // AttributeType INT
        return w
    }

    private enum DataType: UInt64 { case float = 1, int8 = 3 }

    private static func tensor(_ name: String, dims: [Int64], floats: [Float]) -> ProtobufWriter {
        var w = ProtobufWriter()
        w.packedInt64Field(1, dims)
        w.varintField(2, DataType.float.rawValue)
        var raw: [UInt8] = []
        raw.reserveCapacity(4 * floats.count)
        for f in floats { withUnsafeBytes(of: f.bitPattern.littleEndian) { raw.append(contentsOf: $0) } }
        w.stringField(8, name)
        w.bytesField(9, raw)
        return w
    }

    private static func int8Tensor(_ name: String, dims: [Int64], values: [Int8]) -> ProtobufWriter {
        var w = ProtobufWriter()
        w.packedInt64Field(1, dims)
        w.varintField(2, DataType.int8.rawValue)
        w.stringField(8, name)
        w.bytesField(9, values.map { UInt8(bitPattern: $0) })
        return w
    }

    /// A float tensor of shape [N, width], N named "batch".
    private static func valueInfo(_ name: String, width: Int64) -> ProtobufWriter {
        var batch = ProtobufWriter()
        batch.stringField(2, "batch")
        var cols = ProtobufWriter()
        cols.varintField(1, UInt64(width))
        var shape = ProtobufWriter()
        shape.messageField(1, batch)
        shape.messageField(1, cols)
        var tensorType = ProtobufWriter()
        tensorType.varintField(1, DataType.float.rawValue)
        tensorType.messageField(2, shape)
        var type = ProtobufWriter()
        type.messageField(1, tensorType)
        var w = ProtobufWriter()
        w.stringField(1, name)
        w.messageField(2, type)
        return w
    }
}
