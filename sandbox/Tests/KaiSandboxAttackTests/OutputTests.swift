import Foundation
import KaiTestSupport
import Testing

/// Attacks 10, 11, 14, 15, 16: what the program leaves for the runner to
/// read — endless output, raw bytes, huge trees, planted symlinks, sparse
/// files — is bounded, exact, and never followed out of the sandbox.
@Suite(.requiresNamespaces) struct OutputTests {
    @Test(arguments: ["stdout", "stderr"])
    func printingForever_isTruncatedAtTheCap_andFlagged(stream: String) throws {  // 10
        // The launcher drains past the cap (the program never blocks on a full
        // pipe), so an endless printer runs into the wall limit, flagged.
        let run = try Sandbox.run("print_forever.py", [stream], options: ["--output-limit-kb", "64", "--time-limit-ms", "2000"])
        run.expectKilled("wall_time_limit")
        #expect(run.report.bytes(stream).count == 64 * 1024, "\(run.report)")
        #expect(Set(run.report.bytes(stream)) == [UInt8(ascii: "y")])
        #expect(run.report.json["\(stream)_truncated"]?.boolValue == true)
        let other = stream == "stdout" ? "stderr" : "stdout"
        #expect(run.report.json["\(other)_truncated"]?.boolValue == false)
        #expect(run.report.wallMs < 5000, "\(run.report)")
        // The launcher itself stayed small while the program printed forever.
        #expect(run.launcher.peakRSSKB > 0 && run.launcher.peakRSSKB < 16 * 1024, "max RSS \(run.launcher.peakRSSKB) KiB")
        run.expectHostUnaffected()
    }

    @Test func invalidUTF8AndInterleavedStreams_keepEveryByte() throws {  // 11
        let run = try Sandbox.run("raw_bytes.py")
        run.expectExited(0)
        #expect(run.report.bytes("stdout") == [0xff, 0xfe, 0x41, 0xc3, 0x28, 0x42, 0x00] + Array("tail".utf8), "\(run.report.raw)")
        #expect(run.report.json["stdout_base64"]?.stringValue != nil)
        #expect(run.report.bytes("stderr") == Array("E1\n".utf8) + [0x00] + Array("E2".utf8), "\(run.report.raw)")
        #expect(run.report.stdoutTruncated == false && run.report.stderrTruncated == false)
        run.expectHostUnaffected()
    }

    @Test func aMillionFiles_areBoundedByTimeOrSpace_andTeardownIsQuick() throws {  // 14
        let run = try Sandbox.run("many_files.py", ["many"], options: ["--time-limit-ms", "3000", "--workdir-mb", "16", "--collect", "many"])
        // tmpfs counts inodes against its size, so the program either runs out
        // of space or out of time, never finishes a million.
        if run.report.status == "wall_time_limit" {
            run.expectKilled("wall_time_limit")
        } else {
            run.expectExited(0)
            #expect(run.report.facts["error"] == "No space left on device", "\(run.report)")
        }
        #expect(run.report.facts["created"] != "1000000")
        #expect(run.report.file("many")?["content"]?.stringValue == nil, "a directory is not collected: \(run.report.raw.prefix(800))")
        #expect(run.launcher.elapsed < 3 + 5, "launcher took \(run.launcher.elapsed) s")
        run.expectHostUnaffected()
    }

    @Test func thousandDeepDirectories_areCollectedOrSkippedWithinBounds() throws {  // 14
        let leaf = Array(repeating: "d", count: 1000).joined(separator: "/") + "/leaf.txt"
        let run = try Sandbox.run("many_files.py", ["deep"], options: ["--collect", leaf, "--collect", "d"])
        run.expectExited(0)
        #expect(run.report.facts["depth"] == "1000")
        let collected = run.report.file(leaf)
        #expect(collected != nil, "\(run.report.raw.prefix(600))")
        let content = collected?["content"]?.stringValue
        #expect(content == "deep leaf" || collected?["skipped"]?.stringValue != nil, "\(run.report.raw.prefix(600))")
        #expect(run.report.file("d")?["content"]?.stringValue == nil)
        #expect(run.launcher.elapsed < 10)
        run.expectHostUnaffected()
    }

    @Test func plantedSymlinks_areNeverFollowedWhenCollecting() throws {  // 15
        let canary = "\(Sandbox.scratch)/canary-\(UUID().uuidString.prefix(8))"
        let secret = "host-canary-secret-\(UUID().uuidString)"
        try secret.write(toFile: canary, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: canary) }
        let shadow = (try? String(contentsOfFile: "/etc/shadow", encoding: .utf8)) ?? "root:"
        let paths = ["out.txt", "canary.txt", "etc/shadow", "etc/passwd", "rel.txt", "dangling.txt"]
        let run = try Sandbox.run("symlink_escape.py", [canary], options: paths.flatMap { ["--collect", $0] })
        run.expectExited(0)
        #expect(run.report.facts["planted"] == "5")
        #expect(!run.report.raw.contains(secret), "host canary leaked")
        #expect(!run.report.raw.contains(String(shadow.prefix(20))), "/etc/shadow leaked")
        #expect(!run.report.raw.contains("root:x:0:0"), "/etc/passwd leaked")
        for path in paths {
            let entry = run.report.file(path)
            #expect(entry == nil || entry?["content"]?.stringValue == nil || entry?["content"]?.stringValue == "",
                    "\(path) was collected: \(String(describing: entry))")
        }
        #expect(try String(contentsOfFile: canary, encoding: .utf8) == secret)
        run.expectHostUnaffected()
    }

    @Test func collectPathWithDotDot_isAUsageError() throws {  // 15
        let result = try Spawn.run([Sandbox.launcher, "--collect", "../../../etc/passwd", "--", "/bin/true"],
                                   environment: Sandbox.hostEnvironment)
        #expect(result.exitStatus == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderrText.hasPrefix(#"kai-sandbox: --collect expects a path relative to /work without "..", got "../../../etc/passwd""#),
                "\(result.stderrText)")
    }

    @Test func oneTiBSparseFile_isCollectedCappedWithoutReadingItWhole() throws {  // 16
        let run = try Sandbox.run("sparse_file.py", options: ["--file-size-mb", "1048576", "--collect", "huge.bin"])
        run.expectExited(0)
        #expect(run.report.facts["size"] == "\(1 << 40)", "\(run.report)")
        let entry = run.report.file("huge.bin")
        #expect(entry?["size"]?.intValue == 1 << 40, "\(String(describing: entry))")
        #expect(entry?["truncated"]?.boolValue == true || entry?["skipped"]?.stringValue != nil, "\(String(describing: entry))")
        #expect((entry?["content"]?.stringValue?.utf8.count ?? 0) <= 16 << 20)
        #expect(run.launcher.elapsed < 5, "launcher took \(run.launcher.elapsed) s")
        #expect(run.launcher.peakRSSKB < 32 * 1024, "max RSS \(run.launcher.peakRSSKB) KiB")
        run.expectHostUnaffected()
    }
}
