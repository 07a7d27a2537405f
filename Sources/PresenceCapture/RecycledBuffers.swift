/// Output arrays for capture, reused round-robin: a sample's array is shared
/// with the pipeline until it is done with it, and filling an array nobody else
/// holds any more writes in place. So steady-state capture allocates nothing,
/// and a consumer that keeps a sample (the flight recorder) gets a copy
/// made for it by copy-on-write, never a buffer overwritten under it.
struct RecycledBuffers<Element> {
    private var slots: [[Element]]
    private var next = 0
    private let zero: Element

    init(slots: Int, zero: Element) {
        self.slots = Array(repeating: [], count: max(slots, 1))
        self.zero = zero
    }

    /// An array of `count` elements filled by `body` (its old contents are undefined).
    mutating func fill(count: Int, _ body: (inout UnsafeMutableBufferPointer<Element>) -> Void) -> [Element] {
        let i = next
        next = (next + 1) % slots.count
        if slots[i].count != count {
            // Keeps the capacity when nobody else holds the array: varying sizes (serial reads) allocate once.
            slots[i].removeAll(keepingCapacity: true)
            slots[i].append(contentsOf: repeatElement(zero, count: count))
        }
        slots[i].withUnsafeMutableBufferPointer { body(&$0) }
        return slots[i]
    }
}
