import Glibc

/// Heap allocations of the calling thread, counted by scripts/alloc/alloc_count.c when `make test` loads it
/// with LD_PRELOAD (absent otherwise: the allocation tests are then skipped, and say so). It counts every
/// malloc, calloc, realloc and aligned allocation, however they are reached (Swift's runtime included).
public enum AllocationCounter {
    private typealias Count = @convention(c) () -> Int

    private static let counter: Count? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "presenced_alloc_count")
        .map { unsafeBitCast($0, to: Count.self) }

    /// Whether the counter is loaded.
    public static var available: Bool { counter != nil }

    /// The calling thread's allocations so far (0 without the counter).
    public static func count() -> Int { counter?() ?? 0 }

    /// How many allocations `body` made on this thread.
    public static func allocations(_ body: () -> Void) -> Int {
        let before = count()
        body()
        return count() - before
    }
}
