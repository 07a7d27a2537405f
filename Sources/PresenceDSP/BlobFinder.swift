/// The largest connected region of a 0/255 foreground mask, found on a grid of
/// 4x4 cells (a cell is foreground when at least half its pixels are): a person is
/// one large blob; noise and flicker are many small ones. Reuses its buffers,
/// so it allocates only when the frame size changes.
public struct BlobFinder {
    public struct Blob: Sendable, Equatable {
        /// Foreground pixels in the blob's cells, as a fraction of the frame.
        public var area: Float
        /// Centre of mass, 0...1 across and down the frame.
        public var x: Float
        public var y: Float
    }

    /// Cell side in pixels; 4, so that one cell row is one UInt32 of the mask.
    public static let cell = 4
    private var columns = 0, rows = 0
    private var counts: [UInt16] = []
    private var labels: [Int32] = []
    private var stack: [Int32] = []

    public init() {}

    /// The largest blob of a 0/255 mask, or nil when there is no foreground cell. `rows`, when given,
    /// holds all the foreground (the rows outside it are 0), so only those are read.
    public mutating func largest(_ mask: UnsafeBufferPointer<UInt8>, width: Int, height: Int, rows band: Range<Int>? = nil) -> Blob? {
        let c = Self.cell
        let cols = width / c, rws = height / c
        guard cols > 0, rws > 0 else { return nil }
        if cols != columns || rws != rows {
            columns = cols
            rows = rws
            counts = [UInt16](repeating: 0, count: cols * rws)
            labels = [Int32](repeating: 0, count: cols * rws)
            stack.reserveCapacity(cols * rws)
        }
        let half = UInt16(c * c / 2)
        var best: (area: Int, sx: Int, sy: Int)?
        counts.withUnsafeMutableBufferPointer { counts in
            labels.withUnsafeMutableBufferPointer { labels in
                // Foreground pixels per cell: a cell row is 4 bytes of the mask, and on 0/255 bytes bit 0 says
                // set; multiplying the four low bits by 0x01010101 adds them up in the top byte.
                counts.update(repeating: 0)
                let p = UnsafeRawPointer(mask.baseAddress!)
                let band = band.map { $0.clamped(to: 0..<(rws * c)) } ?? 0..<(rws * c)
                for y in band {
                    let base = (y / c) * cols, row = y * width
                    for cx in 0..<cols {
                        let word = p.loadUnaligned(fromByteOffset: row + cx * c, as: UInt32.self) & 0x0101_0101
                        counts[base + cx] &+= UInt16(truncatingIfNeeded: (word &* 0x0101_0101) >> 24)
                    }
                }
                for i in 0..<labels.count { labels[i] = counts[i] >= half ? -1 : 0 }
                // 4-connected flood fill from each unlabelled foreground cell; keep the largest.
                var next: Int32 = 1
                for start in 0..<labels.count where labels[start] == -1 {
                    var area = 0, sx = 0, sy = 0
                    labels[start] = next
                    stack.removeAll(keepingCapacity: true)
                    stack.append(Int32(start))
                    while let top = stack.popLast() {
                        let i = Int(top), cx = i % cols, cy = i / cols
                        let n = Int(counts[i])
                        area += n
                        sx += n * (cx * c + c / 2)
                        sy += n * (cy * c + c / 2)
                        func visit(_ j: Int) {
                            if labels[j] == -1 {
                                labels[j] = next
                                stack.append(Int32(j))
                            }
                        }
                        if cx > 0 { visit(i - 1) }
                        if cx + 1 < cols { visit(i + 1) }
                        if cy > 0 { visit(i - cols) }
                        if cy + 1 < rws { visit(i + cols) }
                    }
                    next += 1
                    if area > (best?.area ?? 0) { best = (area, sx, sy) }
                }
            }
        }
        guard let b = best, b.area > 0 else { return nil }
        return Blob(area: Float(b.area) / Float(width * height),
                    x: Float(b.sx) / Float(b.area) / Float(width), y: Float(b.sy) / Float(b.area) / Float(height))
    }
}
