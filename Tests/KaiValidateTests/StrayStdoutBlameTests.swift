import Foundation
import KaiTestSupport
import KaiValidate
import Synchronization
import Testing

/// Issue 9, item 8 (c): `kai plugins validate` blames stray stdout on the
/// tool that wrote it, however late the host's drain thread gets to run.
/// The probe's stray_stdout writes 11 bytes to fd 1 and returns; the clean
/// tool, called after it, writes nothing.
@Suite struct StrayStdoutBlameTests {
    @Test func validate_strayStdout_isBlamedOnTheToolThatWroteIt_underLoad() throws {
        let path = try Fixtures.compile("validate_probe_stdout", source: Fixtures.repositoryRoot + "/Tests/Fixtures/probe_plugin.c",
                                        flags: ["-DPROBE_STDOUT_ONLY"])
        for _ in 1...3 {
            let report = BusyThreads.whileRunning(4) { Validate.run(path) }
            let lines = Validate.lines(report, .stdout)
            #expect(report.check(.stdout)?.status == .fail)
            #expect(lines.count == 1, "\(lines)")
            #expect(lines.allSatisfy { $0.hasPrefix("stray_stdout: wrote ") && $0.hasSuffix(" bytes to stdout (fd 1) during its calls. Log through kai_host.log instead.") },
                    "\(lines)")
        }
    }
}
