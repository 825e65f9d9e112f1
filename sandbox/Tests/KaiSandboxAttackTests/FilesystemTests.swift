import Foundation
import KaiTestSupport
import Testing

/// Attacks 17 and 18: the root is read-only, the host's files and
/// environment are absent, and no host descriptor leaks in.
@Suite(.requiresNamespaces) struct FilesystemTests {
    @Test func writingToUsrEtcRootAndDotDot_failsAndNothingAppearsOnTheHost() throws {  // 17
        let run = try Sandbox.run("write_outside.py")
        run.expectExited(0)
        let facts = run.report.facts
        #expect(facts["escaped"] == "0", "\(run.report)")
        for directory in ["/usr", "/etc", "/", "/bin", "/lib", "/work/../..", "/work/../../.."] {
            #expect(["EROFS", "EACCES", "EPERM", "ENOENT"].contains(facts[directory] ?? "-"), "\(directory): \(run.report)")
        }
        #expect(["EROFS", "EACCES", "EPERM", "ENOENT"].contains(facts["/etc/passwd"] ?? "-"), "\(run.report)")
        #expect(["EROFS", "EACCES", "EPERM", "ETXTBSY"].contains(facts["/usr/bin/python3"] ?? "-"), "\(run.report)")
        for directory in ["/usr", "/etc", "/", "/bin", "/lib", "/dev", "/tmp", "/work"] {
            #expect(!FileManager.default.fileExists(atPath: "\(directory)/\(run.marker)"), "\(directory)/\(run.marker) on the host")
        }
        run.expectHostUnaffected()
    }

    @Test func readingHostSecrets_findsNothing_andTheEnvironmentIsTheAllowList() throws {  // 18
        let canary = "\(Sandbox.scratch)/secret-\(UUID().uuidString.prefix(8))"
        try "host secret file".write(toFile: canary, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: canary) }
        let run = try Sandbox.run("read_secrets.py", [canary], options: ["--env", "KAI_GIVEN=1"])
        run.expectExited(0)
        let facts = run.report.facts
        #expect(facts["env"] == "HOME,KAI_GIVEN,LANG,PATH", "\(run.report)")
        for path in ["/etc/shadow", "/root/.ssh/id_rsa", "/work/.ssh/id_rsa", canary, "/work/main/Package.swift", "/etc/ssh/ssh_host_rsa_key"] {
            #expect(facts[path]?.hasPrefix("READ") == false, "\(path): \(facts[path] ?? "missing")")
        }
        // /proc is the sandbox's own: PID 1's environment is not the host's.
        #expect(!run.report.raw.contains("KAI_HOST_TOKEN"))
        #expect(!run.report.raw.contains("/root/.pyenv"))
        #expect(facts["fds"] == "0,1,2,3", "only stdio and the listing's own fd: \(facts["fds"] ?? "")")
        run.expectHostUnaffected()
    }
}
