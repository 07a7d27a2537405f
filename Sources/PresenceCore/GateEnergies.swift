/// An LD2410's per-gate energies (0...100 for gates 0...8), held inline: a radar
/// report arrives ten times a second, and an array per gate list would allocate
/// on every one.
public struct GateEnergies: RandomAccessCollection, Sendable, Equatable, ExpressibleByArrayLiteral {
    /// The LD2410 has gates 0...8.
    public static let capacity = 9
    @usableFromInline var storage = SIMD16<UInt8>()
    public var count: Int { Int(used) }
    @usableFromInline var used: UInt8 = 0

    public init() {}

    /// The first `capacity` energies of `values` (a longer list is cut: the module has no more gates).
    /// Inlinable, so that the parser's call is specialised (a generic loop would allocate per element).
    @inlinable
    public init<S: Sequence>(_ values: S) where S.Element == UInt8 {
        for v in values.prefix(Self.capacity) {
            storage[Int(used)] = v
            used += 1
        }
    }

    public init(arrayLiteral values: UInt8...) { self.init(values) }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    public subscript(gate: Int) -> UInt8 {
        precondition(gate >= 0 && gate < count, "gate \(gate) out of range 0..<\(count)")
        return storage[gate]
    }

    public static func == (a: GateEnergies, b: GateEnergies) -> Bool {
        a.count == b.count && a.elementsEqual(b)
    }
}
