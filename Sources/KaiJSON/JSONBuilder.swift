/// What `JSONGrammar` produces as it recognises a document.
///
/// One grammar serves both `JSONParser` (builds `JSONValue`s) and `JSONSyntax`
/// (builds nothing), so the two can never disagree about what is valid JSON.
/// Requirements are static because neither builder needs state beyond the
/// container accumulators, which the grammar threads through explicitly.
protocol JSONBuilder {
    associatedtype Value
    associatedtype ArrayState
    associatedtype ObjectState

    static func makeNull() -> Value
    static func makeBool(_ value: Bool) -> Value
    static func makeInteger(_ value: Int64) -> Value
    static func makeNumber(_ value: Double) -> Value
    /// `utf8` is validated UTF-8, valid only for the duration of the call.
    static func makeString(_ utf8: UnsafeRawBufferPointer) -> Value

    static func beginArray() -> ArrayState
    static func append(_ element: Value, to array: inout ArrayState)
    static func endArray(_ array: ArrayState) -> Value

    static func beginObject() -> ObjectState
    /// Records the next member's key; returns `false` if the key is already
    /// present, which the grammar reports as a duplicate-key error.
    static func addKey(_ utf8: UnsafeRawBufferPointer, to object: inout ObjectState) -> Bool
    /// Records the value for the key passed to the preceding `addKey`.
    static func addValue(_ value: Value, to object: inout ObjectState)
    static func endObject(_ object: ObjectState) -> Value
}

/// Builds `JSONValue` trees for `JSONParser`.
enum JSONValueBuilder: JSONBuilder {
    struct ObjectState {
        var object = JSONObject()
        var pendingKey = ""
    }

    static func makeNull() -> JSONValue { .null }
    static func makeBool(_ value: Bool) -> JSONValue { .bool(value) }
    static func makeInteger(_ value: Int64) -> JSONValue { .integer(value) }
    static func makeNumber(_ value: Double) -> JSONValue { .number(value) }
    static func makeString(_ utf8: UnsafeRawBufferPointer) -> JSONValue {
        .string(String(decoding: utf8, as: UTF8.self))
    }

    static func beginArray() -> [JSONValue] { [] }
    static func append(_ element: JSONValue, to array: inout [JSONValue]) { array.append(element) }
    static func endArray(_ array: [JSONValue]) -> JSONValue { .array(array) }

    static func beginObject() -> ObjectState { ObjectState() }

    static func addKey(_ utf8: UnsafeRawBufferPointer, to state: inout ObjectState) -> Bool {
        let key = String(decoding: utf8, as: UTF8.self)
        guard state.object.position(of: key) == nil else { return false }
        state.pendingKey = key
        return true
    }

    static func addValue(_ value: JSONValue, to state: inout ObjectState) {
        state.object.appendNew(key: state.pendingKey, value: value)
    }

    static func endObject(_ state: ObjectState) -> JSONValue { .object(state.object) }
}

/// Builds nothing, so `JSONSyntax.check` allocates only for escaped strings.
/// It accepts duplicate keys: detecting them would mean keeping every key.
enum SyntaxOnlyBuilder: JSONBuilder {
    static func makeNull() {}
    static func makeBool(_ value: Bool) {}
    static func makeInteger(_ value: Int64) {}
    static func makeNumber(_ value: Double) {}
    static func makeString(_ utf8: UnsafeRawBufferPointer) {}
    static func beginArray() {}
    static func append(_ element: Void, to array: inout Void) {}
    static func endArray(_ array: Void) {}
    static func beginObject() {}
    static func addKey(_ utf8: UnsafeRawBufferPointer, to object: inout Void) -> Bool { true }
    static func addValue(_ value: Void, to object: inout Void) {}
    static func endObject(_ object: Void) {}
}
