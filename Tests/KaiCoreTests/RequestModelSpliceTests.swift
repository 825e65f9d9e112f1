@testable import KaiCore
import KaiJSON
import Testing

/// PluginHost.request: the model filled in by a splice, with the same result
/// as parsing the request and writing it out again.
struct RequestModelSpliceTests {
    func fill(_ text: String, _ model: String?) throws -> (JSONValue, String?) {
        let (bytes, named) = PluginHost.request(Array(text.utf8), model: model)
        return (try JSONParser.parse(bytes), named)
    }

    @Test func aRequestWithoutModel_getsTheTargetsModel_andKeepsEveryMember() throws {
        let (value, named) = try fill(#" {"messages": [{"role": "user", "content": "say \"model\": {x}"}], "stream": true} "#, "gpt-4o")
        #expect(named == "gpt-4o")
        #expect(value["model"] == "gpt-4o")
        #expect(value["messages"]?.arrayValue?.first?["content"] == #"say "model": {x}"#)
        #expect(value["stream"] == true)
    }

    @Test func anEmptyRequest_getsTheModelAlone() throws {
        let (value, named) = try fill("{}", "m/1")
        #expect(value == ["model": "m/1"] && named == "m/1")
    }

    @Test func aRequestNamingItsModel_keepsIt_wherever_itStands() throws {
        let text = #"{"messages": [], "model": "mine", "tools": [{"model": "not this"}]}"#
        let (bytes, named) = PluginHost.request(Array(text.utf8), model: "theirs")
        #expect(named == "mine" && bytes == Array(text.utf8))
        let nested = #"{"tools": [{"model": "inner"}], "messages": []}"#
        #expect(try fill(nested, "outer").1 == "outer")
    }

    @Test func noModelAnywhere_leavesTheRequestAsItIs() throws {
        let text = #"{"messages": []}"#
        let (bytes, named) = PluginHost.request(Array(text.utf8), model: nil)
        #expect(bytes == Array(text.utf8) && named == nil)
    }

    @Test func anEscapedKeyOrANonStringModel_takeTheParsingPath_withItsResult() throws {
        #expect(RequestModelSplice.scan(Array(#"{"mod\u0065l": "x"}"#.utf8)) == nil)
        let (escaped, named) = try fill(#"{"mod\u0065l": "x"}"#, "y")
        #expect(named == "x" && escaped["model"] == "x")
        let (nonString, chosen) = try fill(#"{"model": null, "messages": []}"#, "y")
        #expect(chosen == "y" && nonString["model"] == "y")
    }

    @Test func malformedJSON_isLeftForValidationToReject() {
        let text = #"{"messages": [}"#
        let (bytes, named) = PluginHost.request(Array(text.utf8), model: "m")
        #expect(bytes == Array(text.utf8) && named == "m")
    }

    /// A request its caller already parsed (an agent's, CallOptions.parsedInput):
    /// the same bytes and model as the slow path, and the parsed value as
    /// the bytes now read, so validation need not parse them again.
    @Test func aParsedRequest_getsTheSameBytesAndModel_andAParsedValueThatMatchesThem() throws {
        let texts = [#"{"messages": [{"role": "user", "content": "hi"}], "stream": true}"#, "{}",
                     #"{"messages": [], "model": "mine"}"#, #"{"mod\u0065l": "escaped", "messages": []}"#]
        for text in texts {
            for model in ["gpt-4o", nil] {
                let bytes = Array(text.utf8)
                let known = try #require(PluginHost.request(bytes, parsed: try JSONParser.parse(bytes), model: model), "\(text)")
                let slow = PluginHost.request(bytes, model: model)
                #expect(known.bytes == slow.bytes && known.model == slow.model, "\(text) \(model ?? "nil")")
                #expect(known.parsed == (try JSONParser.parse(known.bytes)), "\(text) \(model ?? "nil")")
                #expect(known.parsed.objectValue?.keys == (try JSONParser.parse(known.bytes)).objectValue?.keys, "members in the bytes' order")
            }
        }
    }

    /// What the scan cannot settle goes the slow way: a "model" that is not a
    /// string, a splice past a key with an escape, input that is not an object.
    @Test func aParsedRequest_theScanCannotSettle_isLeftToTheSlowPath() throws {
        for text in [#"{"model": 7, "messages": []}"#, #"{"\u0061": 1, "messages": []}"#, "[1]"] {
            let bytes = Array(text.utf8)
            #expect(PluginHost.request(bytes, parsed: try JSONParser.parse(bytes), model: "m") == nil, "\(text)")
        }
    }
}
