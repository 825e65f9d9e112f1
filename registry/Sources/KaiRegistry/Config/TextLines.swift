/// A text file as lines of Unicode scalars, addressed by the 1-based line and
/// column that Yams reports, for edits that leave every other byte alone.
struct TextLines {
    private(set) var lines: [[Unicode.Scalar]]

    init(_ text: String) {
        lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0.unicodeScalars) }
    }

    var text: String {
        var result = String.UnicodeScalarView()
        for (index, line) in lines.enumerated() {
            if index > 0 { result.append("\n") }
            result.append(contentsOf: line)
        }
        return String(result)
    }

    func character(at position: SourcePosition) -> Unicode.Scalar? {
        guard lines.indices.contains(position.line - 1) else { return nil }
        let line = lines[position.line - 1]
        return line.indices.contains(position.column - 1) ? line[position.column - 1] : nil
    }

    /// Column range (0-based) of the scalar value written after `key:` on
    /// the key's own line, tag included; `nil` if the value is elsewhere.
    func valueRange(afterKey key: String, at position: SourcePosition) -> Range<Int>? {
        guard lines.indices.contains(position.line - 1) else { return nil }
        let line = lines[position.line - 1]
        var index = position.column - 1 + key.unicodeScalars.count
        func skipSpaces() { while index < line.count, line[index] == " " || line[index] == "\t" { index += 1 } }
        skipSpaces()
        guard index < line.count, line[index] == ":" else { return nil }
        index += 1
        skipSpaces()
        let start = index
        guard index < line.count else { return nil }
        if line[index] == "\"" || line[index] == "'" {
            let quote = line[index]
            index += 1
            while index < line.count, line[index] != quote { index += line[index] == "\\" && quote == "\"" ? 2 : 1 }
            guard index < line.count else { return nil }
            return start..<(index + 1)
        }
        let terminators: Set<Unicode.Scalar> = [" ", "\t", ",", "}", "]", "#"]
        while index < line.count, !terminators.contains(line[index]) { index += 1 }
        return start..<index
    }

    mutating func replace(_ range: Range<Int>, line: Int, with replacement: String) {
        lines[line - 1].replaceSubrange(range, with: replacement.unicodeScalars)
    }

    /// Inserts a new line after 1-based line `line`.
    mutating func insert(_ text: String, after line: Int) {
        lines.insert(Array(text.unicodeScalars), at: min(line, lines.count))
    }

    /// Removes whatever follows `key:` on its line (a null or `[]`), keeping a comment.
    mutating func truncateValue(afterKeyAt position: SourcePosition, key: String) {
        guard let range = valueRange(afterKey: key, at: position), !range.isEmpty else { return }
        let line = lines[position.line - 1]
        let comment = line[range.upperBound...].firstIndex(of: "#").map { Array(line[$0...]) } ?? []
        lines[position.line - 1] = Array(line[..<range.lowerBound]).trimmingTrailingSpaces
            + (comment.isEmpty ? [] : [" "] + comment)
    }

    /// Appends lines at the end of the file, after a final newline.
    mutating func appendAtEnd(_ newLines: [String]) {
        if lines.last?.isEmpty == true { lines.removeLast() }
        lines += newLines.map { Array($0.unicodeScalars) } + [[]]
    }

    /// The last line belonging to a block list whose `-` markers sit at
    /// `indent`: item lines and anything indented deeper (comments included).
    /// Blank lines and comments at the list's own indentation or less belong
    /// to whatever follows, so a new item goes before them.
    func lastLine(ofBlockStartingAt first: Int, indent: Int) -> Int {
        var last = first
        var index = first
        while index < lines.count {
            let line = lines[index]
            let leading = line.prefix { $0 == " " }.count
            index += 1
            guard leading < line.count else { continue }
            let isComment = line[leading] == "#"
            if leading > indent || (leading == indent && line[leading] == "-" && !isComment) {
                last = index
            } else if !isComment {
                break
            }
        }
        return last
    }
}

extension Array where Element == Unicode.Scalar {
    fileprivate var trimmingTrailingSpaces: [Unicode.Scalar] {
        var copy = self
        while copy.last == " " || copy.last == "\t" { copy.removeLast() }
        return copy
    }
}
