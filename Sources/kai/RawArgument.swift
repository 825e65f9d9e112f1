import Glibc

/// An option's value as the bytes the process was given. Swift decodes
/// CommandLine.arguments lossily (invalid UTF-8 becomes U+FFFD), which
/// would let `--args` on the command line pass bytes a file of the same
/// bytes is rejected for; the raw argv keeps them, so both are checked alike.
enum RawArgument {
    /// The last `--name VALUE` or `--name=VALUE` before a `--` terminator,
    /// if its lossy decoding is `parsed` (i.e. it is the value the parser
    /// used); nil otherwise.
    static func bytes(ofOption name: String, parsed: String) -> [UInt8]? {
        let argv = (0..<Int(CommandLine.argc)).map { index -> [UInt8] in
            guard let pointer = CommandLine.unsafeArgv[index] else { return [] }
            return Array(UnsafeBufferPointer(start: pointer, count: strlen(pointer))).map { UInt8(bitPattern: $0) }
        }
        let option = Array(name.utf8), withEquals = option + [UInt8(ascii: "=")]
        var found: [UInt8]?
        var index = 1
        while index < argv.count {
            let argument = argv[index]
            if argument == Array("--".utf8) { break }
            if argument == option, index + 1 < argv.count {
                found = argv[index + 1]
                index += 2
                continue
            }
            if argument.starts(with: withEquals) { found = Array(argument.dropFirst(withEquals.count)) }
            index += 1
        }
        guard let found, String(decoding: found, as: UTF8.self) == parsed else { return nil }
        return found
    }
}
