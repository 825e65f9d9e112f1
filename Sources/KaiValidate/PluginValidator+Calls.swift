import Foundation
import KaiCore
import KaiJSON

extension PluginValidator {
    /// Calls every tool through its worker with inputs the host would
    /// refuse (host validation bypassed): the plugin must answer each with
    /// an error code, or at least with JSON, and never crash, exit or hang.
    func checkInvalidInput(_ session: WorkerSession, tools: [Capability], samples: [String: Result<JSONValue, SampleError>]) -> CheckResult {
        let started = Stopwatch.now()
        let mark = session.idleDeaths.count
        var findings: [String] = []
        var rejected = 0, accepted = 0
        for tool in tools {
            let valid = (try? samples[tool.name]?.get()) ?? .object([:])
            for probe in SampleInput.invalidProbes(for: tool.inputSchema, valid: valid) {
                let outcome = session.call(tool, probe.bytes, timeout: options.probeTimeout, validates: false)
                if outcome.brokeTheCall {
                    findings.append("\(tool.name): \(probe.label): \(outcome.errorText ?? "")")
                    session.failedTools.insert(tool.name)
                    break
                }
                if case .success(let json) = outcome.result, (try? JSONParser.parse(json))?["isError"]?.boolValue != true {
                    accepted += 1
                } else {
                    rejected += 1
                }
            }
            session.settle(after: tool.name)
        }
        findings += session.idleDeathFindings(since: mark)
        let tolerated = accepted == 0 ? "" : "; \(accepted) accepted with a result (harmless: the host validates first)"
        let pass = "\(rejected) invalid inputs to \(tools.count) tools answered with an error code\(tolerated)"
        return CheckResult.from(.invalidInput, findings: findings, passReason: pass, started: started)
    }

    /// Calls every tool with a valid input and a short deadline; a tool still
    /// running then must stop by itself within the grace (the worker is
    /// killed otherwise), and must also stop when its call is cancelled.
    /// Returns the tools whose call was cheap (candidates for memory-growth).
    /// Also returns each tool's answer to its valid input (see checkResults).
    func checkDeadlines(
        _ session: WorkerSession, tools: [Capability], samples: [String: Result<JSONValue, SampleError>]
    ) -> (CheckResult, Set<String>, [(Capability, CallOutcome)]) {
        let started = Stopwatch.now()
        let mark = session.idleDeaths.count
        var findings: [String] = [], notes: [String] = [], quick: Set<String> = []
        var honoured = 0, quickCount = 0
        var answers: [(Capability, CallOutcome)] = []
        for tool in tools {
            guard case .success(let input) = samples[tool.name] else { continue }
            let outcome = session.call(tool, input.serializedBytes(), timeout: options.deadline)
            answers.append((tool, outcome))
            defer { session.settle(after: tool.name) }
            if outcome.brokeTheCall {
                findings.append("\(tool.name): \(outcome.errorText ?? "")")
                session.failedTools.insert(tool.name)
                continue
            }
            if outcome.seconds < options.deadline {
                quickCount += 1
                if case .success = outcome.result, outcome.seconds <= options.cheapCall { quick.insert(tool.name) }
                continue
            }
            honoured += 1
            if let problem = cancellationProblem(session, tool, input) {
                findings.append("\(tool.name): \(problem)")
                session.failedTools.insert(tool.name)
            }
        }
        findings += session.idleDeathFindings(since: mark)
        let skipped = tools.filter { if case .failure = samples[$0.name] { true } else { false } }
        notes += skipped.map { tool in "\(tool.name) not called: no valid input from its inputSchema" }
        let limit = "\(Int(options.deadline * 1000)) ms"
        var pass = honoured == 0
            ? "not observable: every tool returned before the \(limit) deadline"
            : "\(honoured) tools stopped at the \(limit) deadline and on cancellation"
        if honoured > 0 && quickCount > 0 { pass += "; \(quickCount) returned before it (not observable)" }
        if !notes.isEmpty { pass += "; " + notes.joined(separator: "; ") }
        return (CheckResult.from(.deadlines, findings: findings, passReason: pass, started: started), quick, answers)
    }

    /// Cancels a call after `cancelAfter`; nil when it stopped in time.
    private func cancellationProblem(_ session: WorkerSession, _ tool: Capability, _ input: JSONValue) -> String? {
        let token = CancellationToken()
        let cancelAfter = options.cancelAfter
        Thread.detachNewThread {
            Stopwatch.sleep(seconds: cancelAfter)
            token.cancel()
        }
        let outcome = session.call(tool, input.serializedBytes(), timeout: 10 * (options.deadline + options.grace), token: token)
        return outcome.brokeTheCall ? outcome.errorText : nil
    }

    /// Runs `concurrentCalls` calls at once on one worker for each tool
    /// declared parallel: none may break, and an idempotent tool must give
    /// every call the same answer.
    func checkConcurrency(_ session: WorkerSession, tools: [Capability], samples: [String: Result<JSONValue, SampleError>]) -> CheckResult {
        let started = Stopwatch.now()
        let parallel = tools.filter { $0.concurrency == .parallel }
        guard !parallel.isEmpty else {
            return CheckResult(.concurrency, .skip, "no tool declares \"concurrency\": \"parallel\"")
        }
        let mark = session.idleDeaths.count
        var findings: [String] = []
        var checked = 0
        for tool in parallel {
            guard case .success(let input) = samples[tool.name] else { continue }
            checked += 1
            session.willCall(tool)
            let (host, plugin, arguments) = (session.host, session.plugin, input.serializedBytes())
            let timeout = 10 * (options.deadline + options.grace)
            let outcomes = concurrently(options.concurrentCalls) {
                WorkerSession.call(host, plugin, tool, arguments, timeout: timeout)
            }
            session.settle(after: tool.name)
            if let broken = outcomes.first(where: \.brokeTheCall) {
                findings.append("\(tool.name): \(broken.errorText ?? "")")
                session.failedTools.insert(tool.name)
                continue
            }
            guard tool.annotations?["idempotentHint"]?.boolValue == true else { continue }
            let answers = Set(outcomes.map { outcome in
                switch outcome.result {
                case .success(let json): (try? JSONParser.parse(json)).map { $0.serialized(sortedKeys: true) } ?? ""
                case .failure(let error): error.kind.rawValue
                }
            })
            if answers.count > 1 {
                findings.append("\(tool.name): \(options.concurrentCalls) concurrent calls with the same input gave "
                    + "\(answers.count) different answers: \(answers.sorted().joined(separator: " | "))")
                session.failedTools.insert(tool.name)
            }
        }
        findings += session.idleDeathFindings(since: mark)
        let pass = "\(checked) parallel tools took \(options.concurrentCalls) concurrent calls each"
        return CheckResult.from(.concurrency, findings: findings, passReason: pass, started: started)
    }

    /// Runs `body` on `count` threads at once and returns what each returned.
    private func concurrently(_ count: Int, _ body: @escaping @Sendable () -> CallOutcome) -> [CallOutcome] {
        let results = ResultSlots(count: count)
        let group = DispatchGroup()
        for index in 0..<count {
            group.enter()
            Thread.detachNewThread {
                results.set(index, body())
                group.leave()
            }
        }
        group.wait()
        return results.values
    }
}

/// Per-thread results of `concurrently`.
/// `@unchecked Sendable`: every slot is written by one thread, under `lock`.
private final class ResultSlots: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [CallOutcome?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: CallOutcome) { lock.withLock { slots[index] = value } }
    var values: [CallOutcome] { lock.withLock { slots.compactMap { $0 } } }
}
