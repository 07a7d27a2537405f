/// 3x3 binary morphology on 0/255 masks, to remove the speckle sensor noise
/// leaves in a foreground mask: an opening (erode, then dilate) deletes blobs
/// smaller than 3x3 and keeps the shape of larger ones. Separable: a horizontal
/// pass, then a vertical one. Outside the image counts as background.
/// On 0/255 values the minimum is a bitwise AND and the maximum an OR, which is
/// what the SIMD passes use; the scalar twin takes real minima and maxima.
public enum Morphology {
    public enum Operation: Sendable {
        /// Minimum over the neighbourhood.
        case erode
        /// Maximum over the neighbourhood.
        case dilate
    }

    /// `mask` opened in place; `scratch` must hold as many bytes as the mask.
    public static func open(_ mask: UnsafeMutableBufferPointer<UInt8>, scratch: UnsafeMutableBufferPointer<UInt8>, width: Int, height: Int) {
        apply(.erode, mask, scratch: scratch, width: width, height: height)
        apply(.dilate, mask, scratch: scratch, width: width, height: height)
    }

    /// One 3x3 operation in place (horizontal into `scratch`, vertical back into `mask`).
    public static func apply(_ op: Operation, _ mask: UnsafeMutableBufferPointer<UInt8>, scratch: UnsafeMutableBufferPointer<UInt8>,
                             width: Int, height: Int) {
        for y in 0..<height {
            horizontal(op, UnsafeBufferPointer(rebasing: mask[(y * width)..<((y + 1) * width)]),
                       into: UnsafeMutableBufferPointer(rebasing: scratch[(y * width)..<((y + 1) * width)]))
        }
        for y in 0..<height {
            let above = y > 0 ? UnsafeBufferPointer(rebasing: scratch[((y - 1) * width)..<(y * width)]) : nil
            let below = y + 1 < height ? UnsafeBufferPointer(rebasing: scratch[((y + 1) * width)..<((y + 2) * width)]) : nil
            vertical(op, above: above, row: UnsafeBufferPointer(rebasing: scratch[(y * width)..<((y + 1) * width)]), below: below,
                     into: UnsafeMutableBufferPointer(rebasing: mask[(y * width)..<((y + 1) * width)]))
        }
    }

    /// Scalar twin of `apply`.
    public static func applyScalar(_ op: Operation, _ mask: UnsafeMutableBufferPointer<UInt8>, width: Int, height: Int) {
        let source = Array(mask)
        for y in 0..<height {
            for x in 0..<width {
                var v: UInt8 = op == .erode ? 255 : 0
                for dy in -1...1 {
                    for dx in -1...1 {
                        let yy = y + dy, xx = x + dx
                        let s: UInt8 = yy >= 0 && yy < height && xx >= 0 && xx < width ? source[yy * width + xx] : 0
                        v = op == .erode ? min(v, s) : max(v, s)
                    }
                }
                mask[y * width + x] = v
            }
        }
    }

    @inline(__always)
    private static func combine(_ op: Operation, _ a: SIMD16<UInt8>, _ b: SIMD16<UInt8>) -> SIMD16<UInt8> {
        op == .erode ? a & b : a | b
    }

    @inline(__always)
    private static func combine(_ op: Operation, _ a: UInt8, _ b: UInt8) -> UInt8 {
        op == .erode ? a & b : a | b
    }

    /// out[x] = op(row[x-1], row[x], row[x+1]); beyond the ends is 0.
    private static func horizontal(_ op: Operation, _ row: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>) {
        let n = row.count
        guard n > 0 else { return }
        func at(_ x: Int) -> UInt8 { x >= 0 && x < n ? row[x] : 0 }
        out[0] = combine(op, combine(op, at(-1), at(0)), at(1))
        var x = 1
        let src = UnsafeRawPointer(row.baseAddress!), dst = UnsafeMutableRawPointer(out.baseAddress!)
        while x + 17 <= n {
            let left = src.loadUnaligned(fromByteOffset: x - 1, as: SIMD16<UInt8>.self)
            let mid = src.loadUnaligned(fromByteOffset: x, as: SIMD16<UInt8>.self)
            let right = src.loadUnaligned(fromByteOffset: x + 1, as: SIMD16<UInt8>.self)
            dst.storeBytes(of: combine(op, combine(op, left, mid), right), toByteOffset: x, as: SIMD16<UInt8>.self)
            x += 16
        }
        while x < n {
            out[x] = combine(op, combine(op, at(x - 1), at(x)), at(x + 1))
            x += 1
        }
    }

    /// out = op(above, row, below) element-wise; a missing neighbour row is 0.
    private static func vertical(_ op: Operation, above: UnsafeBufferPointer<UInt8>?, row: UnsafeBufferPointer<UInt8>,
                                 below: UnsafeBufferPointer<UInt8>?, into out: UnsafeMutableBufferPointer<UInt8>) {
        let n = row.count
        // Beyond the image is background: eroding an edge row gives 0; dilating ignores the missing row.
        if above == nil || below == nil, op == .erode {
            for x in 0..<n { out[x] = 0 }
            return
        }
        var x = 0
        let r = UnsafeRawPointer(row.baseAddress!), dst = UnsafeMutableRawPointer(out.baseAddress!)
        let a = above.map { UnsafeRawPointer($0.baseAddress!) }, b = below.map { UnsafeRawPointer($0.baseAddress!) }
        while x + 16 <= n {
            var v = r.loadUnaligned(fromByteOffset: x, as: SIMD16<UInt8>.self)
            if let a { v = combine(op, v, a.loadUnaligned(fromByteOffset: x, as: SIMD16<UInt8>.self)) }
            if let b { v = combine(op, v, b.loadUnaligned(fromByteOffset: x, as: SIMD16<UInt8>.self)) }
            dst.storeBytes(of: v, toByteOffset: x, as: SIMD16<UInt8>.self)
            x += 16
        }
        while x < n {
            var v = row[x]
            if let above { v = combine(op, v, above[x]) }
            if let below { v = combine(op, v, below[x]) }
            out[x] = v
            x += 1
        }
    }
}
