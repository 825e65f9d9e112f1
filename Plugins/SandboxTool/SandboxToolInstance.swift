#if canImport(Glibc)
import Glibc
#endif
import CKaiABI
import Foundation
import KaiJSON
import KaiSandbox

/// One configured instance: the operator's limits and the launcher.
/// Immutable, so concurrent calls (the tool is "parallel") share it safely.
final class SandboxToolInstance: Sendable {
    let config: SandboxToolConfig
    let sandbox: Sandbox

    init(config: SandboxToolConfig) {
        self.config = config
        sandbox = Sandbox(launcherPath: LauncherLocation.path)
    }

    /// Runs the program in a fresh sandbox and describes how it ended. A
    /// program that fails is a result (isError); only a sandbox that could
    /// not run at all is a failure of the call.
    func run(_ arguments: SandboxRunArguments) throws(ToolFailure) -> JSONValue {
        let limits = effectiveLimits(timeoutSeconds: arguments.timeoutSeconds)
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
        let report: SourceRunReport
        do {
            report = try sandbox.runSource(source, table: SandboxLanguages.table, base: base)
        } catch {
            throw ToolFailure(code: KAI_ERR_UNAVAILABLE, message: "the sandbox could not run the code: \(error.description)")
        }
        return try SandboxVerdict(report, limits: limits, config: config).result
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
