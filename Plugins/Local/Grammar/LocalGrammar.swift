import KaiJSON

/// A tool the model may call, as the chat request gives it.
public struct GrammarTool: Sendable {
    public let name: String
    public let inputSchema: JSONValue

    public init(name: String, inputSchema: JSONValue) {
        self.name = name
        self.inputSchema = inputSchema
    }
}

/// The grammars the `local` provider hands to libllama.
public enum LocalGrammar {
    /// Output that is one tool call, the JSON object
    /// {"name": <one of the tools>, "arguments": <valid for its inputSchema>}.
    ///
    /// With `allowText` ("auto") the output may instead be plain text, which
    /// must not start with '{': the first character tells a call from text,
    /// so the provider knows which it is generating after one token.
    public static func toolCall(_ tools: [GrammarTool], allowText: Bool) throws(GrammarError) -> String {
        var converter = JSONSchemaGrammar()
        var calls: [String] = []
        for tool in tools {
            let arguments: String
            do {
                arguments = try converter.expression(for: tool.inputSchema, name: "\(tool.name)-arguments", at: "")
            } catch {
                throw GrammarError("tool \"\(tool.name)\": \(error.message)")
            }
            let name = converter.gbnf.name("call-\(tool.name)")
            let ws = converter.gbnf.primitive("ws")
            let head = GBNF.literal(#"{"name":"#) + " \(ws) " + GBNF.literal(JSONValue.string(tool.name).serialized() + ",")
            converter.gbnf.add(name, head + " \(ws) " + GBNF.literal(#""arguments":"#) + " \(ws) \(arguments) \(ws) " + GBNF.literal("}"))
            calls.append(name)
        }
        if allowText {
            let call = converter.gbnf.name("call")
            let text = converter.gbnf.name("text")
            converter.gbnf.addRoot("\(call) | \(text)")
            converter.gbnf.add(call, calls.joined(separator: " | "))
            converter.gbnf.add(text, "[^{] .*")
        } else {
            converter.gbnf.addRoot(calls.joined(separator: " | "))
        }
        return converter.gbnf.text
    }

    /// Output that is one JSON value valid against `schema` (response_format
    /// json_schema).
    public static func value(_ schema: JSONValue) throws(GrammarError) -> String {
        var converter = JSONSchemaGrammar()
        let expression = try converter.expression(for: schema, name: "value-schema", at: "")
        converter.gbnf.addRoot(expression)
        return converter.gbnf.text
    }
}
