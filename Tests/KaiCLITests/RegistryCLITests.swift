import Foundation
import KaiJSON
import KaiTestSupport
import Testing

/// The registry through the real CLI: operator config, recording, scores,
/// logs — and many kai processes writing one database at once.
@Suite(.serialized) struct RegistryCLITests {
    /// A config + database of the test's own, loading the fixture plugin.
    struct Workspace {
        let directory: String
        let config: String
        let database: String

        init(_ name: String, payloadLogging: Bool = false, extra: String = "") throws {
            directory = Fixtures.scratch + "/registry-\(name)"
            try? FileManager.default.removeItem(atPath: directory)
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            config = directory + "/kai.yaml"
            database = directory + "/registry.sqlite"
            let fixture = try Fixtures.fixture()
            try """
                database: \(database)
                payload_logging: \(payloadLogging)
                plugins:
                  - path: \(fixture)
                \(extra)
                """.write(toFile: config, atomically: true, encoding: .utf8)
        }

        func kai(_ arguments: [String], stdin: String? = nil) throws -> KaiProcess.Outcome {
            try KaiProcess.run(arguments + ["--config", config, "--no-bundled-plugins"], stdin: stdin)
        }
    }

    @Test func toolsCall_recordsAPerformanceRecordAndALogRow() throws {
        let workspace = try Workspace("record")
        #expect(try workspace.kai(["tools", "call", "add", "--args", #"{"a": 1, "b": 2}"#, "--task-type", "math"]).status == 0)
        #expect(try workspace.kai(["tools", "call", "fail"]).status == 70)
        let logs = try JSONParser.parse(try workspace.kai(["logs", "--json"]).stdout).arrayValue ?? []
        #expect(logs.map { $0["tool"] } == ["test.fixture.fail", "test.fixture.add"])
        #expect(logs.map { $0["result"] } == ["INTERNAL", "OK"])
        #expect(logs.last?["taskType"] == "math")
        #expect(logs.last?["arguments"] == nil, "payloads are logged only when payload_logging is on")
        let scores = try JSONParser.parse(try workspace.kai(["registry", "scores", "--json"]).stdout).arrayValue ?? []
        let add = try #require(scores.first { $0["name"] == "add" })
        #expect(add["calls"] == 1)
        #expect(add["successRate"] == 1)
    }

    @Test func payloadLogging_whenOn_keepsArgumentsAndResults() throws {
        let workspace = try Workspace("payload", payloadLogging: true)
        #expect(try workspace.kai(["tools", "call", "add", "--args", #"{"a": 2, "b": 2}"#]).status == 0)
        let row = try JSONParser.parse(try workspace.kai(["logs", "--json", "--tool", "test.fixture.add"]).stdout).arrayValue?.first
        #expect(row?["arguments"] == ["a": 2, "b": 2])
        #expect(row?["result_json"] == ["sum": 4])
    }

    @Test func brokenConfig_exits78WithFileLineAndKey() throws {
        let workspace = try Workspace("broken", extra: "    enabeld: true")
        let outcome = try workspace.kai(["tools", "list"])
        #expect(outcome.status == 78)
        #expect(outcome.stderr == "kai: error: \(workspace.config):5:5: unknown key \"enabeld\" in plugins[0]. Did you mean \"enabled\"? Allowed keys: path, pattern, id, enabled, isolation, status, config, secrets.\n")
    }

    @Test func pluginConfigViolatingItsSchema_isReportedAtTheLineInTheConfig() throws {
        let workspace = try Workspace("badconfig", extra: """
              - id: test.fixture
                config:
                  level: high
            """)
        let outcome = try workspace.kai(["tools", "call", "add", "--args", #"{"a": 1, "b": 1}"#])
        #expect(outcome.status == 69)
        #expect(outcome.stderr.contains("\(workspace.config):7:7: config of plugin test.fixture: $.level: expected integer, got string (type). See 'kai plugins info test.fixture' for its config schema."))
    }

    @Test func disable_thenEnable_editsTheConfigAndStopsLoadingThePlugin() throws {
        let workspace = try Workspace("toggle")
        let disabled = try workspace.kai(["plugins", "disable", "test.fixture"])
        #expect(disabled.stdout == "disabled test.fixture in \(workspace.config)\n")
        #expect(try workspace.kai(["tools", "call", "add", "--args", #"{"a":1,"b":1}"#]).status == 66)
        let listed = try JSONParser.parse(try workspace.kai(["plugins", "list", "--json"]).stdout).arrayValue ?? []
        #expect(listed.first { $0["id"] == "test.fixture" }?["status"] == "disabled")
        #expect(try String(contentsOfFile: workspace.config, encoding: .utf8).contains("payload_logging: false"))
        #expect(try workspace.kai(["plugins", "enable", "test.fixture"]).status == 0)
        #expect(try workspace.kai(["tools", "call", "add", "--args", #"{"a":1,"b":1}"#]).status == 0)
    }

    @Test func statusOverride_deprecatedWarnsAndMaintenanceRefuses() throws {
        let deprecated = try Workspace("deprecated", extra: "  - id: test.fixture\n    status: deprecated")
        let warned = try deprecated.kai(["tools", "call", "add", "--args", #"{"a":1,"b":1}"#])
        #expect(warned.status == 0)
        #expect(warned.stderr == "kai: warning: plugin test.fixture is deprecated by the operator; it may be removed soon.\n")
        let maintenance = try Workspace("maintenance", extra: "  - id: test.fixture\n    status: maintenance")
        let refused = try maintenance.kai(["tools", "call", "add", "--args", #"{"a":1,"b":1}"#])
        #expect(refused.status == 69)
        #expect(refused.stderr == "kai: error: tool \"test.fixture.add\" is unavailable: the operator set plugin test.fixture to maintenance. Set its status to active in the configuration to use it.\n")
        let listed = try JSONParser.parse(try maintenance.kai(["plugins", "list", "--json"]).stdout).arrayValue ?? []
        #expect(listed.first?["status"] == "maintenance")
    }

    @Test func eightConcurrentProcesses_recordEveryCall() throws {
        let workspace = try Workspace("concurrent")
        let script = """
            for i in $(seq 1 200); do
              "\(KaiProcess.executable)" tools call add --args '{"a": 1, "b": 1}' --config "\(workspace.config)" --no-bundled-plugins > /dev/null || echo "call $i failed" >&2
            done
            """
        let results = onThreads(8) { _ in try? runShell(script) }
        #expect(results.allSatisfy { $0 == "" }, "some calls failed: \(results)")
        let status = try JSONParser.parse(try workspace.kai(["registry", "status", "--json"]).stdout)
        #expect(status["calls"] == 1600)
        let rows = try JSONParser.parse(try workspace.kai(["logs", "--json", "--limit", "5000"]).stdout).arrayValue ?? []
        #expect(rows.count == 1600)
    }

    @Test func killDashNineDuringWrites_losesNoAcknowledgedRowAndKeepsTheDatabaseIntact() throws {
        let workspace = try Workspace("kill9", payloadLogging: true)
        var acknowledged = Set<Int>()
        var next = 0
        for _ in 0..<5 {
            var running: [(Int, KaiProcess.Running)] = []
            for _ in 0..<8 {
                next += 1
                running.append((next, try KaiProcess.start(["tools", "call", "add", "--args", "{\"a\": \(next), \"b\": 0}",
                                                            "--config", workspace.config, "--no-bundled-plugins"])))
            }
            usleep(useconds_t.random(in: 5_000...40_000))
            for (index, (_, process)) in running.enumerated() where index % 2 == 0 {
                kill(process.process.processIdentifier, SIGKILL)
            }
            for (number, process) in running where process.finish().status == 0 {
                acknowledged.insert(number)
            }
        }
        let integrity = try runShell("python3 -c \"import sqlite3; print(sqlite3.connect('\(workspace.database)').execute('PRAGMA integrity_check').fetchone()[0])\"")
        #expect(integrity == "ok\n")
        let rows = try JSONParser.parse(try workspace.kai(["logs", "--json", "--limit", "1000"]).stdout).arrayValue ?? []
        let logged = Set(rows.compactMap { $0["arguments"]?["a"]?.intValue.map(Int.init) })
        #expect(acknowledged.isSubset(of: logged), "acknowledged calls missing from the log: \(acknowledged.subtracting(logged).sorted())")
        #expect(!acknowledged.isEmpty)
    }
}

/// Runs a bash script and returns its stderr (throws if bash cannot start).
func runShell(_ script: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments = ["-c", script]
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}

@Suite struct ProcessIsolationCLITests {
    @Test func crashingProcessPlugin_failsOneCallAndIsDisabledAfterRepeatedFailures() throws {
        let workspace = try RegistryCLITests.Workspace("supervision", extra: "  - id: test.fixture\n    isolation: process")
        let crash = try workspace.kai(["tools", "call", "crash_segv"])
        #expect(crash.status == 70)
        #expect(crash.stderr.contains("its worker process was killed by SIGSEGV (segmentation fault) during the call. The host is unaffected; the next call starts a fresh worker."))
        #expect(try workspace.kai(["tools", "call", "add", "--args", #"{"a": 1, "b": 2}"#]).stdout == "{\"sum\":3}\n")
        for _ in 0..<4 { _ = try workspace.kai(["tools", "call", "crash_segv"]) }
        let refused = try workspace.kai(["tools", "call", "add", "--args", #"{"a": 1, "b": 2}"#])
        #expect(refused.status == 69)
        #expect(refused.stderr == "kai: error: tool \"test.fixture.add\" is unavailable: plugin test.fixture was disabled because its worker failed 5 times within 60 s (last: was killed by SIGSEGV (segmentation fault) during a call to test.fixture.crash_segv). Fix the plugin, then run 'kai plugins enable test.fixture'.\n")
        #expect(try workspace.kai(["plugins", "enable", "test.fixture"]).status == 0)
        #expect(try workspace.kai(["tools", "call", "add", "--args", #"{"a": 1, "b": 2}"#]).status == 0)
    }
}
