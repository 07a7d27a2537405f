/// Calls `body` with the index of each of the (up to 8) pixels around pixel `i` of a `width` x `height` frame, row
/// by row from the top left, leaving out those past the frame's edges and `i` itself. The region fills
/// (`ComponentFilter`, `StillObjectFinder`) share it so that their walk is the same.
@inline(__always)
func forEachNeighbour8(of i: Int, width: Int, height: Int, _ body: (Int) -> Void) {
    let x = i % width, y = i / width
    for dy in -1...1 {
        let yy = y + dy
        guard yy >= 0, yy < height else { continue }
        for dx in -1...1 {
            let xx = x + dx
            guard xx >= 0, xx < width, dx != 0 || dy != 0 else { continue }
            body(yy * width + xx)
        }
    }
}
