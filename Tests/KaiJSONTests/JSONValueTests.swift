import KaiJSON
import Testing

struct JSONValueTests {
    @Test func equality_whenIntegerMeetsIntegralNumber_treatsThemAsEqualWithEqualHashes() {
        #expect(JSONValue.integer(1) == .number(1.0))
        #expect(JSONValue.integer(1).hashValue == JSONValue.number(1.0).hashValue)
        #expect(JSONValue.integer(1) != .number(1.5))
        // 2^53 + 1 is not representable as a Double; it must not equal 2^53.
        #expect(JSONValue.integer(9_007_199_254_740_993) != .number(9_007_199_254_740_992))
        #expect(Set<JSONValue>([1, 1.0, 2]).count == 2)
    }

    @Test func equality_whenObjectsDifferOnlyInKeyOrder_isEqualWithEqualHashes() {
        let first: JSONValue = ["a": 1, "b": [true]]
        let second: JSONValue = ["b": [true], "a": 1.0]
        #expect(first == second)
        #expect(first.hashValue == second.hashValue)
        #expect(first != ["a": 1])
        #expect(first != ["a": 1, "b": [false]])
    }

    @Test func accessors_returnValuesOnlyForTheirCase() {
        let value: JSONValue = ["s": "x", "i": 3, "d": 2.0, "f": 2.5, "b": false, "a": [1], "o": ["k": nil]]
        #expect(value["s"]?.stringValue == "x")
        #expect(value["i"]?.intValue == 3)
        #expect(value["i"]?.doubleValue == 3)
        #expect(value["d"]?.intValue == 2)
        #expect(value["f"]?.intValue == nil)
        #expect(value["f"]?.doubleValue == 2.5)
        #expect(JSONValue.number(1e300).intValue == nil)
        #expect(value["b"]?.boolValue == false)
        #expect(value["b"]?.intValue == nil)
        #expect(value["a"]?.arrayValue == [1])
        #expect(value["o"]?.objectValue?.keys == ["k"])
        #expect(value["s"]?.objectValue == nil)
        #expect(JSONValue.string("x")["s"] == nil)
    }

    @Test(arguments: [
        (JSONValue.null, "null"), (.bool(true), "boolean"), (.integer(1), "integer"), (.number(1.5), "number"),
        (.string(""), "string"), (.array([]), "array"), (.object([:]), "object"),
    ])
    func typeName_namesJSONSchemaType(value: JSONValue, name: String) {
        #expect(value.typeName == name)
    }

    @Test func object_whenMutated_keepsOrderAndLookups() {
        var object: JSONObject = ["a": 1, "b": 2]
        object["c"] = 3
        object["a"] = 10
        object["b"] = nil
        #expect(object.keys == ["a", "c"])
        #expect(object["a"] == 10)
        #expect(object["b"] == nil)
        #expect(object.count == 2)
        #expect(Array(object).map(\.key) == ["a", "c"])
        for index in 0..<20 { object["k\(index)"] = .integer(Int64(index)) }
        object["k3"] = nil
        #expect(object["k19"] == 19)
        #expect(object["k3"] == nil)
        #expect(object.count == 21)
    }

    @Test func object_whenInitialisedWithRepeatedKey_keepsFirstPositionAndLastValue() {
        let object = JSONObject([("a", 1), ("b", 2), ("a", 3)])
        #expect(object.keys == ["a", "b"])
        #expect(object["a"] == 3)
    }
}
