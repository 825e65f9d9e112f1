import ArgumentParser
import Foundation
import KaiCore
import KaiRegistry
import KaiRuntime

/// `kai registry check`: SQLite's integrity check on the registry file, and
/// which tables can no longer be read. Reads the file only; loads no plugin.
struct RegistryCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Run SQLite's integrity check on the registry database and say what is damaged.",
        discussion: "Exits 0 when the file is sound, 74 when it is damaged (then run `kai registry recover`).")

    @OptionGroup var file: RegistryFileOptions

    func run() throws {
        let path = try file.path()
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

/// Which registry file `kai registry check|recover` work on. They open no
/// plugin and must not migrate a damaged file, so they take only these.
struct RegistryFileOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Operator config file naming the database (default: KAI_CONFIG, then $XDG_CONFIG_HOME/kai/kai.yaml).", valueName: "file"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("Registry database (default: the config's database, then $XDG_DATA_HOME/kai/registry.sqlite).", valueName: "file"))
    var database: String?

    /// The file --database names, else the config's database. These
    /// commands work on SQLite files; a PostgreSQL registry is refused
    /// (PostgreSQL checks and recovers its own data).
    func path() throws -> String {
        let path: String
        if let database {
            path = PostgresURL.isPostgres(database) ? database : SearchPathCatalog.split([database])[0]
        } else {
            let environment = ProcessInfo.processInfo.environment
            do throws(RuntimeError) {
                path = try KaiRuntime.loadConfig(settings: RuntimeSettings(configFile: config), environment: environment)
                    .databasePath(environment: environment)
            } catch {
                throw RuntimeFailure.exit(error)
            }
        }
        guard !PostgresURL.isPostgres(path) else {
            throw ExitCodes.fail("the registry is on PostgreSQL; this command works on a SQLite file: give one with --database (PostgreSQL's own tools, e.g. pg_amcheck, check its data)", ExitCodes.usage)
        }
        return path
    }

    /// The config's database_password_env, if it sets one (nil: no config file, or none set).
    func passwordVariable() throws -> String? {
        let environment = ProcessInfo.processInfo.environment
        do throws(RuntimeError) {
            return try KaiRuntime.loadConfig(settings: RuntimeSettings(configFile: config), environment: environment)
                .databasePasswordVariable
        } catch {
            throw RuntimeFailure.exit(error)
        }
    }
}
