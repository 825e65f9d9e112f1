/// Rewrites JSON text arriving in pieces (a tool call's argument deltas, a
/// JSON answer) so that an escape standing for a printable ASCII character
/// (`\u0073`, `\/`) becomes that character, and anything else is left as
/// it was. The text stays the same JSON; what changes is that an API key
/// spelled with escapes (`\u0073k-ant-…`) is spelled plainly, where the
/// StreamRedactor after it can recognise it. Keys are printable ASCII
/// other than `"` and `\`, which stay escaped.
package struct JSONEscapeNormalizer {
    /// The start of an escape the last piece ended inside.
    private var pending: [Unicode.Scalar] = []

    package init() {}

    /// What of `piece` (after what was held) can be passed on now.
    package mutating func pass(_ piece: String) -> String {
        let scalars = pending + Array(piece.unicodeScalars)
        pending = []
        var out = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            guard scalar == "\\" else {
                out.append(scalar)
                index += 1
                continue
            }
            let rest = scalars.count - index
            guard rest >= 2 else { pending = Array(scalars[index...]); break }
            let kind = scalars[index + 1]
            if kind == "/" {
                out.append("/")
                index += 2
            } else if kind == "u" {
                guard rest >= 6 else { pending = Array(scalars[index...]); break }
                let digits = String(String.UnicodeScalarView(scalars[(index + 2)..<(index + 6)]))
                if let code = UInt32(digits, radix: 16), (0x20...0x7E).contains(code), code != 0x22, code != 0x5C,
                   let plain = Unicode.Scalar(code) {
                    out.append(plain)
                } else {
                    out.append(contentsOf: scalars[index..<(index + 6)])
                }
                index += 6
            } else {
                out.append(contentsOf: scalars[index..<(index + 2)])
                index += 2
            }
        }
        return String(out)
    }

    /// An escape the text ended inside, as it came.
    package mutating func finish() -> String {
        defer { pending = [] }
        return String(String.UnicodeScalarView(pending))
    }
}

/// A StreamRedactor for JSON text: escapes are normalised first, so a key
/// written with them is cut out too.
package struct JSONStreamRedactor {
    private var normalizer = JSONEscapeNormalizer()
    private var redactor: StreamRedactor

    package init(endpoint: any HTTPEndpoint) { redactor = StreamRedactor(endpoint: endpoint) }

    package mutating func pass(_ piece: String) -> String {
        redactor.pass(normalizer.pass(piece))
    }

    package mutating func finish() -> String {
        redactor.pass(normalizer.finish()) + redactor.finish()
    }
}
