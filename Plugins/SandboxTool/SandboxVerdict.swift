import CKaiABI
import Foundation
import KaiJSON
import KaiSandbox

/// How a run ended, for a model: one word, the output, and an MCP tool
/// result around them.
///
/// Verdicts: ok (exit 0); failed (a non-zero exit: a failed assert, an
/// exception); timeout (wall or CPU limit); oom (memory limit); output_limit
/// (more output than the limit; what fit is kept); killed (a signal, e.g. a
/// crash or a syscall the sandbox denies); compile_error (a compiled
/// language's compile step failed). A sandbox that could not run the
/// program at all is not a verdict but a failure of the call.
struct SandboxVerdict {
    let verdict: String
    let report: SandboxReport
    /// The run step's report, or the failing compile step's.
    let durationMs: Double
    let limits: SandboxLimits

    init(_ outcome: SourceRunReport, limits: SandboxLimits, config: SandboxToolConfig) throws(ToolFailure) {
        let steps = outcome.compile + (outcome.run.map { [$0] } ?? [])
        guard let last = steps.last else { throw ToolFailure(code: KAI_ERR_INTERNAL, message: "the sandbox ran no step") }
        if last.status == .sandboxError {
            let fix = config.requireIsolation && (last.error ?? "").contains("isolation required")
                ? "; fix: run kai where namespaces, seccomp and cgroups are available (`kai doctor` says what is missing), or set require_isolation: false in the dev.kai.sandbox plugin's config"
                : ""
            throw ToolFailure(code: KAI_ERR_UNAVAILABLE, message: "the sandbox could not run the code: \(last.error ?? "unknown error")\(fix)")
        }
        report = last
        self.limits = limits
        durationMs = (steps.reduce(0) { $0 + $1.wallTimeMs } * 10).rounded() / 10
        verdict = outcome.run == nil ? "compile_error" : Self.word(last)
    }

    static func word(_ report: SandboxReport) -> String {
        switch report.status {
        case .ok: "ok"
        case .exitedNonzero: "failed"
        case .cpuTimeLimit, .wallTimeLimit: "timeout"
        case .memoryLimit: "oom"
        case .outputLimit: "output_limit"
        case .signaled: "killed"
        case .sandboxError: "sandbox_error"
        }
    }

    /// The MCP tool result.
    var result: JSONValue {
        var structured: JSONObject = [
            "verdict": .string(verdict),
            "exit_code": report.exitCode.map { .integer(Int64($0)) } ?? .null,
            "stdout": .string(report.stdout),
            "stderr": .string(report.stderr),
            "duration_ms": .number(durationMs),
            "stdout_truncated": .bool(report.stdoutTruncated),
            "stderr_truncated": .bool(report.stderrTruncated),
            "signal": report.signalName.map { .string($0) } ?? .null,
            "limits": .object([
                "time_s": .number(Double(limits.timeLimitMs ?? 0) / 1000), "memory_mb": .integer(Int64(limits.memoryMB ?? 0)),
                "pids": .integer(Int64(limits.pids ?? 0)), "output_kb": .integer(Int64(limits.outputLimitKB ?? 0)),
            ]),
        ]
        if let syscall = report.seccompDeniedSyscall { structured["denied_syscall"] = .string(syscall) }
        return .object([
            "content": .array([.object(["type": "text", "text": .string(text)])]),
            "structuredContent": .object(structured),
            "isError": .bool(verdict != "ok"),
        ])
    }

    /// The verdict in a line, then the output the model needs to fix it.
    var text: String {
        var lines = [headline]
        for (name, output, cut) in [("stdout", report.stdout, report.stdoutTruncated), ("stderr", report.stderr, report.stderrTruncated)]
        where !output.isEmpty {
            lines.append("\(name)\(cut ? " (cut at \(limits.outputLimitKB ?? 0) KB)" : ""):\n\(output)")
        }
        return lines.joined(separator: "\n")
    }

    private var headline: String {
        let exit = report.exitCode.map { "exit code \($0)" } ?? "no exit code"
        switch verdict {
        case "ok": return "ok: exit code 0"
        case "failed": return "failed: \(exit)"
        case "timeout": return "timeout: stopped at the \(Self.seconds(limits.timeLimitMs)) s time limit"
        case "oom": return "oom: stopped at the \(limits.memoryMB ?? 0) MB memory limit"
        case "output_limit": return "output_limit: the output passed the \(limits.outputLimitKB ?? 0) KB limit (\(exit))"
        case "compile_error": return "compile_error: the compiler ended with \(exit)"
        default:
            if let syscall = report.seccompDeniedSyscall { return "killed: the sandbox denied the system call \(syscall)" }
            return "killed: by \(report.signalName ?? "signal \(report.signal ?? 0)")"
        }
    }

    private static func seconds(_ milliseconds: Int?) -> String {
        let value = Double(milliseconds ?? 0) / 1000
        return value == value.rounded() ? String(Int(value)) : String(value)
    }
}
