import Foundation
import KaiJSON
import KaiTestSupport
import Testing

/// Issue 9, items 9 (d) and 3, end to end: the real `kai` with the probe
/// plugin (Tests/Fixtures/probe_plugin.c) in a worker.
@Suite struct WorkerIsolationCLITests {
    /// A directory anyone may write (the registry database goes there, and
    /// an unprivileged kai must create it), with the probe under `isolation`.
    struct ProbeWorkspace {
        let directory: String
        let config: String
        let probe: String

        init(_ name: String, isolation: String) throws {
            directory = Fixtures.scratch + "/worker-cli-\(name)"
            try? FileManager.default.removeItem(atPath: directory)
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o777])
            probe = try Fixtures.compile("cli_probe", source: Fixtures.repositoryRoot + "/Tests/Fixtures/probe_plugin.c")
            config = directory + "/kai.yaml"
            try """
                database: \(directory)/registry.sqlite
                plugins:
                  - path: \(probe)
                    isolation: \(isolation)
                """.write(toFile: config, atomically: true, encoding: .utf8)
        }

        func arguments(_ tool: String) -> [String] {
            ["tools", "call", tool, "--timeout", "30", "--config", config, "--no-bundled-plugins"]
        }
    }

    @Test func toolsCall_whenTheWorkerWritesGarbageOnItsProtocolPipe_exits70NamingThePlugin() throws {
        let workspace = try ProbeWorkspace("garbage", isolation: "process")
        let outcome = try KaiProcess.run(workspace.arguments("test.probe.garbage"))
        #expect(outcome.status == 70)
        #expect(outcome.stderr.split(separator: "\n").last.map(String.init) == "kai: error: tool \"test.probe.garbage\" failed: plugin test.probe broke the "
            + "worker protocol (a frame length of 1936287860 bytes, where frames are 5 to 268435456 bytes), so its worker process was "
            + "killed. A plugin must never write to the worker's descriptors 3 and 4. The next call starts a fresh worker.",
            "\(outcome.stderr)")
        #expect(outcome.stdout == "")
    }

    /// kai run by an ordinary user (here nobody, via setpriv) maps the
    /// worker's 65534 to its own uid: the worker still has no capabilities
    /// and sees only its init and itself.
    @Test func sandboxWorker_ofAnUnprivilegedKai_isUnprivilegedAndSeesOnlyItsOwnProcesses() throws {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else {
            try Test.cancel("needs root and /usr/bin/setpriv to run kai as nobody")
        }
        if let missing = SandboxProbe.missing() { try Test.cancel(Comment(rawValue: missing)) }
        let workspace = try ProbeWorkspace("nobody", isolation: "sandbox")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        process.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", "--", KaiProcess.executable]
            + workspace.arguments("test.probe.identity")
        process.environment = ["PATH": "/usr/bin:/bin", "HOME": workspace.directory]
        process.currentDirectoryURL = URL(fileURLWithPath: workspace.directory)
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "\(stderr)")
        let identity = try JSONParser.parse(String(decoding: stdout, as: UTF8.self))
        #expect(identity["uid"] == 65534)
        #expect(identity["capEff"] == "0000000000000000")
        #expect(identity["shadow"] == "ENOENT", "the worker's /etc holds no shadow file at all")
        #expect(identity["pids"] == [1, 2])
    }
}
