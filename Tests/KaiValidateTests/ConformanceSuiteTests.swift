import KaiTestSupport
import KaiValidate
import Testing

/// Runs serialized: the deadline and memory checks time real calls, and
/// two suites at once on two cores would blur them.
@Suite(.serialized)
struct ConformanceSuiteTests {
    @Test func validate_whenPluginConforms_passesEveryCheck() throws {
        let report = Validate.run(try Validate.conforming())
        for check in report.checks { #expect(check.status == .pass, "\(check.name): \(check.reason) \(check.details)") }
        #expect(report.checks.map(\.name) == ConformanceCheck.allCases.map(\.rawValue))
        #expect(report.seconds < 20)
    }

    @Test func validate_bundledTextPlugin_passesEveryCheck() {
        let report = Validate.run(Fixtures.buildDirectory + "/libKaiPluginText.so")
        for check in report.checks { #expect(check.status == .pass, "\(check.name): \(check.reason) \(check.details)") }
        #expect(report.plugin?.hasPrefix("dev.kai.text ") == true)
    }

    /// A misbehaving tool, the check that must flag it, and the start of
    /// the reason it must give (what follows is a measured duration or size).
    static let misbehavingTools: [(tool: String, check: ConformanceCheck, reason: String)] = [
        ("T_CRASH_SEGV", .invalidInput, "crash_segv: non-JSON input: tool \"test.fixture.crash_segv\" failed: its worker process was killed by SIGSEGV (segmentation fault) during the call. The host is unaffected; the next call starts a fresh worker."),
        ("T_ABORT", .invalidInput, "abort: non-JSON input: tool \"test.fixture.abort\" failed: its worker process was killed by SIGABRT (abort) during the call. The host is unaffected; the next call starts a fresh worker."),
        ("T_EXIT3", .invalidInput, "exit3: non-JSON input: tool \"test.fixture.exit3\" failed: its worker process exited with status 3 during the call. The host is unaffected; the next call starts a fresh worker."),
        ("T_SPIN", .deadlines, "spin: tool \"test.fixture.spin\" passed its deadline of 0.200 s and did not stop; its worker process was killed (SIGKILL) after 0.4"),
        ("T_OVERSLEEP", .deadlines, "oversleep: tool \"test.fixture.oversleep\" passed its deadline of 0.200 s and did not stop; its worker process was killed (SIGKILL) after 0.4"),
        ("T_ALLOC_MB", .memoryPeak, "alloc_mb: the worker's resident memory reached "),
        ("T_STDOUT_SPAM", .stdout, "stdout_spam: wrote "),
        ("T_THREAD_CRASH", .invalidInput, "thread_crash: the worker was killed by SIGSEGV (segmentation fault) after a call to thread_crash had returned (a thread the plugin left running?). A call must not leave work behind that can crash."),
        ("T_BAD_JSON", .invalidInput, "bad_json: non-JSON input: tool \"test.fixture.bad_json\" returned invalid JSON: unexpected end of input at line 1, column 18. This is a bug in the plugin."),
        ("T_LEAK", .memoryGrowth, "leak: resident memory grew by "),
    ]

    @Test(arguments: misbehavingTools.indices)
    func validate_whenToolMisbehaves_flagsItInTheRightCheck(_ index: Int) throws {
        let (tool, check, reason) = Self.misbehavingTools[index]
        let report = Validate.run(try Validate.conforming(with: tool))
        #expect(report.check(check)?.status == .fail)
        let lines = Validate.lines(report, check)
        #expect(lines.contains { $0.hasPrefix(reason) }, "\(check.rawValue): \(lines)")
        #expect(!report.passed)
        // The suite carried on past the failure.
        #expect(report.check(.memoryGrowth)?.status != .skip || check == .memoryGrowth)
    }

    @Test func validate_memoryFigures_sayWhatWasMeasured() throws {
        let report = Validate.run(try Validate.conforming(with: "T_ALLOC_MB"))
        let line = try #require(Validate.lines(report, .memoryPeak).first { $0.hasPrefix("alloc_mb:") })
        // Killed at the limit by the watchdog when touching memory is slow
        // (a cold VM), or over it in an earlier call.
        #expect(line.hasSuffix("during a call to alloc_mb (limit 512 MiB)")
            || line.hasSuffix("during a call to alloc_mb (limit 512 MiB; the worker was stopped there)"), "\(line)")
        let leak = Validate.run(try Validate.conforming(with: "T_LEAK"))
        let growth = try #require(leak.check(.memoryGrowth))
        #expect(growth.reason.contains("across 10000 calls of leak; limit 16 MiB): it leaks on every call"))
    }

    /// A tool that allocates too slowly to pass the limit before the short
    /// deadlines kill it is called again under the memory watchdog.
    @Test func validate_slowAllocator_isStoppedAtTheLimitByTheWatchdog() throws {
        let path = try Fixtures.compile("validate_slow_alloc", flags: ["-DFIXTURE_CONFORMING", "-DFIXTURE_WITH=T_ALLOC_MB",
                                                                       "-DFIXTURE_SLOW_ALLOC"])
        let report = Validate.run(path)
        #expect(report.check(.memoryPeak)?.status == .fail)
        let line = try #require(Validate.lines(report, .memoryPeak).first { $0.hasPrefix("alloc_mb:") })
        #expect(line.hasPrefix("alloc_mb: the worker's resident memory reached 51"), "\(line)")
        #expect(line.hasSuffix("during a call to alloc_mb (limit 512 MiB; the worker was stopped there)"), "\(line)")
    }

    /// A fault outside calls, the check that must flag it, its exact
    /// reason, and the checks after it that must be skipped.
    static let brokenPlugins: [(flag: String, check: ConformanceCheck, reason: String)] = [
        ("FIXTURE_ENTRY_CRASH", .load, "crashed with SIGSEGV (segmentation fault) while being scanned (in dlopen, its entry function or describe()). Kai skips it until the file changes."),
        ("FIXTURE_ENTRY_HANG", .load, "did not answer within 1 s while being scanned (its entry function or describe() hangs). Kai skips it until the file changes."),
        ("FIXTURE_ABI_MAJOR2", .load, "built for Kai plugin ABI 2, but this host speaks ABI 1. Use a build of the plugin for ABI 1, or a Kai that speaks ABI 2."),
        ("FIXTURE_NO_ENTRY", .load, "does not export kai_plugin_entry_v1, so it is not a Kai plugin. Define KAI_EXPORT const kai_plugin *kai_plugin_entry_v1(uint32_t) (see plugin-sdk/README.md)."),
        ("FIXTURE_CREATE_CRASH", .create, "the worker was killed by SIGSEGV (segmentation fault) while starting (in the plugin's entry function, describe() or create())."),
        ("FIXTURE_INIT_FAILS", .create, "create() failed with INVALID_INPUT: missing API endpoint (field: endpoint)"),
        ("FIXTURE_MANIFEST_SCHEMA", .manifest, "its manifest does not match plugin-sdk/schema/manifest.schema.json:\n  $: missing required property \"version\" (required)"),
        ("FIXTURE_BAD_SCHEMA", .schemas, "add: the inputSchema of \"add\" is not a valid JSON Schema: invalid schema at #/properties/a/type: unknown type \"numbr\"; did you mean \"number\"?"),
    ]

    @Test(arguments: brokenPlugins.indices)
    func validate_whenPluginIsBroken_failsTheRightCheckAndSkipsTheRest(_ index: Int) throws {
        let (flag, check, reason) = Self.brokenPlugins[index]
        let report = Validate.run(try Validate.variant(flag))
        #expect(report.check(check)?.status == .fail)
        #expect(report.check(check)?.reason == reason)
        let after = ConformanceCheck.allCases.drop { $0 != check }.dropFirst()
        for later in after { #expect(report.check(later)?.status == .skip, "\(later.rawValue)") }
        let before = ConformanceCheck.allCases.prefix { $0 != check }
        for earlier in before { #expect(report.check(earlier)?.status == .pass, "\(earlier.rawValue)") }
    }
}
