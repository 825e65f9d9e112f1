import Foundation
import KaiJSON
import KaiTestSupport
import Testing

/// Issue 10, item 2: the launcher's cgroup v2 support (sandbox/CONTRACT.md,
/// "cgroup v2: the delegated subtree"), proven for real. Each test drives the
/// real kai-sandbox on a real pure-v2 hierarchy mounted in a private mount
/// namespace (PrivateCgroup2), from a cgroup `$T` standing for the one an
/// operator started kai in. The controller is hugetlb, the one this machine
/// leaves to v2; memory, pids and cpu belong to v1 here, so their files
/// are checked only where they exist.
///
/// One serialized suite: every test toggles the v2 root's subtree_control.
@Suite(.serialized, .requiresPrivateCgroup2) struct CgroupV2Tests {
    /// Runs `body` after PrivateCgroup2's shell functions in a private cgroup v2 namespace.
    static func run(_ body: String, hugetlbInRoot: Bool = true, environment: [String: String] = [:]) throws -> PrivateCgroup2.Outcome {
        try PrivateCgroup2.run(PrivateCgroup2.shellFunctions + body, hugetlbInRoot: hugetlbInRoot, environment: environment)
    }
}

extension CgroupV2Tests {
    /// `kai-sandbox --probe`'s object (CONTRACT.md, "Probe"), from `$OUT/probe.json`.
    struct Probe: CustomStringConvertible {
        let json: JSONValue
        let description: String

        init(_ outcome: PrivateCgroup2.Outcome) throws {
            let text = try #require(outcome.file("probe.json"), "\(outcome)")
            description = text + (outcome.file("probe.err") ?? "")
            json = try JSONParser.parse(text)
        }

        func finding(_ id: String) -> JSONValue? {
            json["findings"]?.arrayValue?.first { $0["id"]?.stringValue == id }
        }
    }
}

extension PrivateCgroup2.Outcome {
    /// A launcher report the script wrote to `$OUT/NAME.json`.
    func report(_ name: String) throws -> Report {
        guard let text = file(name + ".json") else { throw FixtureError(message: "no \(name).json: \(self)") }
        do { return try Report(parsing: text) } catch {
            throw FixtureError(message: "\(name).json is not a report (\(error)): \(text.prefix(800))\n\(file(name + ".err") ?? "")")
        }
    }

    /// The script ran to its end and cleanup put the machine back.
    func expectCompleted(sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(status == 0, "\(self)", sourceLocation: sourceLocation)
        #expect(cleanupProblems.isEmpty, "\(self)", sourceLocation: sourceLocation)
    }
}

extension Report {
    var warnings: [String] { (json["warnings"]?.arrayValue ?? []).compactMap(\.stringValue) }
}
