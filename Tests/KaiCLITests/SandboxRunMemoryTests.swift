import Foundation
import KaiTestSupport
import Testing

/// `kai sandbox run` with a large output limit: kai streams the launcher's
/// report instead of holding copies of the program's output.
@Suite(.requiresNamespaces) struct SandboxRunMemoryTests {
    static let outputMB = 100

    /// kai's own peak RSS in KB, written at its exit by a preloaded library
    /// (Tests/Fixtures/peak_rss.c): VmHWM, its own address space only (not the launcher's, nor the test process that spawned it).
    static func peakRSS(_ arguments: [String]) throws -> (run: KaiRawRun, peakKB: Int) {
        let preload = try Fixtures.compile("peak_rss", source: Fixtures.repositoryRoot + "/Tests/Fixtures/peak_rss.c")
        let file = Fixtures.scratch + "/peak-rss-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: file) }
        let run = try KaiRawRun.run(arguments, environment: ["LD_PRELOAD": preload, "KAI_TEST_PEAK_RSS_FILE": file], keepStdout: false)
        let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
        return (run, Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1)
    }

    @Test(arguments: [[String](), ["--json"], ["--raw"]])
    func outputOf100MB_keepsKaisPeakRSSUnder50MBPlusTheOutputLimit(mode: [String]) throws {
        let bytes = Self.outputMB * 1_000_000
        let (run, peakKB) = try Self.peakRSS(["sandbox", "run"] + mode + [
            "--output-limit", "\(Self.outputMB * 1024)", "--memory", "1024", "--time-limit", "60", "--cpu-limit", "60",
            "--", "/usr/bin/python3", "-c", "import sys; sys.stdout.write('x' * \(bytes))",
        ])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(peakKB > 0, "the preloaded library wrote no peak RSS")
        #expect(peakKB < (50 + Self.outputMB) * 1024, "kai's peak RSS: \(peakKB) KB")
    }
}
