/// Finds the still objects among the foreground: regions that have not moved for a while and have an edge
/// along most of their border in the present frame (a person sitting still or asleep, a bag put down). A
/// ghost (where something stood when the model learned the scene and has gone since) is still too, but its
/// pixels continue the background around it: no edge where it ends.
///
/// The background model heals ghosts pixel by pixel (a still foreground pixel that matches a background
/// neighbour becomes background) and spreads background samples into neighbours; both, left alone, wear a
/// still person away from any low-contrast point of their outline (a soft shadow bridges the contrast), one
/// pixel after another. The pixels of a still object are protected from both while it is there. Whole regions
/// are judged, never single pixels. Scalar, reusing its buffers: no allocation once it has seen a frame's size.
public struct StillObjectFinder {
    /// A region is an object when fewer than this share of its border pixels continue the background.
    public var continuousShare: Float = 0.4
    /// Regions with fewer border pixels than this are not judged (too small to tell).
    public var minimumBorder = 12

    private var stack: [Int32] = []
    private var members: [Int32] = []

    public init() {}

    /// Sets `protected` to 1 on the pixels of still objects and 0 elsewhere, in rows `rows` (the rest must be 0
    /// already). Still foreground: `mask[i] != 0` and `still[i] >= stillFrames`. A border pixel (one with a
    /// 4-neighbour that is background) continues the background when it is within `radius` grey levels of such a
    /// neighbour in `frame`. Uses `protected` as its "seen" marks while it works (2 = seen, not an object).
    public mutating func find(mask: UnsafeBufferPointer<UInt8>, still: UnsafeBufferPointer<UInt8>, stillFrames: UInt8,
                              frame: UnsafeBufferPointer<UInt8>, width: Int, height: Int, rows: Range<Int>, radius: UInt8,
                              protected: UnsafeMutableBufferPointer<UInt8>) {
        if stack.capacity < mask.count {
            stack.reserveCapacity(mask.count)
            members.reserveCapacity(mask.count)
        }
        let span = (rows.lowerBound * width)..<(rows.upperBound * width)
        for i in span { protected[i] = 0 }
        let r = Int(radius)
        for start in span where protected[start] == 0 && mask[start] != 0 && still[start] >= stillFrames {
            members.removeAll(keepingCapacity: true)
            stack.removeAll(keepingCapacity: true)
            protected[start] = 2
            stack.append(Int32(start))
            var border = 0, continuous = 0
            while let top = stack.popLast() {
                let i = Int(top)
                members.append(top)
                forEachNeighbour8(of: i, width: width, height: height) { j in
                    if protected[j] == 0, mask[j] != 0, still[j] >= stillFrames {
                        protected[j] = 2
                        stack.append(Int32(j))
                    }
                }
                let x = i % width, y = i / width
                var isBorder = false, continues = false
                for k in 0..<4 {
                    let xx = x + (k == 0 ? 1 : k == 1 ? -1 : 0), yy = y + (k == 2 ? 1 : k == 3 ? -1 : 0)
                    guard xx >= 0, xx < width, yy >= 0, yy < height else { continue }
                    let j = yy * width + xx
                    guard mask[j] == 0 else { continue }
                    isBorder = true
                    if abs(Int(frame[i]) - Int(frame[j])) < r { continues = true }
                }
                if isBorder {
                    border += 1
                    if continues { continuous += 1 }
                }
            }
            let object = border >= minimumBorder && Float(continuous) < continuousShare * Float(border)
            if object { for m in members { protected[Int(m)] = 1 } }
        }
        for i in span where protected[i] == 2 { protected[i] = 0 }
    }
}
