/// Removes the small regions of a 0/255 mask: 8-connected regions of fewer than
/// `minimumArea` pixels become background. The median filter removes specks of a
/// pixel or two; what noise, flicker and compression leave beyond that are small
/// separate regions, while a person (or a pet) in view is one large one.
/// Scalar, reusing its buffers: no allocation once it has seen a frame's size.
public struct ComponentFilter {
    private var members: [Int32] = []
    private var stack: [Int32] = []

    public init() {}

    /// Filters `mask` (`width` x `height`) in place, only rows `rows` (all the foreground is there);
    /// returns how many pixels are left set.
    public mutating func filter(_ mask: UnsafeMutableBufferPointer<UInt8>, width: Int, height: Int, rows: Range<Int>,
                                minimumArea: Int) -> Int {
        if members.capacity < mask.count {
            members.reserveCapacity(mask.count)
            stack.reserveCapacity(mask.count)
        }
        // While a region is filled its pixels are marked 1 (seen), then set to 255 (kept) or 0.
        var kept = 0
        for start in (rows.lowerBound * width)..<(rows.upperBound * width) where mask[start] == 255 {
            members.removeAll(keepingCapacity: true)
            stack.removeAll(keepingCapacity: true)
            mask[start] = 1
            stack.append(Int32(start))
            while let top = stack.popLast() {
                members.append(top)
                forEachNeighbour8(of: Int(top), width: width, height: height) { j in
                    if mask[j] == 255 {
                        mask[j] = 1
                        stack.append(Int32(j))
                    }
                }
            }
            let keep = members.count >= minimumArea
            for m in members { mask[Int(m)] = keep ? 254 : 0 }
            if keep { kept += members.count }
        }
        // Kept regions were marked 254 so that the scan above does not visit them again.
        for i in (rows.lowerBound * width)..<(rows.upperBound * width) where mask[i] == 254 { mask[i] = 255 }
        return kept
    }
}
