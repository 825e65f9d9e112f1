/// A parsed JSONPath (a subset of RFC 9535).
///
///     $                 the root
///     .name  ['name']   an object member ("name" or 'name'; \ escapes quotes)
///     [3]  [-1]         an array element, negative counts from the end
///     [*]  .*           every member value or element
///     [start:end]       an array slice, either bound optional, negatives allowed
///     ..name  ..*  ..[…]  the same selector applied at every depth
///
/// Errors name the 0-based character position so the caller can fix the path.
struct JSONPath {
    enum Selector: Equatable {
        case member(String)
        case index(Int)
        case wildcard
        case slice(start: Int?, end: Int?)
    }

    struct Segment: Equatable {
        let selector: Selector
        let recursive: Bool
    }

    let segments: [Segment]

    /// A singular path selects at most one node, so its result is that node
    /// rather than an array of matches.
    var isSingular: Bool {
        segments.allSatisfy { segment in
            guard !segment.recursive else { return false }
            switch segment.selector {
            case .member, .index: return true
            case .wildcard, .slice: return false
            }
        }
    }

    init(parsing text: String) throws(ToolError) {
        var parser = JSONPathParser(text)
        segments = try parser.parse()
    }
}

/// The scanner behind `JSONPath(parsing:)`.
struct JSONPathParser {
    private let scalars: [Unicode.Scalar]
    private var index = 0

    init(_ text: String) { scalars = Array(text.unicodeScalars) }

    mutating func parse() throws(ToolError) -> [JSONPath.Segment] {
        guard peek == "$" else {
            throw error("a path must start with '$' (e.g. $.items[0].name)", at: 0)
        }
        index += 1
        var segments: [JSONPath.Segment] = []
        while index < scalars.count {
            segments.append(try segment())
        }
        return segments
    }

    private mutating func segment() throws(ToolError) -> JSONPath.Segment {
        switch peek {
        case "[":
            return JSONPath.Segment(selector: try bracket(), recursive: false)
        case ".":
            index += 1
            let recursive = peek == "."
            if recursive { index += 1 }
            if recursive, peek == "[" { return JSONPath.Segment(selector: try bracket(), recursive: true) }
            if peek == "*" {
                index += 1
                return JSONPath.Segment(selector: .wildcard, recursive: recursive)
            }
            return JSONPath.Segment(selector: .member(try shorthandName()), recursive: recursive)
        default:
            throw error("unexpected character '\(scalars[index])'; expected '.' or '['", at: index)
        }
    }

    private mutating func shorthandName() throws(ToolError) -> String {
        let start = index
        while let scalar = peek, isNameCharacter(scalar) { index += 1 }
        guard index > start else {
            let found = peek.map { "'\($0)'" } ?? "end of path"
            throw error("expected a member name after '.', found \(found); use ['...'] for other names", at: index)
        }
        return String(String.UnicodeScalarView(scalars[start..<index]))
    }

    /// Parses `[...]` starting at the '['.
    private mutating func bracket() throws(ToolError) -> JSONPath.Selector {
        let open = index
        index += 1
        skipSpaces()
        let selector: JSONPath.Selector
        switch peek {
        case "'", "\"": selector = .member(try quoted())
        case "*":
            index += 1
            selector = .wildcard
        default: selector = try indexOrSlice()
        }
        skipSpaces()
        guard peek == "]" else {
            let found = peek.map { "'\($0)'" } ?? "end of path"
            throw .invalidInput("invalid path: expected ']' at position \(index) to close the '[' at position \(open), found \(found)", field: "path", position: index)
        }
        index += 1
        return selector
    }

    private mutating func quoted() throws(ToolError) -> String {
        let quote = scalars[index]
        let start = index
        index += 1
        var name = String.UnicodeScalarView()
        while let scalar = peek {
            index += 1
            if scalar == quote { return String(name) }
            if scalar == "\\" {
                guard let escaped = peek else { break }
                index += 1
                name.append(escaped)
            } else {
                name.append(scalar)
            }
        }
        throw .invalidInput("invalid path: the string starting at position \(start) is not closed", field: "path", position: start)
    }

    private mutating func indexOrSlice() throws(ToolError) -> JSONPath.Selector {
        let start = try integer()
        skipSpaces()
        guard peek == ":" else {
            guard let start else {
                let found = peek.map { "'\($0)'" } ?? "end of path"
                throw error("expected an index, slice, '*' or quoted name inside [], found \(found)", at: index)
            }
            return .index(start)
        }
        index += 1
        skipSpaces()
        let end = try integer()
        return .slice(start: start, end: end)
    }

    /// An optional signed integer; nil when no digits are present.
    private mutating func integer() throws(ToolError) -> Int? {
        let start = index
        if peek == "-" { index += 1 }
        let digitsStart = index
        while let scalar = peek, ("0"..."9").contains(scalar) { index += 1 }
        guard index > digitsStart else {
            if index > start { throw error("expected digits after '-'", at: index) }
            return nil
        }
        let text = String(String.UnicodeScalarView(scalars[start..<index]))
        guard let value = Int(text) else { throw error("index \(text) is out of range", at: start) }
        return value
    }

    private var peek: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }

    private mutating func skipSpaces() {
        while peek == " " { index += 1 }
    }

    private func isNameCharacter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
            || scalar == "_" || scalar == "-" || scalar.value > 0x7F
    }

    private func error(_ message: String, at position: Int) -> ToolError {
        .invalidInput("invalid path: \(message) (at position \(position))", field: "path", position: position)
    }
}
