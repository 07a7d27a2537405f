/// A min-heap of messages waiting to be emitted, ordered by log time and then
/// by where they stand in the file, so equal times keep file order.
struct MessageHeap {
    struct Entry {
        var logTime: UInt64
        var order: UInt64
        var message: MCAPMessage
    }

    private var items: [Entry] = []

    var isEmpty: Bool { items.isEmpty }
    var minLogTime: UInt64? { items.first?.logTime }

    private static func less(_ a: Entry, _ b: Entry) -> Bool {
        a.logTime != b.logTime ? a.logTime < b.logTime : a.order < b.order
    }

    mutating func push(_ e: Entry) {
        items.append(e)
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard Self.less(items[i], items[parent]) else { break }
            items.swapAt(i, parent)
            i = parent
        }
    }

    mutating func pop() -> Entry? {
        guard !items.isEmpty else { return nil }
        items.swapAt(0, items.count - 1)
        let top = items.removeLast()
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < items.count, Self.less(items[l], items[m]) { m = l }
            if r < items.count, Self.less(items[r], items[m]) { m = r }
            if m == i { break }
            items.swapAt(i, m)
            i = m
        }
        return top
    }
}
