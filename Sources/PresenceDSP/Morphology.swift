/// The 3x3 median of a 0/255 mask, against the speckle that sensor noise and
/// compression leave: a pixel is foreground when at least 5 of the 9 pixels of
/// its neighbourhood are (on two values the median is the majority). It removes
/// specks and fills pinholes while keeping the shape of larger regions. Outside
/// the image counts as background. Separable: a horizontal pass counts each row's
/// three neighbours, a vertical pass adds three rows of counts.
public enum Morphology {
    /// `mask` replaced by its 3x3 median; `scratch` must hold as many bytes as the mask.
    public static func median(_ mask: UnsafeMutableBufferPointer<UInt8>, scratch: UnsafeMutableBufferPointer<UInt8>, width: Int, height: Int) {
        guard width > 0, height > 0 else { return }
        for y in 0..<height {
            horizontalCounts(UnsafeBufferPointer(rebasing: mask[(y * width)..<((y + 1) * width)]),
                             into: UnsafeMutableBufferPointer(rebasing: scratch[(y * width)..<((y + 1) * width)]))
        }
        for y in 0..<height {
            let above = y > 0 ? UnsafeBufferPointer(rebasing: scratch[((y - 1) * width)..<(y * width)]) : nil
            let below = y + 1 < height ? UnsafeBufferPointer(rebasing: scratch[((y + 1) * width)..<((y + 2) * width)]) : nil
            majority(above: above, row: UnsafeBufferPointer(rebasing: scratch[(y * width)..<((y + 1) * width)]), below: below,
                     into: UnsafeMutableBufferPointer(rebasing: mask[(y * width)..<((y + 1) * width)]))
        }
    }

    /// Scalar twin of `median`.
    public static func medianScalar(_ mask: UnsafeMutableBufferPointer<UInt8>, width: Int, height: Int) {
        let source = Array(mask)
        for y in 0..<height {
            for x in 0..<width {
                var set = 0
                for dy in -1...1 {
                    for dx in -1...1 {
                        let yy = y + dy, xx = x + dx
                        if yy >= 0, yy < height, xx >= 0, xx < width, source[yy * width + xx] != 0 { set += 1 }
                    }
                }
                mask[y * width + x] = set >= 5 ? 255 : 0
            }
        }
    }

    /// out[x] = how many of row[x-1], row[x], row[x+1] are set (0...3); beyond the ends is 0.
    private static func horizontalCounts(_ row: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>) {
        let n = row.count
        func at(_ x: Int) -> UInt8 { x >= 0 && x < n ? row[x] & 1 : 0 }
        out[0] = at(-1) + at(0) + at(1)
        var x = 1
        let src = UnsafeRawPointer(row.baseAddress!), dst = UnsafeMutableRawPointer(out.baseAddress!)
        let one = SIMD16<UInt8>(repeating: 1)
        while x + 17 <= n {
            let left = src.loadUnaligned(fromByteOffset: x - 1, as: SIMD16<UInt8>.self) & one
            let mid = src.loadUnaligned(fromByteOffset: x, as: SIMD16<UInt8>.self) & one
            let right = src.loadUnaligned(fromByteOffset: x + 1, as: SIMD16<UInt8>.self) & one
            dst.storeBytes(of: left &+ mid &+ right, toByteOffset: x, as: SIMD16<UInt8>.self)
            x += 16
        }
        while x < n {
            out[x] = at(x - 1) + at(x) + at(x + 1)
            x += 1
        }
    }

    /// out = 255 where above + row + below (counts of three) reach 5, else 0; a missing row counts 0.
    private static func majority(above: UnsafeBufferPointer<UInt8>?, row: UnsafeBufferPointer<UInt8>,
                                 below: UnsafeBufferPointer<UInt8>?, into out: UnsafeMutableBufferPointer<UInt8>) {
        let n = row.count
        var x = 0
        let r = UnsafeRawPointer(row.baseAddress!), dst = UnsafeMutableRawPointer(out.baseAddress!)
        let a = above.map { UnsafeRawPointer($0.baseAddress!) }, b = below.map { UnsafeRawPointer($0.baseAddress!) }
        let five = SIMD16<UInt8>(repeating: 5), zero = SIMD16<UInt8>(repeating: 0), full = SIMD16<UInt8>(repeating: 255)
        while x + 16 <= n {
            var v = r.loadUnaligned(fromByteOffset: x, as: SIMD16<UInt8>.self)
            if let a { v &+= a.loadUnaligned(fromByteOffset: x, as: SIMD16<UInt8>.self) }
            if let b { v &+= b.loadUnaligned(fromByteOffset: x, as: SIMD16<UInt8>.self) }
            dst.storeBytes(of: zero.replacing(with: full, where: v .>= five), toByteOffset: x, as: SIMD16<UInt8>.self)
            x += 16
        }
        while x < n {
            var v = row[x]
            if let above { v += above[x] }
            if let below { v += below[x] }
            out[x] = v >= 5 ? 255 : 0
            x += 1
        }
    }
}
