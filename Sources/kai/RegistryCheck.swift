import ArgumentParser
import KaiCore
import KaiRegistry

/// `kai registry check`: SQLite's integrity check on the registry file, and
/// which tables can no longer be read. Reads the file only; loads no plugin.
struct RegistryCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Run SQLite's integrity check on the registry database and say what is damaged.",
        discussion: "Exits 0 when the file is sound, 74 when it is damaged (then run `kai registry recover`).")

    @OptionGroup var runtime: RuntimeOptions

    func run() throws {
        let path = try runtime.registryPath()
        let report: RegistryIntegrity.Report
        do {
            report = try RegistryIntegrity.check(path: path)
        } catch {
            throw ExitCodes.fail(error.description, error.code == .notFound ? ExitCodes.notFound : ExitCodes.store)
        }
        guard !report.isSound else {
            Console.out("ok: \(path) passed SQLite's integrity check and every table reads in full")
            return
        }
        var lines = ["damaged: \(path)"]
        lines += report.unreadableTables.map { "  table \($0.name): cannot be read in full (\($0.reason))" }
        if !report.problems.isEmpty {
            lines.append("SQLite's integrity check:")
            let shown = report.problems.prefix(20)
            lines += shown.map { "  \($0)" }
            if report.problems.count > shown.count { lines.append("  ... and \(report.problems.count - shown.count) more") }
        }
        if report.isNotADatabase {
            lines.append("Nothing in it can be recovered: move it aside (kai creates a new registry on its next start) or restore it from a backup.")
        } else {
            lines.append("Copy the readable rows into a new file with `kai registry recover --out NEW.sqlite`, then, with no kai running, move NEW.sqlite over \(path).")
        }
        Console.out(lines.joined(separator: "\n"))
        throw ExitCode(ExitCodes.store)
    }
}

extension RuntimeOptions {
    /// The registry file --database or the config names, without opening it
    /// (commands that repair a damaged file must not migrate it first).
    func registryPath() throws -> String {
        if let database { return SearchPathCatalog.split([database])[0] }
        return try loadConfig().databasePath(environment: environment)
    }
}
