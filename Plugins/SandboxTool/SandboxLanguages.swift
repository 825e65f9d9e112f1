import KaiSandbox

/// The languages sandbox_run offers: those of the sandbox's language table
/// (the same built-in table `kai sandbox run FILE` uses), under the names
/// models know them by rather than their file extensions.
enum SandboxLanguages {
    /// Names for the table's extensions; an extension not listed is offered
    /// under its own name.
    private static let names = ["py": "python", "sh": "sh", "c": "c"]

    static let table = LanguageTable.builtIn

    /// Language name → file extension, for every language in the table.
    static let extensions: [String: String] = Dictionary(
        uniqueKeysWithValues: table.languages.keys.map { (names[$0] ?? $0, $0) })

    /// The names, sorted (the input schema's enum).
    static var offered: [String] { extensions.keys.sorted() }
}
