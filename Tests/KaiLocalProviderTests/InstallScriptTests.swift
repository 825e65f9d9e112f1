import Foundation
import KaiTestSupport
import Testing

/// `make local-model` runs Plugins/Local/install-llama.sh on every build;
/// once each step's stamp exists it must do nothing (and say nothing).
struct InstallScriptTests {
    static let script = Fixtures.repositoryRoot + "/Plugins/Local/install-llama.sh"

    @Test func everyStepStamped_exitsAtOnceWithoutOutput_andWithoutTouchingTheCache() throws {
        let cache = Fixtures.scratch + "/install-stamped"
        try FileManager.default.createDirectory(atPath: cache + "/stamps", withIntermediateDirectories: true)
        for step in ["wheel", "lib", "model", "venv"] {
            #expect(FileManager.default.createFile(atPath: "\(cache)/stamps/\(step)", contents: nil))
        }
        let outcome = try run(cache: cache)
        #expect(outcome.status == 0)
        #expect(outcome.output.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache) == ["stamps"])
    }

    private func run(cache: String) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [Self.script]
        var environment = ProcessInfo.processInfo.environment
        environment["KAI_CACHE_DIR"] = cache
        // No python: the stamped path must not need it.
        environment["PYTHON"] = "/nonexistent/python3"
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }
}
