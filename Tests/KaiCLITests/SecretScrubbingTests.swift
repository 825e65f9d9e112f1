import Foundation
import KaiJSON
import KaiTestSupport
import Testing

/// A plugin given a secret cannot pass its value on: whatever comes back
/// from it — result, error message, log line, progress event — shows the
/// placeholder, on stdout, stderr and in the registry database.
@Suite struct SecretScrubbingTests {
    static let planted = "planted-Secret\"9f3c1"
    static let placeholder = "<secret from HOSTILE_API_KEY>"

    /// A scratch directory with an operator config that gives the hostile
    /// plugin its api_key from HOSTILE_API_KEY and logs payloads.
    static func setUp(_ name: String, isolation: String) throws -> (config: String, directory: String) {
        let directory = Fixtures.scratch + "/secrets-\(name)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let plugin = try InProcessPluginTests.hostile()
        let config = directory + "/kai.yaml"
        try """
            database: \(directory)/registry.sqlite
            payload_logging: true
            plugins:
              - path: \(plugin)
                id: test.hostile
                isolation: \(isolation)
                secrets: { api_key: HOSTILE_API_KEY }

            """.write(toFile: config, atomically: true, encoding: .utf8)
        return (config, directory)
    }

    static func kai(_ arguments: [String], config: String) throws -> KaiProcess.Outcome {
        try KaiProcess.run(arguments + ["--config", config, "--no-bundled-plugins", "--log-level", "info"],
                           environment: ["HOSTILE_API_KEY": planted])
    }

    @Test(arguments: ["inprocess", "process"])
    func secretEchoedByAPlugin_isScrubbedFromResultsErrorsLogsEventsAndTheDatabase(isolation: String) throws {
        let (config, directory) = try Self.setUp("echo-\(isolation)", isolation: isolation)
        let result = try Self.kai(["tools", "call", "echo_secret", "--args", #"{"fail": false}"#, "--progress"], config: config)
        #expect(result.status == 0)
        #expect(result.stdout == "{\"echo\":\"\(Self.placeholder)\"}\n")
        #expect(result.stderr.contains("using api key \(Self.placeholder)\n"))
        #expect(result.stderr.contains("progress: 1/1 using api key \(Self.placeholder)\n"))

        let failure = try Self.kai(["tools", "call", "echo_secret", "--args", #"{"fail": true}"#], config: config)
        #expect(failure.status == 70)
        #expect(failure.stderr.hasSuffix(
            "kai: error: tool \"test.hostile.echo_secret\" failed (INTERNAL): the server refused key \(Self.placeholder)\n"))

        let info = try Self.kai(["plugins", "info", "test.hostile", "--json"], config: config)
        let logs = try Self.kai(["logs", "--json"], config: config)
        for outcome in [result, failure, info, logs] {
            #expect(!outcome.stdout.contains("planted-Secret"))
            #expect(!outcome.stderr.contains("planted-Secret"))
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasPrefix("registry.sqlite") }
        #expect(!files.isEmpty)
        for file in files {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + file))
            #expect(bytes.range(of: Data("planted-Secret".utf8)) == nil, "\(file) holds the secret")
        }
    }
}

/// `--args` on the command line is held to the same rules as a file.
@Suite struct RawArgumentsTests {
    @Test func toolsCall_whenArgsOnTheCommandLineAreNotUTF8_isRejectedAsFromAFile() throws {
        let file = Fixtures.scratch + "/not-utf8.json"
        try Data([0x7b, 0x22, 0x74, 0x65, 0x78, 0x74, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]).write(to: URL(fileURLWithPath: file))  // {"text":"\xff"}
        let fromFile = try KaiProcess.run(["tools", "call", "text_stats", "--args", "@" + file])
        // Process takes Swift strings; the shell passes the raw byte.
        let fromArgv = try KaiProcess.run(["tools", "call", "text_stats", "--args", "RAW"], environment: [:], viaShell: #"printf '{"text":"\377"}'"#)
        let expected = "kai: error: arguments for \"dev.kai.text.text_stats\" are not valid JSON: invalid UTF-8 in string at line 1, column 10.\n"
        #expect(fromFile.status == 65)
        #expect(fromFile.stderr == expected)
        #expect(fromArgv.status == 65)
        #expect(fromArgv.stderr == expected)
    }
}

extension KaiProcess {
    /// Runs kai through /bin/sh, replacing the argument "RAW" with the
    /// bytes `command` prints (which may be invalid UTF-8).
    static func run(_ arguments: [String], environment: [String: String], viaShell command: String) throws -> (status: Int32, stdout: String, stderr: String) {
        let quoted = arguments.map { $0 == "RAW" ? "\"$(\(command))\"" : "'\($0)'" }.joined(separator: " ")
        let outcome = try Subprocess.run("/bin/sh", ["-c", "exec '\(executable)' \(quoted)"],
                                         environment: ["PATH": "/usr/bin:/bin", "HOME": home].merging(environment) { $1 })
        return (outcome.status, outcome.stdout, outcome.stderr)
    }
}
