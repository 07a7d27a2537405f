import Foundation

/// One binary for every fuzz target (FuzzTargets.all), in two builds:
/// - `make fuzz` builds it with -sanitize=fuzzer and -DFUZZING: it hands over to libFuzzer's driver,
///   fuzzing the target named by PRESENCED_FUZZ_TARGET (libFuzzer's own flags pass through);
/// - the normal build replays saved inputs through a target, so that `make test` proves every
///   corpus file (and every crash ever found) still passes:  presenced-fuzz TARGET FILE|DIR...
@main
struct FuzzEntry {
    static func main() {
        #if FUZZING
        let name = ProcessInfo.processInfo.environment["PRESENCED_FUZZ_TARGET"] ?? ""
        guard FuzzTargets.all[name] != nil else { usage("set PRESENCED_FUZZ_TARGET") }
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOneInput))
        #else
        replay(Array(CommandLine.arguments.dropFirst()))
        #endif
    }

    static func replay(_ args: [String]) {
        guard let name = args.first, let target = FuzzTargets.all[name] else { usage("usage: presenced-fuzz TARGET FILE|DIR...") }
        var count = 0
        for path in args.dropFirst() {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
                print("presenced-fuzz: \(path): no such file")
                exit(66)
            }
            let files = isDir.boolValue
                ? ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted().map { "\(path)/\($0)" }
                : [path]
            for file in files {
                guard let data = FileManager.default.contents(atPath: file) else { continue }
                target([UInt8](data))
                count += 1
            }
        }
        print("presenced-fuzz: \(name): \(count) inputs, no crash")
    }

    static func usage(_ what: String) -> Never {
        print("\(what) (targets: \(FuzzTargets.all.keys.sorted().joined(separator: ", ")))")
        exit(64)
    }
}

#if FUZZING
/// libFuzzer's driver (compiler-rt), for programs that have a main of their own.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<Int32>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32

/// One input from libFuzzer to the target chosen at start.
private let fuzzOneInput: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32 = { data, size in
    let target = FuzzTargets.all[ProcessInfo.processInfo.environment["PRESENCED_FUZZ_TARGET"] ?? ""]!
    target(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}
#endif
