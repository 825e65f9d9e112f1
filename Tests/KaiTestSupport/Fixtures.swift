import Foundation
import KaiCore
import KaiJSON
import Synchronization

/// Builds test plugins the way a third party would — plain `cc` against the
/// SDK header — and finds the plugins `swift build` produced.
public enum Fixtures {
    public static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    public static let sdkInclude = repositoryRoot + "/plugin-sdk/include"
    public static let fixtureSource = repositoryRoot + "/Tests/Fixtures/fixture_plugin.c"

    /// Where SwiftPM put this test binary, and with it the bundled plugins.
    public static let buildDirectory: String = {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
        var url = URL(fileURLWithPath: executable)
        while url.path != "/" && !FileManager.default.fileExists(atPath: url.appendingPathComponent("libKaiPluginText.so").path) {
            url.deleteLastPathComponent()
        }
        return url.path
    }()

    public static let scratch: String = {
        let path = NSTemporaryDirectory() + "kai-tests-\(getpid())"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    private static let built = Mutex<[String: String]>([:])

    /// Compiles `source` with `cc` and extra flags into a uniquely named .so
    /// (once per process per name) and returns its absolute path.
    /// `include` replaces the SDK's headers (e.g. the frozen 1.0 copy).
    public static func compile(_ name: String, source: String = fixtureSource, flags: [String] = [], include: String = sdkInclude) throws -> String {
        if let path = built.withLock({ $0[name] }) { return path }
        let output = "\(scratch)/lib\(name).so"
        // Built beside the final name and renamed into place: tests running
        // at once may build the same fixture, and cc truncates its output
        // first, so another test could load a half-written file.
        let partial = output + ".\(UInt64.random(in: 0...UInt64.max)).partial"
        try run("/usr/bin/cc", ["-std=c11", "-Wall", "-Wextra", "-Werror", "-shared", "-fPIC", "-fvisibility=hidden",
                                "-I", include, "-o", partial, source] + flags)
        guard rename(partial, output) == 0 else { throw FixtureError(message: "cannot rename \(partial) to \(output): errno \(errno)") }
        built.withLock { $0[name] = output }
        return output
    }

    /// The fixture plugin, valid, under the given id.
    public static func fixture(id: String = "test.fixture") throws -> String {
        try compile(id.replacingOccurrences(of: ".", with: "_"), flags: ["-DFIXTURE_ID=\"\(id)\""])
    }

    /// A fixture variant with one fault switched on, e.g. "FIXTURE_NULL_INVOKE".
    public static func variant(_ flag: String) throws -> String {
        try compile(flag.lowercased(), flags: ["-D\(flag)"])
    }

    /// Runs a program to completion; throws with its stderr if it fails.
    /// `quiet` discards its stdout (a chatty reference tool, say).
    public static func run(_ executable: String, _ arguments: [String], quiet: Bool = false) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        if quiet { process.standardOutput = FileHandle.nullDevice }
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw FixtureError(message: "\(executable) \(arguments.joined(separator: " ")) failed:\n\(message)")
        }
    }

    /// A host loading exactly these plugin files (no bundled plugins).
    public static func host(_ paths: [String], configs: [String: JSONValue] = [:]) -> PluginHost {
        PluginHost.load(from: ListCatalog(sources: paths.map { PluginSource(path: $0, config: configs[$0] ?? .object([:])) }))
    }

    /// A host with the bundled plugins only.
    public static func bundledHost() -> PluginHost {
        PluginHost.load(from: SearchPathCatalog(entries: [], bundledDirectory: buildDirectory))
    }
}

public struct FixtureError: Error, CustomStringConvertible {
    public let message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}

/// A catalog that is just a list, as the registry's will be.
public struct ListCatalog: PluginCatalog {
    public let sources: [PluginSource]
    public init(sources: [PluginSource]) { self.sources = sources }
    public func pluginSources() -> [PluginSource] { sources }
}

extension PluginHost {
    /// Calls a tool with a JSON string and returns the parsed result.
    public func call(_ name: String, _ arguments: String, timeout: Double? = nil, token: CancellationToken? = nil) throws(CallError) -> JSONValue {
        let result = try callTool(name, arguments: Array(arguments.utf8), options: CallOptions(timeout: timeout, cancellation: token))
        return (try? JSONParser.parse(result.json)) ?? .null
    }

    /// The error a call throws, or nil if it succeeds.
    public func callError(_ name: String, _ arguments: String, timeout: Double? = nil, token: CancellationToken? = nil) -> CallError? {
        do {
            _ = try callTool(name, arguments: Array(arguments.utf8), options: CallOptions(timeout: timeout, cancellation: token))
            return nil
        } catch {
            return error
        }
    }
}
