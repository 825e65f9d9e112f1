#if canImport(Glibc)
import Glibc
#endif
import CKaiABI
import Foundation
import KaiJSON
import KaiSandbox

/// One configured instance: the host's services, the operator's limits and
/// the launcher.
///
/// `@unchecked Sendable`: immutable after init; the host pointer is valid
/// until destroy() and its services are [any-thread], so concurrent calls
/// (the tool is "parallel") share the instance safely.
final class SandboxToolInstance: @unchecked Sendable {
    let host: UnsafePointer<kai_host>
    let config: SandboxToolConfig
    let sandbox: Sandbox

    init(host: UnsafePointer<kai_host>, config: SandboxToolConfig) {
        self.host = host
        self.config = config
        sandbox = Sandbox(launcherPath: LauncherLocation.path)
    }

    /// Runs the program in a fresh sandbox and describes how it ended. A
    /// program that fails is a result (isError); a sandbox that could not
    /// run at all, the call's deadline or a cancellation is a failure of the
    /// call.
    func run(_ arguments: SandboxRunArguments, call: UnsafePointer<kai_call>) throws(ToolFailure) -> JSONValue {
        var limits = effectiveLimits(timeoutSeconds: arguments.timeoutSeconds)
        let watch = CallWatch(host: host, call: call)
        let deadlineCapped = try watch.cap(&limits)
        var sandbox = self.sandbox
        sandbox.cancelDescriptor = watch.cancelDescriptor
        let directory = try Scratch.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let ext = SandboxLanguages.extensions[arguments.language] ?? arguments.language
        let source = "\(directory)/main.\(ext)"
        try Scratch.write(arguments.program, to: source)
        var stdinFile: String?
        if let stdin = arguments.stdin {
            // Outside the source's directory: runSource copies only the source into /work.
            stdinFile = "\(directory).stdin"
            try Scratch.write(stdin, to: stdinFile!)
        }
        defer { if let stdinFile { try? FileManager.default.removeItem(atPath: stdinFile) } }
        let base = SandboxRequest(command: [], limits: limits, stdinFile: stdinFile, requireIsolation: config.requireIsolation)
        log(KAI_LOG_INFO, "sandbox_run: running \(arguments.language) code (time limit \(Double(limits.timeLimitMs ?? 0) / 1000) s)")
        let report: SourceRunReport
        do {
            report = try sandbox.runSource(source, table: SandboxLanguages.table, base: base)
        } catch {
            if watch.cancelled { throw ToolFailure(code: KAI_ERR_CANCELLED, message: "sandbox_run was cancelled; the program was killed") }
            throw ToolFailure(code: KAI_ERR_UNAVAILABLE, message: "the sandbox could not run the code: \(error.description)")
        }
        if watch.cancelled { throw ToolFailure(code: KAI_ERR_CANCELLED, message: "sandbox_run was cancelled; the program was killed") }
        let verdict = try SandboxVerdict(report, limits: limits, config: config)
        if deadlineCapped && verdict.verdict == "timeout" {
            throw ToolFailure(code: KAI_ERR_DEADLINE_EXCEEDED, message: "sandbox_run passed the call's deadline; the program was killed")
        }
        return verdict.result
    }

    private func log(_ level: kai_log_level, _ message: String) {
        guard let log = host.pointee.log else { return }
        var line = message
        line.withUTF8 { bytes in bytes.withMemoryRebound(to: CChar.self) { log(host, level, $0.baseAddress, $0.count) } }
    }

    /// The operator's limits; a call's timeout_s may only lower the time.
    func effectiveLimits(timeoutSeconds: Double?) -> SandboxLimits {
        let seconds = min(timeoutSeconds ?? config.timeSeconds, config.timeSeconds)
        let milliseconds = max(1, Int((seconds * 1000).rounded(.up)))
        return SandboxLimits(timeLimitMs: milliseconds, cpuLimitMs: milliseconds, memoryMB: config.memoryMB,
                             pids: config.pids, outputLimitKB: config.outputKB)
    }
}

/// Where the launcher is: beside this plugin's own .so (the bundled
/// plugins and kai-sandbox are built into one directory), else beside the
/// running executable.
enum LauncherLocation {
    static let path: String = {
        // Dl_info is four pointers; dli_fname (the library's path) is the first.
        var info = [UnsafeRawPointer?](repeating: nil, count: 4)
        // The exported entry is a function of this library: dladdr names its file.
        let anchor = unsafeBitCast(kaiPluginEntryV1 as @convention(c) (UInt32) -> UnsafePointer<kai_plugin>?, to: UnsafeRawPointer.self)
        if systemDladdr(anchor, &info) != 0, let name = info[0] {
            let library = String(cString: name.assumingMemoryBound(to: CChar.self))
            let candidate = (library as NSString).deletingLastPathComponent + "/kai-sandbox"
            if library.hasPrefix("/"), access(candidate, X_OK) == 0 { return candidate }
        }
        return Sandbox.defaultLauncherPath
    }()
}

/// dladdr(3): behind _GNU_SOURCE, so not in Glibc's Swift overlay.
@_silgen_name("dladdr")
private func systemDladdr(_ address: UnsafeRawPointer?, _ info: UnsafeMutablePointer<UnsafeRawPointer?>) -> Int32

/// The host temp files of one call.
enum Scratch {
    static func makeDirectory() throws(ToolFailure) -> String {
        var template = Array((NSTemporaryDirectory() + "kai-sandbox-run-XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw ToolFailure(code: KAI_ERR_UNAVAILABLE, message: "cannot create a temporary directory under \(NSTemporaryDirectory()): errno \(errno)")
        }
        return String(cString: made)
    }

    static func write(_ text: String, to path: String) throws(ToolFailure) {
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw ToolFailure(code: KAI_ERR_UNAVAILABLE, message: "cannot write the program to \(path): errno \(errno)")
        }
    }
}
