/// Luma out of a captured frame, without allocating: GREY and the Y plane of
/// YUV420 are rows of luma already; YUYV has luma in every even byte.
enum LumaConversion {
    enum Layout { case planar, yuyv }

    static func extract(_ source: UnsafeRawBufferPointer, format: Layout, width: Int, height: Int, bytesPerLine: Int,
                        into out: UnsafeMutableBufferPointer<UInt8>) {
        let src = source.bindMemory(to: UInt8.self)
        for y in 0..<height {
            let row = y * bytesPerLine, dst = y * width
            switch format {
            case .planar:
                _ = UnsafeMutableBufferPointer(rebasing: out[dst..<(dst + width)])
                    .initialize(from: UnsafeBufferPointer(rebasing: src[row..<(row + width)]))
            case .yuyv:
                for x in 0..<width { out[dst + x] = src[row + 2 * x] }
            }
        }
    }
}
