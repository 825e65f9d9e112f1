import Foundation
import KaiJSON

/// The launcher's JSON report (sandbox/CONTRACT.md), with typed accessors for
/// what the tests assert on. `raw` keeps the exact text for "secret never
/// appears anywhere" checks.
struct Report: CustomStringConvertible {
    let json: JSONValue
    let raw: String

    init(parsing text: String) throws {
        raw = text
        json = try JSONParser.parse(text)
    }

    var status: String? { json["status"]?.stringValue }
    var exitCode: Int64? { json["exit_code"]?.intValue }
    var signal: Int64? { json["signal"]?.intValue }
    var signalName: String? { json["signal_name"]?.stringValue }
    var cpuMs: Double { json["cpu_time_ms"]?.doubleValue ?? -1 }
    var wallMs: Double { json["wall_time_ms"]?.doubleValue ?? -1 }
    var peakMemoryKB: Int64 { json["peak_memory_kb"]?.intValue ?? -1 }
    var stdoutTruncated: Bool? { json["stdout_truncated"]?.boolValue }
    var stderrTruncated: Bool? { json["stderr_truncated"]?.boolValue }
    var seccompDenied: String? { json["seccomp_denied_syscall"]?.stringValue }
    var pidsLimitHit: Bool? { json["pids_limit_hit"]?.boolValue }
    var error: String? { json["error"]?.stringValue }
    var files: [JSONValue] { json["files"]?.arrayValue ?? [] }
    var protections: JSONValue { json["protections"] ?? .null }

    /// The exact bytes of a stream: base64 when the launcher had to use it.
    func bytes(_ stream: String) -> [UInt8] {
        if let encoded = json["\(stream)_base64"]?.stringValue, let data = Data(base64Encoded: encoded) {
            return [UInt8](data)
        }
        return Array((json[stream]?.stringValue ?? "").utf8)
    }

    var stdout: String { String(decoding: bytes("stdout"), as: UTF8.self) }
    var stderr: String { String(decoding: bytes("stderr"), as: UTF8.self) }

    /// Key=value lines the attack programs print ("probe=EPERM").
    var facts: [String: String] {
        var result: [String: String] = [:]
        for line in stdout.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            result[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        return result
    }

    func file(_ path: String) -> JSONValue? {
        files.first { $0["path"]?.stringValue == path }
    }

    /// Short enough for a failure message, long enough to diagnose.
    var description: String {
        "status=\(status ?? "nil") exit=\(exitCode.map(String.init) ?? "nil") signal=\(signalName ?? "nil") "
            + "cpu=\(cpuMs) wall=\(wallMs) peak=\(peakMemoryKB) seccomp=\(seccompDenied ?? "nil") pids_hit=\(pidsLimitHit.map { "\($0)" } ?? "nil") "
            + "error=\(error ?? "nil")\nstdout: \(stdout.prefix(600))\nstderr: \(stderr.prefix(600))"
    }
}
