import Foundation
@testable import KaiRegistry
import Testing

/// A fresh temporary directory per test, removed when the value is dropped.
final class ConfigScratch {
    let directory: String

    init() {
        directory = NSTemporaryDirectory() + "kai-config-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    /// Writes `text` to `name` inside the directory and returns its path.
    @discardableResult
    func write(_ text: String, to name: String = "kai.yaml") -> String {
        let path = directory + "/" + name
        try! FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try! text.write(toFile: path, atomically: false, encoding: .utf8)
        return path
    }

    func read(_ name: String = "kai.yaml") -> String {
        try! String(contentsOfFile: directory + "/" + name, encoding: .utf8)
    }
}

let testEnvironment = ["HOME": "/home/op"]

/// Loads `yaml` from a file whose name the messages show as `kai.yaml`:
/// the test runs with the scratch directory as the working directory's stand-in
/// by passing the relative name through `parse`.
func loadConfig(_ yaml: String, environment: [String: String] = testEnvironment) throws(ConfigError) -> OperatorConfig {
    try ConfigLoader.parse(yaml, file: "kai.yaml", environment: environment)
}

/// The description of the error loading `yaml` throws, or `nil` if it loads.
func configError(_ yaml: String) -> String? {
    do {
        _ = try loadConfig(yaml)
        return nil
    } catch {
        return error.description
    }
}

/// Keeps the support file a test suite so it matches the Config*Tests naming.
struct ConfigTestSupportTests {
    @Test func scratch_writesAndReadsBack() {
        let scratch = ConfigScratch()
        scratch.write("a: 1\n", to: "sub/x.yaml")
        #expect(scratch.read("sub/x.yaml") == "a: 1\n")
    }
}
