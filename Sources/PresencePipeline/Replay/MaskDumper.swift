import Foundation
import PresenceCore

/// `--dump-masks DIR`: the n-th /camera/image message's foreground mask as
/// DIR/NNNNNN.pgm (binary P5, the frame's own size, only 0 and 255), numbered
/// from 1 across all files of one replay (DESIGN.md §4). `simulate --masks`
/// writes the simulator's truth masks the same way, so the two line up.
public final class MaskDumper {
    public let directory: String
    private var index = 0
    /// The first write error; replay stops with it once the current file is done.
    public private(set) var failure: ReplayError?

    public init(directory: String) throws {
        self.directory = directory
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw ReplayError(exitCode: .ioError, description: "\(directory): cannot create the mask directory: \(error.localizedDescription)")
        }
    }

    func write(frame: VideoFrame, mask: [UInt8]) {
        write(width: frame.width, height: frame.height, mask: mask)
    }

    public func write(width: Int, height: Int, mask: [UInt8]) {
        index += 1
        guard failure == nil else { return }
        let name = String(index)
        let path = "\(directory)/\(String(repeating: "0", count: max(0, 6 - name.count)))\(name).pgm"
        var data = Data("P5\n\(width) \(height)\n255\n".utf8)
        data.append(contentsOf: mask)
        if !FileManager.default.createFile(atPath: path, contents: data) {
            failure = ReplayError(exitCode: .ioError, description: "\(path): cannot write the mask file")
        }
    }
}
