import ArgumentParser
import Foundation
import KaiCore
import KaiJSON
import KaiRegistry

/// `kai keys`: API keys stored for the operator config's secrets, in a file
/// only the user can read (KeysFile). A secret's environment variable wins;
/// the stored key is used when it is unset.
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Store API keys for the secrets the operator config names (used when the environment variable is unset).",
        subcommands: [KeysSet.self, KeysList.self, KeysPath.self]
    )

    static var environment: [String: String] { ProcessInfo.processInfo.environment }
    static var file: KeysFile { KeysFile(environment: environment) }
}

struct KeysSet: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set", abstract: "Store a key read from stdin (not echoed on a terminal); it is never printed back.",
        discussion: "NAME is the environment variable a secret names, e.g. `secrets: {api_key: OPENAI_API_KEY}` → `kai keys set OPENAI_API_KEY`."
    )

    @Argument(help: ArgumentHelp("The secret's environment variable name, e.g. OPENAI_API_KEY.", valueName: "name")) var name: String

    func validate() throws {
        guard SecretResolver.isVariableName(name) else {
            throw ValidationError("key name '\(TerminalText.visible(name))' is not an environment variable name: use capital letters, digits and '_', not starting with a digit (e.g. OPENAI_API_KEY).")
        }
    }

    func run() throws {
        let value: String
        do {
            value = try SecretInput.readLine(prompt: "Enter key \(name): ")
        } catch {
            throw ExitCodes.fail(error.message(name: name), ExitCodes.usage)
        }
        let file = KeysCommand.file
        do {
            try file.set(name, to: value)
        } catch {
            throw ExitCodes.fail(error.description, ExitCodes.config)
        }
        Console.out("stored key \(name) in \(file.path)")
    }
}

struct KeysList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "The names of the stored keys (never their values).")

    @Flag(name: .long, help: "Print JSON.") var json = false

    func run() throws {
        let names: [String]
        do {
            names = try KeysCommand.file.names()
        } catch {
            throw ExitCodes.fail(error.description, ExitCodes.config)
        }
        if json {
            Console.json(.array(names.map(JSONValue.string)))
        } else if !names.isEmpty {
            Console.visibleOut(names.joined(separator: "\n"))
        }
    }
}

struct KeysPath: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "path", abstract: "Where the keys are stored.")

    func run() {
        Console.out(KeysCommand.file.path)
    }
}
