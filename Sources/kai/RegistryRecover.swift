import ArgumentParser
import KaiRegistry

/// `kai registry recover --out FILE`: every row SQLite can still read from
/// a damaged registry, copied into a new database with the current schema.
struct RegistryRecover: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recover", abstract: "Copy every readable row of the registry database into a new database.",
        discussion: "The damaged file is only read. Once done, stop every kai and move the new file over the old one.")

    @OptionGroup var file: RegistryFileOptions
    @Option(name: .long, help: ArgumentHelp("The new database to write (must not exist).", valueName: "file")) var out: String

    func run() throws {
        let path = try file.path()
        let results: [RegistryRecovery.TableResult]
        do {
            results = try RegistryRecovery.recover(from: path, to: out)
        } catch {
            let status = switch error.code {
            case .invalidArgument: ExitCodes.usage
            case .notFound: ExitCodes.notFound
            default: ExitCodes.store
            }
            throw ExitCodes.fail(error.description, status)
        }
        var lines = results.map { result in
            "  \(result.name): \(result.copied) rows copied"
                + (result.skipped == 0 ? "" : ", \(result.skipped) unreadable stretch\(result.skipped == 1 ? "" : "es") skipped")
        }
        let total = results.reduce(0) { $0 + $1.copied }
        lines.insert("recovered \(total) rows from \(path) into \(out):", at: 0)
        lines.append("With no kai running, move \(out) over \(path) to use it.")
        Console.out(lines.joined(separator: "\n"))
    }
}
