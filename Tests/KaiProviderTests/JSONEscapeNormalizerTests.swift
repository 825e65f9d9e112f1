import KaiProviderKit
import Testing

/// JSON text has its escapes of printable ASCII spelled plainly before the
/// key is looked for, piece by piece, an escape split between pieces too;
/// escapes that must stay (quote, backslash, control and non-ASCII
/// characters) stay, so the text is the same JSON.
@Suite struct JSONEscapeNormalizerTests {
    func normalize(_ pieces: [String]) -> String {
        var normalizer = JSONEscapeNormalizer()
        return pieces.map { normalizer.pass($0) }.joined() + normalizer.finish()
    }

    @Test func printableEscapes_becomeTheirCharacters_evenSplitBetweenPieces() {
        #expect(normalize([#"{"k": "\u0073k-"#, #"ant"}"#]) == #"{"k": "sk-ant"}"#)
        #expect(normalize([#"{"k": "\u00"#, #"73k\/x"}"#]) == #"{"k": "sk/x"}"#)
        #expect(normalize([#"{"k": "\"#, #"u0053"}"#]) == #"{"k": "S"}"#)
    }

    @Test func escapesThatMustStay_stay() {
        let text = #"{"k": "\" \\ \n \u0022 \u005c \u0001 \u00e9 \\u0073"}"#
        #expect(normalize([text]) == text)
    }
}
