import Foundation

/// The outcome of running a source file: each compile step's report, then
/// the run's (nil when a compile step did not succeed).
public struct SourceRunReport: Sendable {
    public var compile: [SandboxReport]
    public var run: SandboxReport?
}

extension Sandbox {
    /// Runs a source file through its language's steps.
    ///
    /// The host keeps one temporary directory per call holding the source.
    /// Every step is a separate sandbox run that gets the directory as
    /// `--files`; a compile step's `{exe}` is collected from its `/work` and
    /// written into the directory, so the next step finds it in its own
    /// `/work`. Nothing a step leaves behind is followed or trusted beyond
    /// that one regular file.
    public func runSource(
        _ sourcePath: String, table: LanguageTable = .builtIn, base: SandboxRequest = SandboxRequest(command: [])
    ) throws(SandboxError) -> SourceRunReport {
        let steps = try runSteps(sourcePath, table: table, base: base, run: run, report: { $0 })
        return SourceRunReport(compile: steps.compile, run: steps.run)
    }

    /// `runSource` with each step's report kept in a file (`runStreamed`):
    /// the compile steps' reports, then the run's if every compile step succeeded.
    public func runSourceStreamed(
        _ sourcePath: String, table: LanguageTable = .builtIn, base: SandboxRequest = SandboxRequest(command: [])
    ) throws(SandboxError) -> [SandboxReportFile] {
        let steps = try runSteps(sourcePath, table: table, base: base, run: runStreamed, report: \.report)
        return steps.compile + (steps.run.map { [$0] } ?? [])
    }

    private func runSteps<Step>(
        _ sourcePath: String, table: LanguageTable, base: SandboxRequest,
        run: (SandboxRequest) throws(SandboxError) -> Step, report: (Step) -> SandboxReport
    ) throws(SandboxError) -> (compile: [Step], run: Step?) {
        let fileName = (sourcePath as NSString).lastPathComponent
        guard let language = table.language(forFile: fileName) else {
            throw .unsupportedSource(path: sourcePath, known: table.languages.keys.sorted())
        }
        let stem = String(fileName.dropLast(language.fileExtension.count + 1))
        let exeName = stem.isEmpty ? "program" : stem
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        guard FileManager.default.fileExists(atPath: sourcePath),
              (try? FileManager.default.copyItem(atPath: sourcePath, toPath: "\(directory)/\(fileName)")) != nil
        else { throw .sourceUnreadable(path: sourcePath) }
        func expand(_ argv: [String]) -> [String] {
            argv.map { $0.replacingOccurrences(of: "{source}", with: "/work/\(fileName)").replacingOccurrences(of: "{exe}", with: "/work/\(exeName)") }
        }
        func request(_ step: LanguageTable.Step, collect: [String]) -> SandboxRequest {
            var request = base
            request.command = expand(step.command)
            request.filesDirectory = directory
            request.binds += language.binds
            request.collect = collect
            let limits = step.limits
            request.limits.timeLimitMs = limits.timeLimitMs ?? request.limits.timeLimitMs
            request.limits.cpuLimitMs = limits.cpuLimitMs ?? request.limits.cpuLimitMs
            request.limits.memoryMB = limits.memoryMB ?? request.limits.memoryMB
            request.limits.pids = limits.pids ?? request.limits.pids
            return request
        }
        var steps: [Step] = []
        for step in language.compile {
            let produces = step.command.contains { $0.contains("{exe}") }
            let outcome = try run(request(step, collect: produces ? [exeName] : []))
            steps.append(outcome)
            guard report(outcome).status == .ok else { return (steps, nil) }
            if produces { try keep(report(outcome).files.first, in: directory, as: exeName) }
        }
        return (steps, try run(request(language.run, collect: base.collect)))
    }

    private func makeTemporaryDirectory() throws(SandboxError) -> String {
        var template = Array((NSTemporaryDirectory() + "kai-sandbox-XXXXXX").utf8CString)
        guard let result = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw .system(call: "mkdtemp", errno: errno)
        }
        return String(cString: result)
    }

    /// Writes a collected compile output into the shared directory.
    private func keep(_ file: SandboxReport.CollectedFile?, in directory: String, as name: String) throws(SandboxError) {
        guard let file, file.skipped == nil, !file.truncated,
              let bytes = file.contentBase64.flatMap({ Data(base64Encoded: $0) }) ?? file.content.map({ Data($0.utf8) })
        else { throw .compileOutputUnusable(name: name, reason: file?.skipped ?? (file?.truncated == true ? "larger than the output limit" : "missing")) }
        let path = "\(directory)/\(name)"
        guard FileManager.default.createFile(atPath: path, contents: bytes, attributes: [.posixPermissions: 0o755]) else {
            throw .system(call: "write \(path)", errno: errno)
        }
    }
}
