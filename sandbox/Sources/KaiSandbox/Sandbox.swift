#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Runs programs in the `kai-sandbox` launcher, one fresh sandbox per run.
///
/// A value type holding only the launcher's path: any number of threads may
/// call `run` at once.
public struct Sandbox: Sendable {
    public let launcherPath: String
    /// A descriptor that turns readable when the caller gives up (e.g. a
    /// plugin host's cancel fd, kai_provider.h): a run in progress is then
    /// killed, program tree and all, and `run` throws `.launcherFailed`
    /// with signal 9. Borrowed: never read or closed here.
    public var cancelDescriptor: Int32?

    /// The launcher next to the running executable (as `swift build` puts
    /// `kai-sandbox` beside `kai`), unless a path is given.
    public init(launcherPath: String? = nil) {
        self.launcherPath = launcherPath ?? Sandbox.defaultLauncherPath
    }

    public static var defaultLauncherPath: String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        let executable = count > 0 ? String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
        let directory = executable.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        return directory + "/kai-sandbox"
    }

    /// Runs `request` and returns the launcher's report. A program that fails
    /// or hits a limit is a report, not an error; errors mean no report.
    public func run(_ request: SandboxRequest) throws(SandboxError) -> SandboxReport {
        guard access(launcherPath, X_OK) == 0 else { throw .launcherMissing(path: launcherPath) }
        let (request, stdin) = Self.handingOverStdin(request)
        let outcome = try LauncherProcess.run(path: launcherPath, arguments: request.launcherArguments, stdin: stdin,
                                              cancel: cancelDescriptor)
        let stderr = String(decoding: outcome.stderr, as: UTF8.self)
        guard outcome.exitStatus == 0 else {
            throw .launcherFailed(exitStatus: outcome.exitStatus, signal: outcome.signal, stderr: stderr)
        }
        return try SandboxReport.decode(outcome.stdout)
    }
}

extension Sandbox {
    /// The launcher gets no descriptor of ours but 0-2, so a `--stdin` that
    /// names one of ours (`--stdin <(cmd)` is /dev/fd/63) is handed over as
    /// the launcher's stdin, on purpose, and read from there.
    static func handingOverStdin(_ request: SandboxRequest) -> (SandboxRequest, stdin: Int32?) {
        guard let path = request.stdinFile, let fd = ownDescriptor(path) else { return (request, nil) }
        var request = request
        request.stdinFile = "/dev/stdin"
        return (request, fd)
    }

    /// The open descriptor of this process that `path` names (/dev/stdin,
    /// /dev/fd/N, /proc/self/fd/N), or nil.
    static func ownDescriptor(_ path: String) -> Int32? {
        let number: Int32?
        if path == "/dev/stdin" { number = 0 }
        else if path.hasPrefix("/dev/fd/") { number = Int32(path.dropFirst("/dev/fd/".count)) }
        else if path.hasPrefix("/proc/self/fd/") { number = Int32(path.dropFirst("/proc/self/fd/".count)) }
        else { number = nil }
        guard let number, number >= 0, fcntl(number, F_GETFD) >= 0 else { return nil }
        return number
    }
}

extension SandboxReport {
    /// Decodes a launcher report, keeping the exact text in `rawJSON`.
    public static func decode(_ bytes: [UInt8]) throws(SandboxError) -> SandboxReport {
        let text = String(decoding: bytes, as: UTF8.self)
        do {
            var report = try JSONDecoder().decode(SandboxReport.self, from: Data(bytes))
            report.rawJSON = text
            return report
        } catch {
            throw .reportNotJSON(detail: String(describing: error), stdout: String(text.prefix(2000)))
        }
    }
}
