/// One token of a C signature.
enum CToken: Equatable {
    case identifier(String)
    case number(Int)
    case punctuation(String)

    var text: String {
        switch self {
        case .identifier(let name): name
        case .number(let value): String(value)
        case .punctuation(let mark): mark
        }
    }
}

/// The tokens of a signature, read front to back.
struct CTokens {
    private var tokens: [CToken]
    private var index = 0

    init(_ text: String) throws(NativeSignatureError) {
        var tokens: [CToken] = []
        let scalars = Array(text.unicodeScalars)
        var i = 0
        func isStart(_ c: Unicode.Scalar) -> Bool { c == "_" || (c.isASCII && c.properties.isAlphabetic) }
        while i < scalars.count {
            let c = scalars[i]
            if c.properties.isWhitespace { i += 1; continue }
            if isStart(c) {
                var j = i
                while j < scalars.count, isStart(scalars[j]) || ("0"..."9").contains(scalars[j]) { j += 1 }
                tokens.append(.identifier(String(String.UnicodeScalarView(scalars[i..<j]))))
                i = j
            } else if ("0"..."9").contains(c) {
                var j = i
                while j < scalars.count, ("0"..."9").contains(scalars[j]) { j += 1 }
                let digits = String(String.UnicodeScalarView(scalars[i..<j]))
                guard let value = Int(digits) else { throw NativeSignatureError("the number \(digits) is too large.") }
                tokens.append(.number(value))
                i = j
            } else if c == ".", i + 2 < scalars.count, scalars[i + 1] == ".", scalars[i + 2] == "." {
                tokens.append(.punctuation("..."))
                i += 3
            } else if "*()[],".unicodeScalars.contains(c) {
                tokens.append(.punctuation(String(c)))
                i += 1
            } else {
                throw NativeSignatureError("unexpected character \"\(c)\"; a signature is C: type name(type name, ...).")
            }
        }
        self.tokens = tokens
    }

    var peek: CToken? { peek(0) }

    func peek(_ offset: Int) -> CToken? {
        index + offset < tokens.count ? tokens[index + offset] : nil
    }

    mutating func next() -> CToken? {
        defer { index += 1 }
        return peek
    }

    /// Consumes the next token if its text is `text`.
    mutating func take(_ text: String) -> Bool {
        guard peek?.text == text else { return false }
        index += 1
        return true
    }
}
