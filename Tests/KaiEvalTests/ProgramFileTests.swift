import Foundation
import KaiEval
import KaiTestSupport
import Synchronization
import Testing

/// Samples' programs go to files rewritten in place — one per fork server,
/// or a pool of them for one interpreter per sample: no file is created or
/// removed per sample (that took the shared temporary directory's lock every
/// sample, which serialised many workers), and yet each sample runs exactly
/// its own program.
@Suite(.serialized) struct ProgramFileTests {
    @Test(.requiresSandboxCgroups) func aShorterProgram_afterALongerOne_runsWithoutThePreviousTail() {
        let runner = ForkServerSampleRunner(base: SandboxSampleRunner())
        let long = "pass\n" + String(repeating: "assert False, 'the tail of the previous program ran'\n", count: 200)
        #expect(runner.run(program: long, timeout: 2).result == "failed: the tail of the previous program ran")
        let short = runner.run(program: "pass\n", timeout: 2)
        #expect(short.result == "passed", "\(short)")
    }

    @Test(.requiresSandboxCgroups) func afterEachSample_itsProgramFileIsEmptied() throws {
        // Whatever a sample appended to its stdin's file (it can, running as
        // kai's uid without root) holds host memory no longer than its run.
        let forked = ForkServerSampleRunner(base: SandboxSampleRunner())
        let perSample = SandboxSampleRunner()
        for (run, directory) in [({ forked.run(program: $0, timeout: 5) }, { forked.programDirectory }),
                                 ({ perSample.run(program: $0, timeout: 5) }, { perSample.programDirectory })]
            as [((String) -> SampleOutcome, () -> String?)] {
            #expect(run("pass\n" + String(repeating: "x = 1\n", count: 1000)).result == "passed")
            let files = try FileManager.default.contentsOfDirectory(atPath: try #require(directory())).filter { $0.hasPrefix("program-") }
            for file in files {
                #expect(try FileManager.default.attributesOfItem(atPath: try #require(directory()) + "/" + file)[.size] as? Int == 0)
            }
        }
    }

    @Test(.requiresSandboxCgroups) func oneServer_keepsOneProgramFile_acrossSamples_andTheRunnerRemovesIt() throws {
        var runner: ForkServerSampleRunner? = ForkServerSampleRunner(base: SandboxSampleRunner())
        for number in 0..<5 {
            #expect(runner!.run(program: "assert \(number) == \(number)\n", timeout: 2).result == "passed")
        }
        let directory = try #require(runner!.programDirectory)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory)
        #expect(files.sorted() == ["lock", "program-0.py"])
        #expect(try FileManager.default.attributesOfItem(atPath: directory)[.posixPermissions] as? Int == 0o700)
        runner = nil
        #expect(!FileManager.default.fileExists(atPath: directory))
    }

    @Test(.requiresSandboxCgroups) func concurrentSamples_eachRunTheirOwnProgram_withOneFilePerServer() throws {
        let runner = ForkServerSampleRunner(base: SandboxSampleRunner())
        let verdicts = Mutex<[Int: String]>([:])
        DispatchQueue.concurrentPerform(iterations: 24) { number in
            // Each program fails with its own number unless it is exactly
            // the program written for it.
            let program = "n = \(number)\nassert n == -1, str(n)\n"
            let outcome = runner.run(program: program, timeout: 5)
            verdicts.withLock { $0[number] = outcome.result }
        }
        let all = verdicts.withLock { $0 }
        #expect(all == Dictionary(uniqueKeysWithValues: (0..<24).map { ($0, "failed: \($0)") }))
        let files = try FileManager.default.contentsOfDirectory(atPath: try #require(runner.programDirectory)).filter { $0 != "lock" }
        #expect(!files.isEmpty && files.count <= 24, "\(files)")
        #expect(files.allSatisfy { $0.hasPrefix("program-") && $0.hasSuffix(".py") }, "\(files)")
    }

    @Test(.requiresSandboxCgroups) func interpreterPerSample_concurrentSamples_eachRunTheirOwnProgram_fromReusedFiles() throws {
        let directory: String
        do {
            let runner = SandboxSampleRunner()
            let verdicts = Mutex<[Int: String]>([:])
            DispatchQueue.concurrentPerform(iterations: 12) { number in
                let outcome = runner.run(program: "n = \(number)\nassert n == -1, str(n)\n", timeout: 5)
                verdicts.withLock { $0[number] = outcome.result }
            }
            #expect(verdicts.withLock { $0 } == Dictionary(uniqueKeysWithValues: (0..<12).map { ($0, "failed: \($0)") }))
            directory = try #require(runner.programDirectory)
            let concurrent = try FileManager.default.contentsOfDirectory(atPath: directory).count
            for _ in 0..<3 { #expect(runner.run(program: "pass\n", timeout: 5).result == "passed") }
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory).count == concurrent, "sequential samples reuse a file")
        }
        #expect(!FileManager.default.fileExists(atPath: directory))
    }

    @Test(.requiresSandboxCgroups) func aNewRunner_removesTheProgramDirectoriesWhoseOwnersLockIsFree() throws {
        let first = SandboxSampleRunner()
        #expect(first.run(program: "pass\n", timeout: 5).result == "passed")
        let base = try #require(first.programDirectory).split(separator: "/").dropLast().joined(separator: "/")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        let dead = "/\(base)/kai-eval-\(process.processIdentifier)-Ab12Cd"
        let live = "/\(base)/kai-eval-\(getpid())-Ef34Gh"
        for directory in [dead, live] {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
            FileManager.default.createFile(atPath: directory + "/program-0.py", contents: Data("pass\n".utf8))
            FileManager.default.createFile(atPath: directory + "/lock", contents: Data())
        }
        defer { try? FileManager.default.removeItem(atPath: live) }
        // The live one's owner holds its lock (its pid alone says nothing: it
        // may be in another pid namespace).
        let lock = open(live + "/lock", O_RDONLY | O_CLOEXEC)
        #expect(flock(lock, LOCK_EX) == 0)
        defer { close(lock) }

        #expect(SandboxSampleRunner().run(program: "pass\n", timeout: 5).result == "passed")
        #expect(!FileManager.default.fileExists(atPath: dead), "a killed kai's program files stay no longer than the next run")
        #expect(FileManager.default.fileExists(atPath: live + "/program-0.py"), "a live process's files are its own")
    }
}
