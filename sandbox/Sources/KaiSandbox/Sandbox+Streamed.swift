#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// mkostemp(3): behind _GNU_SOURCE, so not in Glibc's Swift overlay; the
/// file must be close-on-exec from the start (see LauncherProcess).
@_silgen_name("mkostemp")
private func systemMkostemp(_ template: UnsafeMutablePointer<CChar>, _ flags: Int32) -> Int32

extension Sandbox {
    /// Runs `request` like `run`, but the launcher writes its report into an
    /// unlinked temporary file instead of this process's memory: a report
    /// holding up to 1 GB of output per stream costs the caller a few chunks
    /// of memory, read on demand (`SandboxReportFile`).
    public func runStreamed(_ request: SandboxRequest) throws(SandboxError) -> SandboxReportFile {
        guard access(launcherPath, X_OK) == 0 else { throw .launcherMissing(path: launcherPath) }
        let fd = try Self.anonymousFile()
        do throws(SandboxError) {
            let (request, stdin) = Self.handingOverStdin(request)
            let outcome = try LauncherProcess.run(path: launcherPath, arguments: request.launcherArguments,
                                                  stdin: stdin, stdoutFile: fd)
            guard outcome.exitStatus == 0 else {
                throw .launcherFailed(exitStatus: outcome.exitStatus, signal: outcome.signal,
                                      stderr: String(decoding: outcome.stderr, as: UTF8.self))
            }
            return try SandboxReportFile(fd: fd)
        } catch {
            close(fd)
            throw error
        }
    }

    /// A temporary file with no name: nothing to clean up, even after a crash.
    static func anonymousFile() throws(SandboxError) -> Int32 {
        var template = Array((NSTemporaryDirectory() + "kai-sandbox-report-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { systemMkostemp($0.baseAddress!, O_CLOEXEC) }
        guard fd >= 0 else { throw .system(call: "mkostemp", errno: errno) }
        _ = template.withUnsafeBufferPointer { unlink($0.baseAddress!) }
        return fd
    }
}
