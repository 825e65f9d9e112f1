import KaiJSON

/// JSON-RPC 2.0 as MCP uses it: one message per line (stdio) or per HTTP
/// body, no batches (removed in 2025-06-18). Messages are built and read
/// with KaiJSON, not Codable: a round trip costs a few microseconds.
enum JSONRPC {
    /// The error codes MCP uses.
    enum Code: Int64 {
        case parseError = -32700
        case invalidRequest = -32600
        case methodNotFound = -32601
        case invalidParams = -32602
        case internalError = -32603
        /// Server-defined: the server is shutting down and takes no new calls.
        case shuttingDown = -32000
    }

    /// One message from the client, as far as routing needs it.
    enum Incoming {
        /// A request: it gets exactly one response (unless cancelled).
        case request(id: JSONValue, method: String, params: JSONValue?)
        case notification(method: String, params: JSONValue?)
        /// A response to a request of ours (we send none): ignored.
        case response
        /// Not JSON, or not a JSON-RPC message: answered with this error.
        case invalid(id: JSONValue, Code, String)
    }

    static func decode(_ bytes: [UInt8]) -> Incoming {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            return .invalid(id: .null, .parseError, "Parse error: \(error.description)")
        }
        guard case .object(let object) = value else {
            let what = value.arrayValue != nil ? "a batch (JSON-RPC batches are not part of MCP since 2025-06-18)" : "a JSON \(value.typeName)"
            return .invalid(id: .null, .invalidRequest, "Invalid Request: expected one JSON-RPC message object, got \(what)")
        }
        let id = object["id"]
        if let id, !Self.isValidID(id) {
            return .invalid(id: .null, .invalidRequest, "Invalid Request: \"id\" must be a string or an integer")
        }
        guard object["jsonrpc"] == "2.0" else {
            return .invalid(id: id ?? .null, .invalidRequest, "Invalid Request: \"jsonrpc\" must be \"2.0\"")
        }
        guard let methodValue = object["method"] else {
            if id != nil, object["result"] != nil || object["error"] != nil { return .response }
            return .invalid(id: id ?? .null, .invalidRequest, "Invalid Request: no \"method\"")
        }
        guard let method = methodValue.stringValue else {
            return .invalid(id: id ?? .null, .invalidRequest, "Invalid Request: \"method\" must be a string")
        }
        let params = object["params"]
        if let params, params.objectValue == nil {
            return id.map { .invalid(id: $0, .invalidParams, "Invalid params: \"params\" must be an object") } ?? .notification(method: method, params: nil)
        }
        if let id { return .request(id: id, method: method, params: params) }
        return .notification(method: method, params: params)
    }

    private static func isValidID(_ id: JSONValue) -> Bool {
        switch id {
        case .string, .integer: true
        default: false
        }
    }

    static func result(id: JSONValue, _ result: JSONValue) -> [UInt8] {
        JSONValue.object(["jsonrpc": "2.0", "id": id, "result": result]).serializedBytes()
    }

    static func error(id: JSONValue, _ code: Code, _ message: String) -> [UInt8] {
        let error: JSONValue = .object(["code": .integer(code.rawValue), "message": .string(message)])
        return JSONValue.object(["jsonrpc": "2.0", "id": id, "error": error]).serializedBytes()
    }

    static func notification(_ method: String, _ params: JSONValue) -> [UInt8] {
        JSONValue.object(["jsonrpc": "2.0", "method": .string(method), "params": params]).serializedBytes()
    }
}
