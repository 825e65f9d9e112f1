import KaiTestSupport
import Testing

/// Issue 9, item 7b: the program shares init's uid, so the kernel alone
/// would let it lower init's limits (prlimit64 on pid 1) — a RLIMIT_NOFILE
/// of 0 made init's poll fail and the run a sandbox_error. Nothing the
/// report depends on may be changeable from inside.
@Suite(.requiresNamespaces) struct ReportTamperTests {
    @Test func loweringInitsLimits_isRefused_andTheReportIsIntact() throws {
        let run = try Sandbox.run("prlimit_init.py", options: ["--collect", "out.txt"])
        run.expectExited(0)
        let facts = run.report.facts
        for limit in ["RLIMIT_NOFILE", "RLIMIT_AS", "RLIMIT_CPU", "RLIMIT_FSIZE"] {
            #expect(facts[limit] == "EPERM", "\(limit): \(run.report)")
        }
        #expect(facts["own_nofile"] == "64", "the program's own limits must stay settable: \(run.report)")
        #expect(run.report.file("out.txt")?["content"]?.stringValue == "collected", "\(run.report.raw.prefix(800))")
        #expect(run.report.error == nil)
        run.expectHostUnaffected()
    }
}
