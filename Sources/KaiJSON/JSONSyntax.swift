/// Checks that bytes are well-formed JSON without building any values.
///
/// Uses the same grammar, limits and error messages as `JSONParser`, with one
/// difference: duplicate object keys are *accepted*, because detecting them
/// would mean keeping every key. Use `JSONParser.parse` for anything whose
/// meaning the host acts on.
public enum JSONSyntax {
    public static func check(_ bytes: UnsafeRawBufferPointer) throws(JSONParseError) {
        var grammar = JSONGrammar<SyntaxOnlyBuilder>(bytes)
        try grammar.parseDocument()
    }
}
