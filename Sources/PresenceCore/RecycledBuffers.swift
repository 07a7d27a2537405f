/// Output arrays for capture and replay, reused round-robin: a sample's array is shared
/// with the pipeline until it is done with it, and filling an array nobody else
/// holds any more writes in place. So steady-state capture allocates nothing,
/// and a consumer that keeps a sample (the flight recorder) gets a copy
/// made for it by copy-on-write, never a buffer overwritten under it.
///
/// Inlinable: the element loop must be specialised in the module that fills it
/// (generic code would copy megabyte chunks element by element through witnesses).
public struct RecycledBuffers<Element> {
    @usableFromInline var slots: [[Element]]
    @usableFromInline var next = 0
    @usableFromInline let zero: Element

    @inlinable
    public init(slots: Int, zero: Element) {
        self.slots = Array(repeating: [], count: max(slots, 1))
        self.zero = zero
    }

    /// An array of `count` elements filled by `body` (its old contents are undefined).
    @inlinable
    public mutating func fill<E: Error>(count: Int, _ body: (inout UnsafeMutableBufferPointer<Element>) throws(E) -> Void) throws(E) -> [Element] {
        let i = next
        next = (next + 1) % slots.count
        // Resized in place, keeping the capacity when nobody else holds the array: varying sizes (serial
        // reads, replayed chunks) allocate once, and only what grows is written twice.
        if slots[i].count > count {
            slots[i].removeLast(slots[i].count - count)
        } else if slots[i].count < count {
            slots[i].append(contentsOf: repeatElement(zero, count: count - slots[i].count))
        }
        try slots[i].withUnsafeMutableBufferPointer { (buffer) throws(E) in try body(&buffer) }
        return slots[i]
    }
}
