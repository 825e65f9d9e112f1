import KaiTestSupport
import Foundation
@testable import KaiSandbox
import Testing

/// `Sandbox.runStreamed`: the report stays in a file and the output is read
/// back in chunks — the same report and the same bytes as `run`.
@Suite(.requiresNamespaces) struct StreamedReportTests {
    let sandbox = Sandbox()

    func bytes(_ file: SandboxReportFile, _ stream: SandboxReportFile.Stream) throws -> [UInt8] {
        var bytes: [UInt8] = []
        try file.output(stream) { bytes += $0 }
        return bytes
    }

    /// 228 KB (more as JSON) crossing several 64 KB chunks, full of JSON escapes (quotes,
    /// backslashes, control characters) and multi-byte characters.
    static let program = """
        import sys
        line = 'plain "quoted" back\\\\slash \\x01\\x1b[2J\\t tab é ✓ 😀 \\x7f\\u009b end\\n'
        sys.stdout.write(line * 4000); sys.stderr.write(line[::-1] * 10)
        """

    @Test func runStreamed_givesTheSameReportAndOutputAsRun() throws {
        let request = SandboxRequest(command: ["/usr/bin/python3", "-c", Self.program], limits: SandboxLimits(outputLimitKB: 4096))
        let whole = try sandbox.run(request)
        let streamed = try sandbox.runStreamed(request)
        #expect(whole.status == .ok, "\(whole.rawJSON.prefix(500))")
        #expect(streamed.report.status == whole.status)
        #expect(streamed.report.exitCode == whole.exitCode)
        #expect(streamed.report.stdoutTruncated == whole.stdoutTruncated)
        #expect(streamed.report.protections == whole.protections)
        #expect(streamed.report.limits == whole.limits)
        #expect(whole.stdout.utf8.count > 200_000)
        #expect(try bytes(streamed, .stdout) == Array(whole.stdout.utf8))
        #expect(try bytes(streamed, .stderr) == Array(whole.stderr.utf8))
        #expect(streamed.hasOutput(.stdout) && streamed.hasOutput(.stderr))
    }

    @Test func runStreamed_outputNotUTF8_givesTheExactBytes() throws {
        let request = SandboxRequest(command: ["/usr/bin/python3", "-c", "import sys; sys.stdout.buffer.write(bytes(range(256)) * 700)"])
        let streamed = try sandbox.runStreamed(request)
        #expect(streamed.report.status == .ok)
        let all: [UInt8] = (0...255).map { UInt8($0) }
        let expected: [UInt8] = Array(repeating: all, count: 700).flatMap { $0 }
        #expect(try bytes(streamed, .stdout) == expected)
        #expect(try bytes(streamed, .stderr).isEmpty && !streamed.hasOutput(.stderr))
    }

    @Test func runStreamed_json_isTheLaunchersReportAsWritten() throws {
        let streamed = try sandbox.runStreamed(SandboxRequest(command: ["/bin/echo", "hi"]))
        var json: [UInt8] = []
        try streamed.json { json += $0 }
        let report = try SandboxReport.decode(json)
        #expect(report.stdout == "hi\n")
        #expect(report.status == streamed.report.status)
    }

    @Test func jsonStringStream_decodesEscapesSplitAtAnyByte() {
        let content = Array(#"a\"b\\c\/\n\t\r\b\f\u001b\u00e9\ud83d\ude00\ud83d-x"#.utf8)
        var decoder = JSONStringStream()
        var decoded: [UInt8] = []
        for byte in content { decoded += [byte].withUnsafeBytes { decoder.decode($0) } }
        #expect(String(decoding: decoded, as: UTF8.self) == "a\"b\\c/\n\t\r\u{8}\u{c}\u{1b}é😀\u{fffd}-x")
    }

    @Test func base64Stream_decodesGroupsSplitAtAnyByte() {
        for length in 0..<8 {
            let data = Data((0..<length).map { UInt8($0 * 37 & 0xff) })
            var decoder = Base64Stream()
            var decoded: [UInt8] = []
            for byte in Array(data.base64EncodedString().utf8) { decoded += [byte].withUnsafeBytes { decoder.decode($0) } }
            #expect(decoded == Array(data), "length \(length)")
        }
    }

    @Test func reportScanner_leavesBigTopLevelStringsOutAndFindsThem() {
        let json = Array(#"{"a": "x", "stdout": "big \"one\"", "files": [{"stdout": "nested"}], "stderr": ""}"#.utf8)
        var scanner = ReportScanner(bigFields: ["stdout", "stderr"])
        for byte in json { [byte].withUnsafeBytes { scanner.feed($0) } }
        #expect(String(decoding: scanner.small, as: UTF8.self) == #"{"a": "x", "stdout": "", "files": [{"stdout": "nested"}], "stderr": ""}"#)
        let range = scanner.ranges["stdout"]!
        #expect(String(decoding: json[range], as: UTF8.self) == #"big \"one\""#)
        #expect(scanner.ranges["stderr"]?.isEmpty == true)
    }
}
