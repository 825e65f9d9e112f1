import KaiJSON
import KaiLocalGrammar
import Testing

/// JSON Schema → GBNF, text for text.
struct JSONSchemaGrammarTests {
    static let char = #"char ::= [^"\\\x7F\x00-\x1F] | "\\" ( ["\\/bfnrt] | "u" ( [0-9a-cA-CefEF] [0-9a-fA-F]{3} | [dD] [0-7] [0-9a-fA-F]{2} ) )"#
    static let string = #"string ::= "\"" char* "\"""#
    static let integer = #"integer ::= "-"? ( [0-9] | [1-9] [0-9]{1,15} )"#
    static let number = #"number ::= integer ( "." [0-9]{1,16} )? ( [eE] [-+]? [0-9]{1,2} )?"#
    static let boolean = #"boolean ::= "true" | "false""#
    static let ws = #"ws ::= " "?"#

    func schema(_ text: String) throws -> JSONValue { try JSONParser.parse(text) }

    @Test func object_requiredMembersAlwaysPresent_optionalOnesMayBeOmitted() throws {
        let grammar = try LocalGrammar.value(schema(#"{"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "integer"}, "c": {"type": "boolean"}}, "required": ["b"]}"#))
        #expect(grammar == [
            "root ::= value-schema",
            #"value-schema ::= "{" ws "\"b\":" ws integer ( "," ws "\"a\":" ws string )? ( "," ws "\"c\":" ws boolean )? ws "}""#,
            Self.string, Self.char, Self.integer, Self.boolean, Self.ws,
        ].joined(separator: "\n") + "\n")
    }

    @Test func object_withOnlyOptionalMembers_putsCommasOnlyBetweenPresentOnes() throws {
        let grammar = try LocalGrammar.value(schema(#"{"properties": {"x": {"type": "number"}, "y": {"type": "null"}}}"#))
        #expect(grammar == [
            "root ::= value-schema",
            #"value-schema ::= "{" ws ( "\"x\":" ws number ( "," ws "\"y\":" ws null )? | "\"y\":" ws null )? ws "}""#,
            Self.number, Self.integer, #"null ::= "null""#, Self.ws,
        ].joined(separator: "\n") + "\n")
    }

    @Test func enumConstArraysAndNesting_becomeNamedRules() throws {
        let grammar = try LocalGrammar.value(schema(#"""
            {"type": "object", "required": ["unit", "tags", "point", "kind"], "properties": {
              "unit": {"enum": ["celsius", "fahrenheit", 3]},
              "tags": {"type": "array", "items": {"type": "string", "maxLength": 8}, "minItems": 1, "maxItems": 3},
              "point": {"type": "object", "properties": {"x": {"type": "integer"}}, "required": ["x"], "additionalProperties": false},
              "kind": {"const": "fixed"}}}
            """#))
        #expect(grammar == [
            "root ::= value-schema",
            #"value-schema-unit ::= "\"celsius\"" | "\"fahrenheit\"" | "3""#,
            #"value-schema-tags-item ::= "\"" char{0,8} "\"""#,
            #"value-schema-tags ::= "[" ws value-schema-tags-item ( "," ws value-schema-tags-item ){0,2} ws "]""#,
            #"value-schema-point ::= "{" ws "\"x\":" ws integer ws "}""#,
            #"value-schema ::= "{" ws "\"unit\":" ws value-schema-unit "," ws "\"tags\":" ws value-schema-tags "," ws "\"point\":" ws value-schema-point "," ws "\"kind\":" ws "\"fixed\"" ws "}""#,
            Self.char, Self.integer, Self.ws,
        ].joined(separator: "\n") + "\n")
    }

    @Test func anyOfAndTypeLists_becomeAlternatives() throws {
        let grammar = try LocalGrammar.value(schema(#"{"anyOf": [{"type": ["string", "null"]}, {"type": "array", "items": {"type": "integer"}}]}"#))
        #expect(grammar == [
            "root ::= value-schema",
            "value-schema-1 ::= string | null",
            #"value-schema-2 ::= "[" ws ( integer ( "," ws integer )* )? ws "]""#,
            "value-schema ::= value-schema-1 | value-schema-2",
            Self.string, Self.char, Self.integer, #"null ::= "null""#, Self.ws,
        ].joined(separator: "\n") + "\n")
    }

    @Test func toolCall_required_isOneCallObjectNamingATool() throws {
        let tools = [
            GrammarTool(name: "get_time", inputSchema: try schema(#"{"type": "object", "properties": {"zone": {"type": "string"}}, "required": ["zone"]}"#)),
            GrammarTool(name: "ping", inputSchema: try schema(#"{"type": "object"}"#)),
        ]
        let grammar = try LocalGrammar.toolCall(tools, allowText: false)
        #expect(grammar == [
            "root ::= call-get-time | call-ping",
            #"get-time-arguments ::= "{" ws "\"zone\":" ws string ws "}""#,
            #"call-get-time ::= "{\"name\":" ws "\"get_time\"," ws "\"arguments\":" ws get-time-arguments ws "}""#,
            #"call-ping ::= "{\"name\":" ws "\"ping\"," ws "\"arguments\":" ws object ws "}""#,
            "value ::= object | array | string | number | boolean | null",
            #"object ::= "{" ws ( string ":" ws value ( "," ws string ":" ws value )* )? ws "}""#,
            #"array ::= "[" ws ( value ( "," ws value )* )? ws "]""#,
            Self.string, Self.char, Self.number, Self.integer, Self.boolean, #"null ::= "null""#, Self.ws,
        ].joined(separator: "\n") + "\n")
    }

    @Test func toolCall_auto_letsTextThatDoesNotStartWithABraceStandInForACall() throws {
        let tools = [GrammarTool(name: "ping", inputSchema: try schema(#"{"type": "object", "properties": {}, "additionalProperties": false}"#))]
        let grammar = try LocalGrammar.toolCall(tools, allowText: true)
        #expect(grammar == [
            "root ::= call | text",
            #"ping-arguments ::= "{" ws "}""#,
            #"call-ping ::= "{\"name\":" ws "\"ping\"," ws "\"arguments\":" ws ping-arguments ws "}""#,
            "call ::= call-ping",
            "text ::= [^{] .*",
            Self.ws,
        ].joined(separator: "\n") + "\n")
    }

    @Test func literals_escapeQuotesBackslashesAndControlCharacters() throws {
        let grammar = try LocalGrammar.value(.object(JSONObject([("const", .string("a\"b\\c\u{1}é"))])))
        #expect(grammar.hasPrefix(#"root ::= "\"a\\\"b\\\\c\\u0001é\"""#))
    }

    @Test(arguments: [
        (#"{"type": "object", "properties": {"code": {"type": "string", "pattern": "^[A-Z]+$"}}, "required": ["code"]}"#,
         #"the local provider cannot constrain generation to the JSON Schema keyword "pattern" (at /properties/code/pattern); it supports type, properties, required, enum, const, items, anyOf, oneOf, minLength, maxLength, minItems and maxItems"#),
        (#"{"type": "integer", "minimum": 0}"#,
         #"the local provider cannot constrain generation to the JSON Schema keyword "minimum" (at /minimum); it supports type, properties, required, enum, const, items, anyOf, oneOf, minLength, maxLength, minItems and maxItems"#),
        (##"{"type": "array", "items": {"$ref": "#/$defs/x"}}"##,
         #"the local provider cannot constrain generation to the JSON Schema keyword "$ref" (at /items/$ref); it supports type, properties, required, enum, const, items, anyOf, oneOf, minLength, maxLength, minItems and maxItems"#),
        (#"{"type": "decimal"}"#, #""type" at /type names "decimal", which is not a JSON Schema type"#),
        (#"{"enum": []}"#, #""enum" at /enum must be a non-empty array"#),
        // llama.cpp's parser loops, unsigned, on {5,2}: refused before it sees it.
        (#"{"type": "string", "minLength": 5, "maxLength": 2}"#,
         #""minLength" 5 is above "maxLength" 2 at : no value satisfies the schema"#),
        (#"{"type": "array", "items": {"type": "integer"}, "minItems": 3, "maxItems": 1}"#,
         #""minItems" 3 is above "maxItems" 1 at : no value satisfies the schema"#),
        (#"{"type": "string", "minLength": 2001}"#,
         #""minLength" at /minLength must be an integer from 0 to 2000 for the local provider's grammar"#),
        (#"{"type": "string", "maxLength": -1}"#,
         #""maxLength" at /maxLength must be an integer from 0 to 2000 for the local provider's grammar"#),
        // A keyword beside anyOf/oneOf/enum would be dropped: refused.
        (#"{"type": "object", "properties": {"a": {"type": "integer"}}, "anyOf": [{"required": ["a"]}]}"#,
         #""anyOf" at  has "properties" beside it, which the local provider's grammar cannot combine; move "properties" into each branch of "anyOf""#),
        (#"{"enum": ["a", "b"], "maxLength": 1}"#,
         #""enum" at  has "maxLength" beside it, which the local provider's grammar cannot combine; move "maxLength" into each branch of "enum""#),
    ])
    func unsupportedSchemas_failNamingTheKeywordAndWhere(schemaText: String, message: String) throws {
        #expect(throws: GrammarError(message)) { try LocalGrammar.value(try schema(schemaText)) }
    }

    /// A maximum past what llama.cpp's grammar counts (the calculate tool's
    /// 10000-character expression) is left to the host's validation of the
    /// finished arguments rather than refusing the tool.
    @Test func anUpperBoundPastTheGrammarsCount_isLeftToTheHost() throws {
        let grammar = try LocalGrammar.value(schema(#"{"type": "object", "properties": {"e": {"type": "string", "minLength": 1, "maxLength": 10000}, "l": {"type": "array", "maxItems": 5000}}, "required": ["e", "l"]}"#))
        #expect(grammar.contains("char+") || grammar.contains("char)+") || grammar.contains("char*"))
        #expect(!grammar.contains("10000") && !grammar.contains("4999") && !grammar.contains("1999"))
    }

    /// An optional member whose schema the grammar cannot express is left
    /// out (the model never writes it); a required one is refused.
    @Test func anOptionalMemberTheGrammarCannotExpress_isLeftOut() throws {
        let grammar = try LocalGrammar.value(schema(#"{"type": "object", "properties": {"e": {"type": "string"}, "v": {"type": "object", "propertyNames": {"pattern": "^[a-z]+$"}}}, "required": ["e"]}"#))
        #expect(grammar.contains(#""\"e\":""#) && !grammar.contains(#""\"v\":""#))
        #expect(throws: GrammarError.self) {
            try LocalGrammar.value(schema(#"{"type": "object", "properties": {"v": {"type": "object", "propertyNames": {"pattern": "^[a-z]+$"}}}, "required": ["v"]}"#))
        }
    }

    /// Every value the grammar allows is JSON Kai reads: no exponent past a
    /// double's range, no lone surrogate escape.
    @Test func numbersAndEscapes_stayWithinWhatKaisParserReads() throws {
        let grammar = try LocalGrammar.value(schema(#"{"type": "object", "properties": {"n": {"type": "number"}, "s": {"type": "string"}}, "required": ["n", "s"]}"#))
        #expect(grammar.contains(Self.number + "\n") && grammar.contains(Self.char + "\n"))
        #expect(!grammar.contains("[0-9]{1,3}") && !grammar.contains(#""u" [0-9a-fA-F]{4}"#))
    }

    /// "type" beside enum only names the listed values' type.
    @Test func typeBesideEnum_isAccepted() throws {
        #expect(try LocalGrammar.value(schema(#"{"type": "string", "enum": ["a", "b"]}"#)).contains(#""\"a\"" | "\"b\"""#))
    }

    @Test func toolCall_unsupportedKeyword_namesTheTool() throws {
        let tools = [GrammarTool(name: "add", inputSchema: try schema(#"{"type": "object", "properties": {"a": {"type": "number", "multipleOf": 2}}, "required": ["a"]}"#))]
        #expect(throws: GrammarError(#"tool "add": the local provider cannot constrain generation to the JSON Schema keyword "multipleOf" (at /properties/a/multipleOf); it supports type, properties, required, enum, const, items, anyOf, oneOf, minLength, maxLength, minItems and maxItems"#)) {
            try LocalGrammar.toolCall(tools, allowText: false)
        }
    }
}
