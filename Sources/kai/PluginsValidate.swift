import ArgumentParser
import Foundation
import KaiCore
import KaiValidate

/// `kai plugins validate PATH.so`: the conformance suite a plugin author
/// runs before shipping. Every check that runs plugin code runs in a child
/// process, so a plugin that crashes or hangs fails that check only.
struct PluginsValidate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check that a plugin .so follows the Kai plugin ABI: loads, describes, validates input, honours deadlines, behaves.",
        discussion: """
            Exits 0 when every check passes, 1 when any fails, 66 when the file (or the --entry) does not exist, \
            64 for an unreadable --plugin-config, 65 when it is not a JSON object, 78 for a broken operator config.
            """
    )

    @Argument(help: ArgumentHelp("The plugin's .so file.", valueName: "PATH.so")) var path: String
    @Flag(name: .long, help: "Print the report as JSON.") var json = false
    @Option(name: .long, help: ArgumentHelp("The plugin's config: a JSON file holding the object create() gets.", valueName: "file.json"))
    var pluginConfig: String?
    @Option(name: .long, help: ArgumentHelp("Take the plugin's config and secrets from this id's entry in the operator config (workers still run with isolation: process).", valueName: "id"))
    var entry: String?
    @Option(name: .long, help: ArgumentHelp("Operator config file for --entry (default: KAI_CONFIG, then $XDG_CONFIG_HOME/kai/kai.yaml).", valueName: "file"))
    var config: String?

    func validate() throws {
        if pluginConfig != nil && entry != nil {
            throw ValidationError("--plugin-config and --entry both give the plugin's config; give one of them.")
        }
        if config != nil && entry == nil {
            throw ValidationError("--config is read only for --entry; give --entry ID too, or drop --config.")
        }
    }

    func run() throws {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        guard FileManager.default.fileExists(atPath: absolute) else {
            throw ExitCodes.fail("no file at \"\(path)\". Give the path of the plugin's .so file.", ExitCodes.notFound)
        }
        var options = ValidationOptions(workerExecutable: WorkerPolicy().resolvedExecutable)
        if let pluginConfig {
            options.pluginConfig = try ValidationConfig.fromFile(pluginConfig)
        } else if let entry {
            (options.pluginConfig, options.pluginSecrets) = try ValidationConfig.fromEntry(
                entry, configFile: config, environment: ProcessInfo.processInfo.environment)
        }
        let report = PluginValidator(path: absolute, options: options).run()
        if json {
            Console.visibleJSON(report.json)
        } else {
            Console.visibleOut(ValidationReportText.render(report))
        }
        if !report.passed { throw ExitCode(1) }
    }
}

/// The human-readable report: one line per check, ✓ / ✗ / – and the reason.
enum ValidationReportText {
    static func render(_ report: ValidationReport) -> String {
        var lines = ["Validating \(report.path)" + (report.plugin.map { " (\($0))" } ?? "")]
        let width = report.checks.map(\.name.count).max() ?? 0
        for check in report.checks {
            let mark = switch check.status {
            case .pass: "✓"
            case .fail: "✗"
            case .skip: "–"
            }
            let name = check.name.padding(toLength: width, withPad: " ", startingAt: 0)
            lines.append("\(mark) \(name)  \(check.reason)")
            lines += check.details.map { "    \($0)" }
        }
        let count = { (status: CheckStatus) in report.checks.filter { $0.status == status }.count }
        lines.append("\(count(.pass)) passed, \(count(.fail)) failed, \(count(.skip)) skipped in "
            + String(format: "%.1f s", report.seconds))
        return lines.joined(separator: "\n")
    }
}
