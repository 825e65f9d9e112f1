extension JSONValue {
    /// Encodes the value as JSON text.
    ///
    /// Compact by default; `pretty` indents by two spaces and writes
    /// `"key": value`. Object members keep insertion order unless `sortedKeys`.
    /// Non-finite doubles cannot come from the parser and have no JSON form,
    /// so they are written as `null`.
    public func serialized(pretty: Bool = false, sortedKeys: Bool = false) -> String {
        String(decoding: serializedBytes(pretty: pretty, sortedKeys: sortedKeys), as: UTF8.self)
    }

    /// `serialized(pretty:sortedKeys:)` as UTF-8 bytes.
    public func serializedBytes(pretty: Bool = false, sortedKeys: Bool = false) -> [UInt8] {
        var writer = JSONWriter(pretty: pretty, sortedKeys: sortedKeys)
        // Most documents fit; a conversation grows from here in fewer steps.
        writer.output.reserveCapacity(512)
        writer.write(self, indent: 0)
        return writer.output
    }
}
