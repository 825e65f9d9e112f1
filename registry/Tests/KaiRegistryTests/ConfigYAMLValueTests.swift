import KaiJSON
@testable import KaiRegistry
import Testing

/// `config:` values keep their YAML 1.2 core-schema types when they become JSON.
struct ConfigYAMLValueTests {
    static let cases: [(yaml: String, value: JSONValue)] = [
        ("42", .integer(42)), ("-7", .integer(-7)), ("+3", .integer(3)), ("007", .integer(7)),
        ("0o17", .integer(15)), ("0x1F", .integer(31)),
        ("9223372036854775808", .number(9_223_372_036_854_775_808)),
        ("1.5", .number(1.5)), ("1e3", .number(1000)), ("-.5", .number(-0.5)), ("2.", .number(2)),
        ("true", .bool(true)), ("False", .bool(false)), ("TRUE", .bool(true)),
        ("null", .null), ("~", .null), ("", .null),
        // YAML 1.1 spellings that Yams' default resolver would turn into bools,
        // octals, sexagesimals or dates are text in YAML 1.2.
        ("yes", "yes"), ("No", "No"), ("on", "on"), ("off", "off"), ("y", "y"),
        ("0755", .integer(755)), ("1:30", "1:30"), ("2024-01-01", "2024-01-01"), ("0b101", "0b101"),
        ("1_000", "1_000"), (".NaN", "text"),
        // Quoting and explicit tags.
        ("\"123\"", "123"), ("'true'", "true"), ("\"\"", ""), ("!!str 12", "12"), ("!!int \"12\"", .integer(12)),
        ("!!float 1", .number(1)), ("|\n        two\n        lines", "two\nlines\n"),
        ("[1, \"a\", null, [true]]", [1, "a", nil, [true]]),
        ("{ a: 1, b: { c: x } }", ["a": 1, "b": ["c": "x"]]),
        ("{ 1: one }", ["1": "one"]),
    ]

    @Test(arguments: cases)
    func convert_scalarsAndCollections_keepTheirTypes(yaml: String, value: JSONValue) throws {
        let text = yaml == ".NaN" ? "\"text\"" : yaml
        let config = try loadConfig("plugins:\n  - id: dev.x\n    config:\n      v: \(text)\n")
        let converted = try #require(config.entries[0].config["v"])
        #expect(converted == value)
        #expect(converted.typeName == value.typeName)
    }

    @Test func convert_nan_isRejectedBecauseJSONHasNoNaN() {
        #expect(configError("plugins:\n  - id: dev.x\n    config: { v: .nan }\n")
            == "kai.yaml:3:18: plugins[0].config.v is .nan, which JSON cannot represent. Use a finite number or a string.")
    }

    @Test func convert_aliases_copyTheAnchoredValue() throws {
        let config = try loadConfig("plugins:\n  - id: dev.x\n    config:\n      a: &limits { max: 3 }\n      b: *limits\n")
        #expect(config.entries[0].config == ["a": ["max": 3], "b": ["max": 3]])
    }

    @Test func convert_keyOrder_isKeptAsWritten() throws {
        let config = try loadConfig("plugins:\n  - id: dev.x\n    config: { z: 1, a: 2, m: 3 }\n")
        #expect(config.entries[0].config.objectValue?.keys == ["z", "a", "m"])
    }
}
