import Foundation

/// ALSA's `file` plugin (RECIPES.md): a PCM named `device` whose capture reads
/// a raw S16_LE file through the real ALSA path. Point ALSA_CONFIG_PATH at the
/// returned list (alsa.conf first) before the process first opens ALSA.
public enum ALSAFilePlugin {
    public static func config(device: String, input: String, in dir: URL) throws -> String {
        let path = dir.appendingPathComponent("alsa-\(device).conf").path
        try """
        pcm.\(device) {
            type file
            slave.pcm "null"
            file "/dev/null"
            infile "\(input)"
            format "raw"
        }
        """.write(toFile: path, atomically: true, encoding: .utf8)
        return "/usr/share/alsa/alsa.conf:\(path)"
    }
}
