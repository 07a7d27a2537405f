import ArgumentParser
import Foundation
import PresenceCore

/// Runs a command body; a user-facing error becomes one line on stderr and its
/// documented exit code (DESIGN.md §5), never a trap or a stack trace.
func exitingOnError(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let e as PresenceError {
        printError("presenced: \(e.description)")
        throw ExitCode(e.exitCode.rawValue)
    }
}

/// The same for commands that do blocking work on their own thread.
func exitingOnErrorSync(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let e as PresenceError {
        printError("presenced: \(e.description)")
        throw ExitCode(e.exitCode.rawValue)
    }
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
