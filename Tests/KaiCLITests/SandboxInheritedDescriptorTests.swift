import Foundation
import KaiJSON
import KaiTestSupport
import Testing

/// `kai sandbox run` started with descriptors its caller left open (issue 9,
/// items 1 and 2a): the program has only its own stdin, stdout and stderr,
/// and reaches none of the caller's directory, file, loopback connection or
/// terminal.
@Suite(.requiresNamespaces) struct SandboxInheritedDescriptorTests {
    /// Runs the probe (InheritedDescriptors.probeSource) in the sandbox with
    /// `descriptors` open in kai; returns its facts.
    static func probe(_ descriptors: InheritedDescriptors, terminalStdin: Bool = false,
                      options: [String] = []) throws -> [(name: String, value: String)] {
        let script = descriptors.probeSource + "\nprint('\\n'.join(kai_probe()))\n"
        let outcome = try KaiProcess.run(["sandbox", "run", "--json"] + options + ["--", "/usr/bin/python3", "-I", "-S", "-c", script],
                                         inheriting: descriptors, terminalStdin: terminalStdin)
        #expect(outcome.status == 0, "\(outcome.stdout)\n\(outcome.stderr)")
        let report = try JSONParser.parse(outcome.stdout)
        #expect(report["status"] == "ok", "\(outcome.stdout)")
        return InheritedDescriptors.facts((report["stdout"]?.stringValue ?? "").split(separator: "\n"))
    }

    /// The program's descriptors, as numbers.
    static func numbers(_ facts: [(name: String, value: String)]) -> [Int] {
        facts.compactMap { $0.name.hasPrefix("fd") ? Int($0.name.dropFirst(2)) : nil }
    }

    static func expectNothingReached(_ descriptors: InheritedDescriptors, _ facts: [(name: String, value: String)],
                                     sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(numbers(facts) == [0, 1, 2], "the program holds \(facts.filter { $0.name.hasPrefix("fd") })", sourceLocation: sourceLocation)
        #expect(InheritedDescriptors.leaks(facts).isEmpty, "\(InheritedDescriptors.leaks(facts))", sourceLocation: sourceLocation)
        #expect(descriptors.planted.isEmpty, "the program created \(descriptors.planted) on the host", sourceLocation: sourceLocation)
        #expect(descriptors.hostFileIntact, sourceLocation: sourceLocation)
        #expect(descriptors.socketReceived.isEmpty, "the loopback server received \(descriptors.socketReceived.count) bytes",
                sourceLocation: sourceLocation)
    }

    @Test(arguments: [InheritedDescriptors.Kind.directory, .file, .socket])
    func descriptorLeftOpenByTheCaller_isNotInTheSandbox(kind: InheritedDescriptors.Kind) throws {
        let descriptors = try InheritedDescriptors([kind])
        Self.expectNothingReached(descriptors, try Self.probe(descriptors))
    }

    @Test(.enabled(if: InheritedDescriptors.terminalsAvailable, "skipped: no pseudo-terminal on this machine (posix_openpt)"))
    func terminalLeftOpenByTheCaller_isNotInTheSandbox() throws {
        let descriptors = try InheritedDescriptors([.tty])
        let facts = try Self.probe(descriptors)
        Self.expectNothingReached(descriptors, facts)
        #expect(descriptors.terminalChanges.isEmpty, "\(descriptors.terminalChanges)")
    }

    /// A user at a terminal: kai's stdin is the terminal, which is also its
    /// controlling terminal, and another descriptor on it is open. The
    /// program has no controlling terminal and no terminal descriptor,
    /// cannot open /dev/tty, its stdin is /dev/null, and nothing it tries
    /// (TIOCSTI, modes, window size) reaches the terminal.
    @Test(.enabled(if: InheritedDescriptors.terminalsAvailable, "skipped: no pseudo-terminal on this machine (posix_openpt)"))
    func userAtATerminal_programHasNoTerminalAndStdinIsDevNull() throws {
        let descriptors = try InheritedDescriptors([.tty])
        let facts = try Self.probe(descriptors, terminalStdin: true)
        Self.expectNothingReached(descriptors, facts)
        #expect(facts.contains { $0 == ("fd0", "/dev/null") }, "\(facts)")
        #expect(facts.contains { $0.name == "ctty" && $0.value == "0" }, "\(facts)")
        #expect(facts.contains { $0.name == "devtty" && ["ENOENT", "ENXIO"].contains($0.value) }, "\(facts)")
        #expect(descriptors.terminalChanges.isEmpty, "\(descriptors.terminalChanges)")
    }

    @Test(.enabled(if: InheritedDescriptors.terminalsAvailable, "skipped: no pseudo-terminal on this machine (posix_openpt)"))
    func userAtATerminal_withStdinFile_programReadsThatFileOnly() throws {
        let descriptors = try InheritedDescriptors([.tty])
        let input = descriptors.directory + "/input.txt"
        try Data("input\n".utf8).write(to: URL(fileURLWithPath: input))
        let facts = try Self.probe(descriptors, terminalStdin: true, options: ["--stdin", input])
        #expect(facts.contains { $0 == ("fd0", input) }, "\(facts)")
        #expect(Self.numbers(facts) == [0, 1, 2], "\(facts)")
        #expect(InheritedDescriptors.leaks(facts).isEmpty, "\(InheritedDescriptors.leaks(facts))")
        #expect(descriptors.terminalChanges.isEmpty, "\(descriptors.terminalChanges)")
    }
}
