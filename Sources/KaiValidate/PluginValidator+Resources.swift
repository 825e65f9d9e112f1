import KaiCore
import KaiJSON

extension PluginValidator {
    /// Bytes on the worker's fd 1, counted by the host over every phase so
    /// far: starting (entry, describe(), create()) and each tool's calls.
    /// stdout is not the plugin's: a plugin must log through kai_host.log.
    func checkStdout(_ session: WorkerSession) -> CheckResult {
        let findings = session.stdoutWrites.map { phase, bytes in
            session.failedTools.insert(phase)
            return "\(phase): wrote \(bytes) bytes to stdout (fd 1) during \(phase.hasPrefix("starting") ? "start-up" : "its calls"). "
                + "Log through kai_host.log instead."
        }
        return CheckResult.from(.stdout, findings: findings, passReason: "0 bytes on stdout during start-up and every call",
                                started: Stopwatch.now())
    }

    /// The resident size of the workers during the checks above: sampled
    /// every few ms during calls, and each worker's peak (VmHWM) after
    /// every tool's calls. A limit on resident memory, not RLIMIT_AS: under
    /// an address-space limit a large malloc just fails, which a careful
    /// plugin answers gracefully, so the suite could not tell a bug from a
    /// refusal; and virtual size counts thread stacks and malloc arenas.
    ///
    /// The earlier checks call with short deadlines (0.2–1 s), and touching
    /// memory is slow on a cold VM (a page fault costs the guest and the
    /// host), so a tool that allocates a lot may be killed on its way up.
    /// A tool seen over a quarter of the limit is called once more with
    /// `memoryTimeout` while the sampler kills its worker at the limit.
    func checkPeakMemory(_ session: WorkerSession, samples: [String: Result<JSONValue, SampleError>]) -> CheckResult {
        let limit = ProcStatus.mebibytes(options.peakResidentLimit)
        for name in session.climbing(past: options.peakResidentLimit / 4) {
            guard let tool = session.plugin.manifest.tools.first(where: { $0.name == name }),
                  case .success(let input) = samples[name] else { continue }
            session.callUnderMemoryWatch(tool, input.serializedBytes(), timeout: options.memoryTimeout)
        }
        let findings = session.memoryOverruns.map { tool, bytes in
            session.failedTools.insert(tool)
            return "\(tool): the worker's resident memory reached \(ProcStatus.mebibytes(bytes)) during a call to \(tool) "
                + "(limit \(limit)\(session.stoppedAtLimit.contains(tool) ? "; the worker was stopped there" : ""))"
        }
        let now = session.plugin.workerPID.flatMap(ProcStatus.peakResident).map { ", now \(ProcStatus.mebibytes($0))" } ?? ""
        return CheckResult.from(.memoryPeak, findings: findings, passReason: "peak under \(limit) after every tool\(now)",
                                started: Stopwatch.now())
    }

    /// Picks the cheap tool whose memory grows most over a short screen
    /// (`screenCalls` each, after a warm-up), then reads the worker's VmRSS
    /// before and after `growthCalls` calls of it.
    func checkGrowth(_ session: WorkerSession, tools: [Capability], samples: [String: Result<JSONValue, SampleError>]) -> CheckResult {
        let started = Stopwatch.now()
        let candidates = tools.compactMap { tool in (try? samples[tool.name]?.get()).map { (tool, $0.serializedBytes()) } }
        guard !candidates.isEmpty else {
            return CheckResult(.memoryGrowth, .skip, "no tool answered a valid call within \(Int(options.cheapCall * 1000)) ms")
        }
        var worst: (tool: Capability, arguments: [UInt8], growth: Int)?
        for (tool, arguments) in candidates {
            session.willCall(tool)
            switch measure(session, tool, arguments, warmUp: options.screenCalls / 5, calls: options.screenCalls) {
            case .failure(let problem):
                return CheckResult(.memoryGrowth, .fail, "\(tool.name): \(problem.message)", seconds: Stopwatch.seconds(since: started))
            case .success(let (before, after)):
                if worst == nil || after - before > worst!.growth { worst = (tool, arguments, after - before) }
            }
        }
        guard let (tool, arguments, _) = worst else { return CheckResult(.memoryGrowth, .skip, "the worker's VmRSS could not be read") }
        session.willCall(tool)
        let calls = options.growthCalls
        switch measure(session, tool, arguments, warmUp: options.warmUpCalls, calls: calls) {
        case .failure(let problem):
            return CheckResult(.memoryGrowth, .fail, "\(tool.name): \(problem.message)", seconds: Stopwatch.seconds(since: started))
        case .success(let (before, after)):
            let figures = "VmRSS \(ProcStatus.mebibytes(before)) → \(ProcStatus.mebibytes(after)) across \(calls) calls of \(tool.name)"
            let limit = ProcStatus.mebibytes(options.growthLimit)
            let seconds = Stopwatch.seconds(since: started)
            guard after - before < options.growthLimit else {
                session.failedTools.insert(tool.name)
                return CheckResult(.memoryGrowth, .fail, "\(tool.name): resident memory grew by \(ProcStatus.mebibytes(after - before)) "
                    + "(\(figures); limit \(limit)): it leaks on every call", seconds: seconds)
            }
            let screened = candidates.count > 1 ? " (the fastest-growing of \(candidates.count) cheap tools)" : ""
            return CheckResult(.memoryGrowth, .pass, "grew \(ProcStatus.mebibytes(after - before)): \(figures)\(screened); limit \(limit)",
                               seconds: seconds)
        }
    }

    /// VmRSS of one worker after `warmUp` calls and after `calls` more.
    private func measure(
        _ session: WorkerSession, _ tool: Capability, _ arguments: [UInt8], warmUp: Int, calls: Int
    ) -> Result<(Int, Int), SampleError> {
        if let problem = repeatCalls(session, tool, arguments, count: warmUp) { return .failure(SampleError(message: problem)) }
        guard let pid = session.plugin.workerPID, let before = ProcStatus.resident(pid) else {
            return .failure(SampleError(message: "the worker's VmRSS could not be read"))
        }
        if let problem = repeatCalls(session, tool, arguments, count: calls) { return .failure(SampleError(message: problem)) }
        guard session.plugin.workerPID == pid, let after = ProcStatus.resident(pid) else {
            return .failure(SampleError(message: "the worker was replaced during the calls"))
        }
        return .success((before, after))
    }

    private func repeatCalls(_ session: WorkerSession, _ tool: Capability, _ arguments: [UInt8], count: Int) -> String? {
        for index in 0..<count {
            let outcome = WorkerSession.call(session.host, session.plugin, tool, arguments, timeout: 1)
            if case .failure(let error) = outcome.result { return "call \(index + 1) of \(count) failed: \(error.description)" }
        }
        return nil
    }
}
