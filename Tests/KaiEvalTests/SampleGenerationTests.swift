import Foundation
import KaiEval
import KaiJSON
import Synchronization
import Testing

/// Generation with a scripted `complete`: the samples file it writes, its
/// retries, and --resume.
@Suite struct SampleGenerationTests {
    let directory: String = {
        let path = NSTemporaryDirectory() + "kai-generation-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    static let problems = ["a", "b", "c"].map {
        EvalProblem(taskID: "T/\($0)", prompt: "def \($0)():\n", canonicalSolution: "    return 1\n", test: "", entryPoint: $0)
    }

    /// A provider answering each problem with its function, fenced, plus chatter.
    static func reply(_ request: GenerationRequest) -> GenerationReply {
        GenerationReply(text: "```python\ndef \(request.problem.entryPoint)():\n    return \(request.sampleIndex)\n```\nDone.", model: "p/m")
    }

    func lines(_ path: String) throws -> [JSONValue] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { try JSONParser.parse(String($0)) }
    }

    @Test func nSamplesPerProblem_areWrittenAsHumanEvalSamplesWithTheModel() throws {
        let path = directory + "/samples.jsonl"
        let summary = try SampleGeneration(problems: Self.problems, samplesPath: path, options: GenerationOptions(samplesPerProblem: 2, parallel: 3)) { request in
            Self.reply(request)
        }.run()
        #expect(summary.generated == 6 && summary.alreadyThere == 0 && summary.failures.isEmpty)
        let written = try lines(path)
        #expect(written.count == 6)
        for problem in Self.problems {
            let mine = written.filter { $0["task_id"]?.stringValue == problem.taskID }
            #expect(Set(mine.compactMap { $0["completion"]?.stringValue }) == ["    return 0\n", "    return 1\n"])
        }
        #expect(written.allSatisfy { $0.objectValue?.keys.sorted() == ["completion", "model", "sample_index", "task_id"] && $0["model"] == "p/m" })
    }

    @Test func eachSampleIsAskedWithItsOwnSeed_andTheRunsSettings() throws {
        let asked = Mutex<[JSONValue]>([])
        _ = try SampleGeneration(problems: [Self.problems[0]], samplesPath: directory + "/s.jsonl",
                                 options: GenerationOptions(samplesPerProblem: 2, temperature: 0.8, maxTokens: 99, seed: 10)) { request in
            asked.withLock { $0.append(request.chatRequest) }
            return Self.reply(request)
        }.run()
        let requests = asked.withLock { $0 }
        #expect(requests.map { $0["seed"] } == [10, 11])
        #expect(requests.allSatisfy { $0["temperature"] == 0.8 && $0["max_tokens"] == 99 && $0["stop"] == nil })
    }

    @Test func aFailedCall_isTriedOnceMore() throws {
        let calls = Mutex<[String: Int]>([:])
        let summary = try SampleGeneration(problems: Self.problems, samplesPath: directory + "/s.jsonl", options: GenerationOptions()) { request throws(GenerationFailure) in
            let n = calls.withLock { $0[request.problem.taskID, default: 0] += 1; return $0[request.problem.taskID]! }
            if request.problem.taskID == "T/b" && n == 1 { throw GenerationFailure("server busy") }
            return Self.reply(request)
        }.run()
        #expect(summary.generated == 3 && summary.failures.isEmpty)
        #expect(calls.withLock { $0 } == ["T/a": 1, "T/b": 2, "T/c": 1])
    }

    @Test func aSampleFailingTwice_isLeftOutAndReported_andTheOthersAreGenerated() throws {
        let path = directory + "/s.jsonl"
        let summary = try SampleGeneration(problems: Self.problems, samplesPath: path, options: GenerationOptions()) { request throws(GenerationFailure) in
            if request.problem.taskID == "T/b" { throw GenerationFailure("server down") }
            return Self.reply(request)
        }.run()
        #expect(summary.generated == 2 && summary.stoppedBy == nil)
        #expect(summary.failures == [FailedGeneration(taskID: "T/b", sampleIndex: 0, message: "server down")])
        #expect(try lines(path).map { $0["task_id"] } == ["T/a", "T/c"])
    }

    @Test func aFailureThatEndsTheRun_stopsItWithoutARetry() throws {
        let calls = Atomic<Int>(0)
        let summary = try SampleGeneration(problems: Self.problems, samplesPath: directory + "/s.jsonl", options: GenerationOptions()) { _ throws(GenerationFailure) in
            calls.add(1, ordering: .relaxed)
            throw GenerationFailure("no model m", endsRun: true)
        }.run()
        #expect(calls.load(ordering: .relaxed) == 1)
        #expect(summary.stoppedBy?.message == "no model m" && summary.generated == 0)
    }

    @Test func resume_generatesOnlyTheMissingSamples_afterCuttingAPartialLastLine() throws {
        let path = directory + "/samples.jsonl"
        try (#"{"task_id":"T/a","completion":"    return 5\n","model":"p/m"}"# + "\n" + #"{"task_id":"T/c","completion":"    return 5\n","model":"p/m"}"# + "\n"
             + #"{"task_id":"T/b","compl"#).write(toFile: path, atomically: true, encoding: .utf8)
        let asked = Mutex<[String]>([])
        let summary = try SampleGeneration(problems: Self.problems, samplesPath: path, options: GenerationOptions(samplesPerProblem: 2, resume: true)) { request in
            asked.withLock { $0.append("\(request.problem.taskID)#\(request.sampleIndex)") }
            return Self.reply(request)
        }.run()
        #expect(asked.withLock { $0.sorted() } == ["T/a#1", "T/b#0", "T/b#1", "T/c#1"])
        #expect(summary.alreadyThere == 2 && summary.generated == 4)
        #expect(try lines(path).count == 6)
    }

    @Test func anExistingSamplesFile_withoutResume_isRefused() throws {
        let path = directory + "/samples.jsonl"
        try "{\"task_id\":\"T/a\",\"completion\":\"\"}\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: EvalInputError(file: path, line: nil, "already holds samples; pass --resume to generate only the missing ones, or delete it to start again")) {
            try SampleGeneration(problems: Self.problems, samplesPath: path, options: GenerationOptions()) { Self.reply($0) }.run()
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "{\"task_id\":\"T/a\",\"completion\":\"\"}\n", "left as it was")
    }

    @Test func resume_refusesAFileWhoseLinesAreNotSamples() throws {
        let path = directory + "/samples.jsonl"
        try "{\"task_id\":\"T/zz\",\"completion\":\"\"}\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: EvalInputError(file: path, line: 1, "field \"task_id\": no problem \"T/zz\" in the problems file")) {
            try SampleGeneration(problems: Self.problems, samplesPath: path, options: GenerationOptions(resume: true)) { Self.reply($0) }.run()
        }
    }

    /// The red-team's case: n=3, seed 100, sample 1 failing twice leaves the
    /// file with seeds 100 and 102; --resume must ask for sample 1 (seed 101)
    /// only, not repeat 2.
    @Test func resume_generatesExactlyTheMissingIndexes_afterAFailedSampleWasLeftOut() throws {
        let path = directory + "/samples.jsonl"
        let options = GenerationOptions(samplesPerProblem: 3, parallel: 1, seed: 100)
        let bySeed: SampleGeneration.Complete = { request in
            GenerationReply(text: "    return \(request.chatRequest["seed"]?.intValue ?? -1)\n", model: "p/m")
        }
        let first = try SampleGeneration(problems: [Self.problems[0]], samplesPath: path, options: options) { request throws(GenerationFailure) in
            if request.sampleIndex == 1 { throw GenerationFailure("HTTP 503") }
            return try bySeed(request)
        }.run()
        #expect(first.failures.map(\.sampleIndex) == [1])
        var resume = options
        resume.resume = true
        let asked = Mutex<[Int]>([])
        let second = try SampleGeneration(problems: [Self.problems[0]], samplesPath: path, options: resume) { request throws(GenerationFailure) in
            asked.withLock { $0.append(request.sampleIndex) }
            return try bySeed(request)
        }.run()
        #expect(asked.withLock { $0 } == [1])
        #expect(second.alreadyThere == 2 && second.generated == 1)
        let written = try lines(path)
        #expect(written.map { $0["sample_index"] } == [0, 2, 1])
        #expect(written.map { $0["completion"] } == ["    return 100\n", "    return 102\n", "    return 101\n"])
    }

    /// A file written before sample_index: its lines count as indexes in order.
    @Test func resume_countsLinesWithoutSampleIndexAsTheFirstIndexes() throws {
        let path = directory + "/samples.jsonl"
        try (#"{"task_id":"T/a","completion":"x"}"# + "\n" + #"{"task_id":"T/a","completion":"y","sample_index":3}"# + "\n")
            .write(toFile: path, atomically: true, encoding: .utf8)
        let asked = Mutex<[Int]>([])
        _ = try SampleGeneration(problems: [Self.problems[0]], samplesPath: path, options: GenerationOptions(samplesPerProblem: 4, resume: true)) { request in
            asked.withLock { $0.append(request.sampleIndex) }
            return Self.reply(request)
        }.run()
        #expect(asked.withLock { $0.sorted() } == [1, 2])
    }
}
