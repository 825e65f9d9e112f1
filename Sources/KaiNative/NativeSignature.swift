/// A C function signature Kai can call: parsed, checked and normalized.
public struct NativeSignature: Sendable, Equatable {
    public let symbol: String
    public let returns: NativeReturn
    public let parameters: [NativeParameter]

    /// The parameters the caller gives: not the lengths Kai fills in, not
    /// the output buffers.
    public var arguments: [NativeParameter] {
        parameters.filter { parameter in
            if case .output = parameter.shape { return false }
            return parameter.fills == nil
        }
    }

    /// The output buffers, returned by name beside the result.
    public var outputs: [NativeParameter] {
        parameters.filter { if case .output = $0.shape { true } else { false } }
    }
}

/// What a function returns.
public enum NativeReturn: Sendable, Equatable {
    case void
    case scalar(NativeScalar, ctype: String)
    /// `const char *`: copied, never freed (the library owns it); NULL is null.
    case string
}

/// One parameter and how Kai passes it.
public struct NativeParameter: Sendable, Equatable {
    public enum Shape: Sendable, Equatable {
        case scalar(NativeScalar)
        /// `const char *s`: a JSON string, NUL-terminated.
        case string
        /// `const unsigned char buf[len]`: a JSON string's UTF-8 bytes; Kai
        /// passes their count as the parameter `length`.
        case bytes(length: String)
        /// `char out[256]`: a zeroed buffer of `size` bytes, returned as text.
        case output(size: Int)
        /// `const double xs[n]`: a JSON array of numbers; Kai passes its
        /// count as the parameter `count`.
        case doubles(count: String)
    }

    public let name: String
    /// The type as written, for messages and descriptions.
    public let ctype: String
    public let shape: Shape
    /// For a length or count Kai fills in: the buffer it measures.
    public var fills: String?
}
