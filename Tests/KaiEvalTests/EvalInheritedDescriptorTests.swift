import Foundation
import KaiJSON
import KaiTestSupport
import Testing

/// `kai eval` started with descriptors its caller left open (issue 9, item
/// 1): on both paths — samples forked from the warm Python server, and one
/// interpreter per sample when the fork library is missing — a sample has
/// only its stdin (the program), the harness's stdout, stderr and verdict
/// pipe, and reaches none of the caller's directory, file, loopback
/// connection or terminal.
@Suite(.requiresSandboxCgroups) struct EvalInheritedDescriptorTests {
    enum Path: String, CaseIterable, CustomStringConvertible {
        case forkServer, interpreterPerSample
        var description: String { rawValue }
    }

    /// Runs one sample that probes its descriptors (InheritedDescriptors.
    /// probeSource) and fails with the facts as its message.
    static func probe(_ descriptors: InheritedDescriptors, path: Path) throws -> [(name: String, value: String)] {
        let directory = descriptors.directory + "/eval"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let problems = directory + "/problems.jsonl", samples = directory + "/samples.jsonl"
        let problem = try String(contentsOfFile: Fixtures.repositoryRoot + "/Tests/Fixtures/eval/problems.jsonl", encoding: .utf8)
        try Data((problem.split(separator: "\n").first ?? "").utf8).write(to: URL(fileURLWithPath: problems))
        let encoded = Data(descriptors.probeSource.utf8).base64EncodedString()
        let completion = "    import base64\n    exec(base64.b64decode('\(encoded)').decode(), globals())\n"
            + "    raise Exception('PROBE ' + ' '.join(kai_probe()))\n"
        let sample = JSONValue.object(["task_id": "Demo/0", "completion": .string(completion)])
        try Data((sample.serialized() + "\n").utf8).write(to: URL(fileURLWithPath: samples))
        let library = path == .forkServer ? [:] : ["KAI_SANDBOX_FORK_LIBRARY": "/nonexistent/libKaiSandboxFork.so"]
        let outcome = try KaiProcess.run(["eval", problems, samples, "--k", "1", "--json"], inheriting: descriptors, environment: library)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("starting one interpreter per sample") == (path == .interpreterPerSample), "\(outcome.stderr)")
        let results = try String(contentsOfFile: samples + "_results.jsonl", encoding: .utf8)
        let result = try JSONParser.parse(String(results.split(separator: "\n").first ?? ""))["result"]?.stringValue ?? ""
        #expect(result.hasPrefix("failed: PROBE "), "\(result)")
        return InheritedDescriptors.facts(result.dropFirst("failed: PROBE ".count).split(separator: " "))
    }

    static func expectNothingReached(_ descriptors: InheritedDescriptors, _ facts: [(name: String, value: String)],
                                     sourceLocation: SourceLocation = #_sourceLocation) {
        // 0: the program (--stdin); 1, 2: /dev/null (the harness swallows
        // output); 3: the harness's verdict pipe.
        let numbers = facts.compactMap { $0.name.hasPrefix("fd") ? Int($0.name.dropFirst(2)) : nil }
        #expect(numbers == [0, 1, 2, 3], "the sample holds \(facts.filter { $0.name.hasPrefix("fd") })", sourceLocation: sourceLocation)
        #expect(InheritedDescriptors.leaks(facts).isEmpty, "\(InheritedDescriptors.leaks(facts))", sourceLocation: sourceLocation)
        #expect(descriptors.planted.filter { $0 != "eval" }.isEmpty, "the sample created \(descriptors.planted) on the host",
                sourceLocation: sourceLocation)
        #expect(descriptors.hostFileIntact, sourceLocation: sourceLocation)
        #expect(descriptors.socketReceived.isEmpty, "the loopback server received \(descriptors.socketReceived.count) bytes",
                sourceLocation: sourceLocation)
        #expect(descriptors.terminalChanges.isEmpty, "\(descriptors.terminalChanges)", sourceLocation: sourceLocation)
    }

    @Test(arguments: Path.allCases, [InheritedDescriptors.Kind.directory, .file, .socket])
    func descriptorLeftOpenByTheCaller_isNotInTheSample(path: Path, kind: InheritedDescriptors.Kind) throws {
        let descriptors = try InheritedDescriptors([kind])
        Self.expectNothingReached(descriptors, try Self.probe(descriptors, path: path))
    }

    @Test(.enabled(if: InheritedDescriptors.terminalsAvailable, "skipped: no pseudo-terminal on this machine (posix_openpt)"),
          arguments: Path.allCases)
    func terminalLeftOpenByTheCaller_isNotInTheSample(path: Path) throws {
        let descriptors = try InheritedDescriptors([.tty])
        Self.expectNothingReached(descriptors, try Self.probe(descriptors, path: path))
    }
}
