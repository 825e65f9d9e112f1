import Glibc
import KaiCore
import KaiJSON

/// The conformance suite for one plugin file, in the spirit of
/// clap-validator: every step that runs plugin code runs in a child process
/// (the scan helper, or a kai-plugin-worker) with a deadline, so a plugin
/// that crashes or hangs fails that check and the suite carries on.
///
///     load ─▶ manifest ─▶ schemas ─▶ create ─▶ invalid-input ─▶ deadlines
///       ─▶ results ─▶ concurrency ─▶ stdout ─▶ memory-peak ─▶ memory-growth
///
/// A check that cannot run because an earlier one failed is skipped, and
/// says which.
public struct PluginValidator {
    public let path: String
    public let options: ValidationOptions

    public init(path: String, options: ValidationOptions) {
        self.path = path
        self.options = options
    }

    public func run() -> ValidationReport {
        let started = Stopwatch.now()
        var results: [CheckResult] = []
        func finish(plugin: LoadedPlugin?, skipping reason: String?) -> ValidationReport {
            if let reason {
                let done = Set(results.map(\.name))
                results += ConformanceCheck.allCases.filter { !done.contains($0.rawValue) }.map { CheckResult($0, .skip, reason) }
            }
            let name = plugin.map { "\($0.manifest.id) \($0.manifest.version)" }
            return ValidationReport(path: path, plugin: name, checks: results, seconds: Stopwatch.seconds(since: started))
        }

        let (loaded, loadResults) = load()
        results += loadResults
        guard let (host, plugin) = loaded else { return finish(plugin: nil, skipping: "skipped: the plugin did not load.") }
        defer { host.shutdown(timeout: 1) }

        results.append(checkSchemas(plugin.manifest))
        guard results.last?.status == .pass else {
            return finish(plugin: plugin, skipping: "skipped: the host refuses to create a plugin whose schemas are invalid.")
        }
        let session = WorkerSession(host: host, plugin: plugin, options: options)
        defer { session.finish() }
        results.append(checkCreate(session))
        guard results.last?.status == .pass else { return finish(plugin: plugin, skipping: "skipped: create() failed.") }

        let tools = plugin.manifest.tools
        let samples = Dictionary(uniqueKeysWithValues: tools.map { ($0.name, SampleInput.valid(for: $0.inputSchema)) })
        results.append(checkInvalidInput(session, tools: tools, samples: samples))
        let (deadlines, quick, answers) = checkDeadlines(session, tools: tools, samples: samples)
        results.append(deadlines)
        results.append(checkResults(answers))
        results.append(checkConcurrency(session, tools: tools, samples: samples))
        results.append(checkStdout(session))
        results.append(checkPeakMemory(session, samples: samples))
        let cheap = tools.filter { quick.contains($0.name) && !session.failedTools.contains($0.name) }
        results.append(checkGrowth(session, tools: cheap, samples: samples))
        return finish(plugin: plugin, skipping: nil)
    }
}
