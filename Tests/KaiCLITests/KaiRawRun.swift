import Foundation
import KaiTestSupport

/// Runs the real kai like KaiProcess, but keeps stdout's exact bytes (in a
/// file, so output of any size does not fill a pipe) and can preload a
/// library into kai.
struct KaiRawRun {
    let status: Int32
    let stdout: [UInt8]
    let stderr: String

    var stdoutText: String { String(decoding: stdout, as: UTF8.self) }

    static func run(_ arguments: [String], environment: [String: String] = [:], keepStdout: Bool = true) throws -> KaiRawRun {
        let directory = Fixtures.scratch + "/raw-run-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let outPath = directory + "/stdout", errPath = directory + "/stderr"
        guard FileManager.default.createFile(atPath: outPath, contents: nil), FileManager.default.createFile(atPath: errPath, contents: nil)
        else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: directory]) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: KaiProcess.executable)
        process.arguments = arguments
        process.environment = ["PATH": "/usr/bin:/bin", "HOME": KaiProcess.home].merging(environment) { $1 }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = keepStdout ? try FileHandle(forWritingTo: URL(fileURLWithPath: outPath)) : FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        try process.run()
        process.waitUntilExit()
        return KaiRawRun(
            status: process.terminationStatus,
            stdout: keepStdout ? Array(FileManager.default.contents(atPath: outPath) ?? Data()) : [],
            stderr: String(decoding: FileManager.default.contents(atPath: errPath) ?? Data(), as: UTF8.self))
    }
}
