/// The type words of one declaration (`const unsigned long`, `uint8_t`,
/// `struct point`) and its pointer stars, as parsed; `scalar` maps them to
/// what libffi passes, or says why not.
struct CTypeSpec: Equatable {
    var words: [String] = []
    var stars = 0
    var isConst = false
    /// `struct`, `union` or `enum` with its tag.
    var tagged: String?
    /// A name that is not a C keyword (a typedef: `uLong`, `size_t`).
    var typedefName: String?

    static let keywords: Set = ["signed", "unsigned", "short", "long", "int", "char", "float", "double", "void", "bool", "_Bool"]
    static let qualifiers: Set = ["const", "volatile", "restrict"]
    static let stdint: [String: NativeScalar] = [
        "int8_t": .int8, "int16_t": .int16, "int32_t": .int32, "int64_t": .int64,
        "uint8_t": .uint8, "uint16_t": .uint16, "uint32_t": .uint32, "uint64_t": .uint64,
        "size_t": .uint64, "ssize_t": .int64, "intptr_t": .int64, "uintptr_t": .uint64, "ptrdiff_t": .int64,
        "intmax_t": .int64, "uintmax_t": .uint64,
    ]

    /// The type as the operator would write it: `const unsigned char *`.
    var text: String {
        let base = (isConst ? ["const"] : []) + (tagged.map { [$0] } ?? []) + (typedefName.map { [$0] } ?? []) + words
        return base.joined(separator: " ") + (stars > 0 ? " " + String(repeating: "*", count: stars) : "")
    }

    var isVoid: Bool { words == ["void"] && stars == 0 }
    var isPlainChar: Bool { words == ["char"] }
    var isByte: Bool { words == ["unsigned", "char"] || words == ["char"] || words == ["signed", "char"] || typedefName == "uint8_t" || typedefName == "int8_t" }

    /// The number type the words name (ignoring stars), or why it is none.
    /// `where_` names the parameter or return, for the message.
    func scalar(_ where_: String) -> Result<NativeScalar, NativeSignatureError> {
        if let tagged {
            return .failure(NativeSignatureError("\(where_) has type \(text): a \(tagged.split(separator: " ")[0]) passed by value "
                + "is not supported (its layout cannot be known from the signature); pass numbers and text instead."))
        }
        if let typedefName {
            guard let scalar = Self.stdint[typedefName] else { return .failure(.unknownType(where_, typedefName)) }
            return .success(scalar)
        }
        var rest = words
        let unsigned = rest.contains("unsigned")
        rest.removeAll { $0 == "unsigned" || $0 == "signed" }
        let longs = rest.filter { $0 == "long" }.count
        rest.removeAll { $0 == "long" }
        switch (rest, longs) {
        case (["char"], 0) where words.contains("signed") || unsigned: return .success(unsigned ? .uint8 : .int8)
        case (["char"], 0):
            return .failure(NativeSignatureError("\(where_) has type char: plain char is signed on some machines and unsigned "
                + "on others; write signed char or unsigned char (or int8_t, uint8_t)."))
        case (["short"], 0), (["short", "int"], 0), (["int", "short"], 0): return .success(unsigned ? .uint16 : .int16)
        case (["int"], 0), ([], 0) where !words.isEmpty: return .success(unsigned ? .uint32 : .int32)
        case (["int"], 1...2), ([], 1...2): return .success(unsigned ? .uint64 : .int64)
        case (["float"], 0) where words.count == 1: return .success(.float)
        case (["double"], 0) where words.count == 1: return .success(.double)
        case (["double"], 1) where words.count == 2:
            return .failure(NativeSignatureError("\(where_) has type long double, which JSON numbers cannot carry exactly "
                + "and libffi passes differently per machine; it is not supported."))
        case (["bool"], 0) where words.count == 1, (["_Bool"], 0) where words.count == 1: return .success(.bool)
        case (["void"], 0) where words.count == 1:
            return .failure(NativeSignatureError("\(where_) has type void, which only a return type can have."))
        default:
            return .failure(NativeSignatureError("\(where_) has type \(text), which is not a C type kai knows."))
        }
    }
}
