import KaiJSON
import Testing

/// appendSerialized / appendString: a document written in parts (an agent's
/// growing conversation) must be byte for byte what serializing it whole gives.
@Suite struct JSONAppendTests {
    static let values: [JSONValue] = [
        .null, true, 42, -7.5, "plain", "quote \" backslash \\ newline \n tab \t bell \u{07} é 😀",
        ["role": "tool", "tool_call_id": "c1", "content": "{\"result\": 3}", "is_error": false],
        ["messages": [["role": "user", "content": "hi"], ["role": "assistant", "content": .null, "tool_calls": []]]],
        .array([]), .object([:]),
    ]

    @Test(arguments: values)
    func appendSerialized_writesWhatSerializedBytesWrites_afterWhatIsThere(value: JSONValue) {
        var out = Array("prefix,".utf8)
        value.appendSerialized(to: &out)
        #expect(out == Array("prefix,".utf8) + value.serializedBytes())
    }

    @Test func appendString_writesWhatAStringValueSerializesTo() {
        for text in ["", "a", "quote \" and \\ and \u{01}\r\n", "naïve 😀 /slash"] {
            var out: [UInt8] = [UInt8(ascii: "[")]
            JSONValue.appendString(text, to: &out)
            #expect(out == [UInt8(ascii: "[")] + JSONValue.string(text).serializedBytes())
        }
    }

    /// The parts of a chat request written one message at a time join into
    /// the request serialized whole.
    @Test func messagesWrittenOneByOne_joinIntoTheWholeRequest() throws {
        let messages: [JSONValue] = [["role": "system", "content": "be brief"], ["role": "user", "content": "1 + 2?"],
                                     ["role": "assistant", "content": .null, "tool_calls": [["id": "c1", "name": "calculate", "arguments": ["expression": "1 + 2"]]]],
                                     ["role": "tool", "tool_call_id": "c1", "content": "3"]]
        var parts: [UInt8] = []
        for (offset, message) in messages.enumerated() {
            if offset > 0 { parts.append(UInt8(ascii: ",")) }
            message.appendSerialized(to: &parts)
        }
        var request = Array(#"{"messages":["#.utf8) + parts + Array(#"],"tool_choice":"#.utf8)
        JSONValue.appendString("required", to: &request)
        request.append(UInt8(ascii: "}"))
        let whole: JSONValue = ["messages": .array(messages), "tool_choice": "required"]
        #expect(request == whole.serializedBytes())
    }
}

/// isIdentical: equal as written, not just as JSON Schema compares.
@Suite struct JSONIdenticalTests {
    @Test func sameText_isIdentical() throws {
        let text = #"{"role": "assistant", "content": null, "tool_calls": [{"id": "c1", "arguments": {"x": 1.5, "y": [true, "é"]}}]}"#
        #expect(try JSONParser.parse(text).isIdentical(to: try JSONParser.parse(text)))
    }

    @Test func valuesEqualButWrittenDifferently_areNotIdentical() {
        #expect(JSONValue.integer(1) == .number(1.0))
        #expect(!JSONValue.integer(1).isIdentical(to: .number(1.0)))
        let ab: JSONValue = ["a": 1, "b": 2], ba: JSONValue = ["b": 2, "a": 1]
        #expect(ab == ba && !ab.isIdentical(to: ba))
        let composed = JSONValue.string("\u{E9}"), decomposed = JSONValue.string("e\u{301}")
        #expect(composed == decomposed && !composed.isIdentical(to: decomposed))
        #expect(!JSONValue.number(0.0).isIdentical(to: .number(-0.0)))
    }
}
