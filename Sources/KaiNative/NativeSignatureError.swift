/// Why a C signature cannot be called as a tool: the type and the reason,
/// in words the operator can act on. The config decoder puts the file,
/// line and entry in front.
public struct NativeSignatureError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }

    static func unsizedPointer(_ where_: String, _ ctype: String) -> Self {
        Self("\(where_) has type \(ctype): kai cannot size the memory it points to. Pass numbers in as \"const double xs[n]\" "
            + "or bytes as \"const unsigned char buf[len]\" (n, len: another parameter, which kai fills in), text in as "
            + "\"const char *s\", text out as \"char out[256]\".")
    }

    static func unknownType(_ where_: String, _ name: String) -> Self {
        Self("\(where_) has unknown type \(name): kai knows the base C types and <stdint.h> types only, not typedefs; "
            + "write the type it stands for (e.g. unsigned long for zlib's uLong).")
    }
}
