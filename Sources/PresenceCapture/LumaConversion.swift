import PresenceCore

/// Luma out of a captured frame, without allocating: GREY and the Y plane of
/// YUV420 are rows of luma already; YUYV has luma in every even byte (LumaRows).
public enum LumaConversion {
    public enum Layout: Sendable { case planar, yuyv }

    public static func extract(_ source: UnsafeRawBufferPointer, format: Layout, width: Int, height: Int, bytesPerLine: Int,
                        into out: UnsafeMutableBufferPointer<UInt8>) {
        let src = source.bindMemory(to: UInt8.self)
        for y in 0..<height {
            let row = y * bytesPerLine, dst = y * width
            switch format {
            case .planar:
                _ = UnsafeMutableBufferPointer(rebasing: out[dst..<(dst + width)])
                    .initialize(from: UnsafeBufferPointer(rebasing: src[row..<(row + width)]))
            case .yuyv:
                LumaRows.fromYUYV(UnsafeBufferPointer(rebasing: src[row..<(row + 2 * width)]),
                                  into: UnsafeMutableBufferPointer(rebasing: out[dst..<(dst + width)]))
            }
        }
    }
}

/// Camera frames as luma, in recycled arrays: the conversion the camera thread does for every frame.
public struct LumaFrames {
    private var buffers = RecycledBuffers<UInt8>(slots: 8, zero: 0)

    public init() {}

    /// The luma of one captured frame (`bytesPerLine` may include padding).
    public mutating func frame(from source: UnsafeRawBufferPointer, format: LumaConversion.Layout,
                               width: Int, height: Int, bytesPerLine: Int) -> VideoFrame {
        let luma = buffers.fill(count: width * height) { out in
            LumaConversion.extract(source, format: format, width: width, height: height, bytesPerLine: bytesPerLine, into: out)
        }
        return VideoFrame(width: width, height: height, luma: luma)
    }
}
