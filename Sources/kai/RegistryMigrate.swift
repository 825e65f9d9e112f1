import ArgumentParser
import Foundation
import KaiRegistry
import KaiRuntime

/// `kai registry migrate --to postgres://…`: the host's SQLite registry
/// copied into an empty PostgreSQL database, which a fleet then shares
/// (point every host's config `database:` at the same URL).
struct RegistryMigrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Copy a SQLite registry into an empty PostgreSQL database.",
        discussion: """
            The source is --database (or the config's database), a SQLite file. The password comes from the \
            variable the config's database_password_env names (default KAI_REGISTRY_PASSWORD), else `kai keys`; \
            never from the URL. Exits 0 with a count per table, 74 when a database fails.
            """)

    @OptionGroup var file: RegistryFileOptions
    @Option(name: .long, help: ArgumentHelp("The PostgreSQL registry: postgres://USER@HOST[:PORT]/DATABASE.", valueName: "url"))
    var to: String

    func validate() throws {
        guard PostgresURL.isPostgres(to) else {
            throw ValidationError("--to must be a postgres://USER@HOST[:PORT]/DATABASE URL, got '\(to.contains("@") ? "(not shown: it may hold a password)" : to)'.")
        }
        do throws(StoreError) {
            _ = try PostgresURL(to)
        } catch {
            throw ValidationError(error.message)
        }
    }

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let sourcePath = try file.path()
        let variable = try file.passwordVariable()
        do throws(StoreError) {
            let target = try RegistryStore.opening(database: to, passwordVariable: variable, environment: environment)
            guard FileManager.default.fileExists(atPath: sourcePath) else {
                throw StoreError(.notFound, "registry: there is no SQLite registry at \(sourcePath); give the file to copy with --database")
            }
            let source = try RegistryStore(path: sourcePath)
            let copied = try RegistryMigration.copy(from: source, to: target)
            try target.checkpoint()  // fresh planner statistics for the copied rows
            let total = copied.reduce(0) { $0 + $1.rows }
            Console.out("copied \(total) rows from \(sourcePath) to \(target.path)")
            for (table, rows) in copied { Console.out("  \(table): \(rows)") }
            Console.out("Point every host's config at it: database: \(target.path)")
        } catch {
            throw storeFailure(error)
        }
    }
}
