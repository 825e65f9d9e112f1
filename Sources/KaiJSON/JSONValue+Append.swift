extension JSONValue {
    /// Appends the compact serialization (exactly `serializedBytes()`) to
    /// `output`: for a document written in parts — a conversation whose
    /// messages are written once each, the request around them every turn.
    public func appendSerialized(to output: inout [UInt8]) {
        var writer = JSONWriter(pretty: false, sortedKeys: false)
        swap(&writer.output, &output)
        writer.write(self, indent: 0)
        swap(&writer.output, &output)
    }

    /// Appends `text` as a JSON string (what `JSONValue.string(text)` serializes to).
    public static func appendString(_ text: String, to output: inout [UInt8]) {
        var writer = JSONWriter(pretty: false, sortedKeys: false)
        swap(&writer.output, &output)
        writer.writeString(text)
        swap(&writer.output, &output)
    }
}
