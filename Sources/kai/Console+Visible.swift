import KaiCore
import KaiJSON

/// Printing text that came from a plugin, a sandboxed program or a model:
/// its control characters made visible (`TerminalText`) so it cannot act on
/// the user's terminal. Always, not only on a terminal: a pipe often ends in
/// one (`| less -R`, `| tee`), and these outputs are for people; JSON output
/// keeps every value.
extension Console {
    static func visibleOut(_ text: String) {
        out(TerminalText.visible(text))
    }

    /// JSON with DEL and C1 controls written as `\u00NN` escapes: still
    /// valid JSON with the same values.
    static func visibleJSON(_ value: JSONValue) {
        out(TerminalText.visibleJSON(value.serialized(pretty: true)))
    }
}

extension TextTable {
    /// The table with every cell's control characters made visible (before
    /// the columns are measured, so they stay aligned).
    func visible() -> TextTable {
        TextTable(header: header.map(TerminalText.visible), rows: rows.map { $0.map(TerminalText.visible) })
    }
}
