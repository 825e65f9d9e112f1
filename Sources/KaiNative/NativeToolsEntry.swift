import KaiCore
import KaiJSON

/// One operator `native_tools` entry: a library and the functions of it
/// offered as tools, listed under the plugin id `id` (`native.libm` offers
/// `native.libm.cbrt`).
public struct NativeToolsEntry: Sendable, Equatable {
    public enum Isolation: String, Sendable, CaseIterable {
        /// A supervised worker process, like a plugin's `isolation: process`:
        /// a crash fails the call, the next call gets a fresh worker.
        case process
        /// In kai's own process: fastest, but a crash ends kai. Only when the
        /// operator says so.
        case inprocess
    }

    public var id: String
    /// A path (with a "/") or a soname that dlopen finds (`libm.so.6`).
    public var library: String
    public var isolation: Isolation
    public var functions: [NativeFunction]
    /// Where the entry starts in the config, for messages.
    public var line: Int

    public init(id: String, library: String, isolation: Isolation = .process, functions: [NativeFunction], line: Int = 0) {
        self.id = id
        self.library = library
        self.isolation = isolation
        self.functions = functions
        self.line = line
    }
}

/// One function of a `native_tools` entry.
public struct NativeFunction: Sendable, Equatable {
    public var signature: NativeSignature
    /// The signature as the operator wrote it (shown in the tool description).
    public var text: String
    public var description: String
    /// Per-argument notes: a description and a narrower range.
    public var parameters: [String: ParameterNote]
    /// MCP tool annotations (readOnlyHint, ...); nil: none, so calls by agents
    /// need approval like any unannotated tool.
    public var annotations: JSONValue?

    public struct ParameterNote: Sendable, Equatable {
        public var description: String?
        public var minimum: Double?
        public var maximum: Double?

        public init(description: String? = nil, minimum: Double? = nil, maximum: Double? = nil) {
            self.description = description
            self.minimum = minimum
            self.maximum = maximum
        }
    }

    public init(signature: NativeSignature, text: String, description: String,
                parameters: [String: ParameterNote] = [:], annotations: JSONValue? = nil) {
        self.signature = signature
        self.text = text
        self.description = description
        self.parameters = parameters
        self.annotations = annotations
    }
}
