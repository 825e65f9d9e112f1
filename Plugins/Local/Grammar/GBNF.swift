import KaiJSON

/// A GBNF grammar (llama.cpp's grammar format) under construction: named
/// rules in the order they were made, root first, then the shared JSON
/// primitives that were used, in a fixed order.
///
/// Rule names in GBNF are [a-zA-Z0-9-]+; `name(_:)` makes any text such a
/// name and keeps names unique.
struct GBNF {
    fileprivate(set) var rules: [(name: String, body: String)] = []
    private var taken: Set<String> = Set(GBNF.primitiveOrder + ["root"])
    private var primitivesUsed: Set<String> = []

    /// A fresh rule name from `base`: other characters become '-', and a
    /// number is appended when the name is taken.
    mutating func name(_ base: String) -> String {
        var cleaned = String(base.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "-" })
        if cleaned.isEmpty { cleaned = "rule" }
        var candidate = cleaned
        var n = 2
        while taken.contains(candidate) {
            candidate = "\(cleaned)-\(n)"
            n += 1
        }
        taken.insert(candidate)
        return candidate
    }

    mutating func add(_ name: String, _ body: String) {
        rules.append((name, body))
    }

    /// A reference to a shared primitive (and the ones it uses).
    mutating func primitive(_ name: String) -> String {
        // The generic rules refer to each other (value, object, array).
        guard primitivesUsed.insert(name).inserted else { return name }
        for dependency in GBNF.primitiveDependencies[name, default: []] { _ = primitive(dependency) }
        return name
    }

    var text: String {
        var lines = rules.map { "\($0.name) ::= \($0.body)" }
        for name in GBNF.primitiveOrder where primitivesUsed.contains(name) {
            lines.append("\(name) ::= \(GBNF.primitiveBodies[name]!)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A GBNF string literal matching exactly `text`.
    static func literal(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                out += "\\x" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 2)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// A literal matching the compact JSON text of `value` (enum, const).
    static func literal(json value: JSONValue) -> String {
        literal(value.serialized())
    }

    // Whitespace is at most one space: a small model sampled at temperature 1
    // would otherwise wander into long runs of it. Numbers have at most 16
    // digits (an Int64 or a double's precision), so they end.
    static let primitiveOrder = ["value", "object", "array", "string", "char", "number", "integer", "boolean", "null", "ws"]
    static let primitiveBodies: [String: String] = [
        "value": "object | array | string | number | boolean | null",
        "object": #""{" ws ( string ":" ws value ( "," ws string ":" ws value )* )? ws "}""#,
        "array": #""[" ws ( value ( "," ws value )* )? ws "]""#,
        "string": #""\"" char* "\"""#,
        // \u escapes outside the surrogates only: a lone surrogate is JSON
        // Kai's parser refuses (RFC 8259 allows it, UTF-8 cannot carry it).
        "char": #"[^"\\\x7F\x00-\x1F] | "\\" ( ["\\/bfnrt] | "u" ( [0-9a-cA-CefEF] [0-9a-fA-F]{3} | [dD] [0-7] [0-9a-fA-F]{2} ) )"#,
        // Exponents of two digits at most: 1e999 is no double, so no JSON value Kai reads.
        "number": #"integer ( "." [0-9]{1,16} )? ( [eE] [-+]? [0-9]{1,2} )?"#,
        "integer": #""-"? ( [0-9] | [1-9] [0-9]{1,15} )"#,
        "boolean": #""true" | "false""#,
        "null": #""null""#,
        "ws": #"" "?"#,
    ]
    static let primitiveDependencies: [String: [String]] = [
        "value": ["object", "array", "string", "number", "boolean", "null"],
        "object": ["string", "value", "ws"],
        "array": ["value", "ws"],
        "string": ["char"],
        "number": ["integer"],
    ]
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

extension GBNF {
    /// Puts `root ::= body` first, where llama.cpp's reader of the text
    /// expects nothing in particular but people do.
    mutating func addRoot(_ body: String) {
        rules.insert(("root", body), at: 0)
    }
}
