import KaiJSON

/// The JSON Schemas of a native function's tool: every argument typed, each
/// integer bounded by its C type's range (or the operator's narrower one),
/// and the result object.
enum NativeToolSchema {
    static func input(_ function: NativeFunction) -> JSONValue {
        var properties = JSONObject()
        for parameter in function.signature.arguments {
            properties[parameter.name] = .object(property(parameter, note: function.parameters[parameter.name],
                                                          in: function.signature))
        }
        return [
            "type": "object", "properties": .object(properties),
            "required": .array(function.signature.arguments.map { .string($0.name) }),
            "additionalProperties": false,
        ]
    }

    static func output(_ signature: NativeSignature) -> JSONValue {
        var properties: JSONObject = ["result": result(signature.returns)]
        for parameter in signature.outputs { properties[parameter.name] = ["type": "string"] }
        return [
            "type": "object", "properties": .object(properties),
            "required": .array(["result"] + signature.outputs.map { .string($0.name) }),
            "additionalProperties": false,
        ]
    }

    private static func result(_ returns: NativeReturn) -> JSONValue {
        switch returns {
        case .void: ["type": "null"]
        case .string: ["type": ["string", "null"]]
        case .scalar(let scalar, _) where scalar.isInteger: ["type": "integer"]
        case .scalar(.bool, _): ["type": "boolean"]
        case .scalar: ["type": "number"]
        }
    }

    private static func property(_ parameter: NativeParameter, note: NativeFunction.ParameterNote?,
                                 in signature: NativeSignature) -> JSONObject {
        var schema: JSONObject
        var detail = parameter.ctype
        switch parameter.shape {
        case .scalar(.bool):
            schema = ["type": "boolean"]
        case .scalar(let scalar):
            schema = ["type": scalar.isInteger ? "integer" : "number"]
            if let bounds = scalar.bounds {
                schema["minimum"] = bounds.minimum
                schema["maximum"] = bounds.maximum
            }
            if let range = scalar.rangeText { detail += ", \(range)" }
            if let minimum = note?.minimum { schema["minimum"] = number(minimum) }
            if let maximum = note?.maximum { schema["maximum"] = number(maximum) }
        case .string:
            schema = ["type": "string"]
            detail += ", UTF-8 text without NUL"
        case .bytes(let length):
            schema = ["type": "string"]
            detail += "; its UTF-8 bytes are passed, and their count as \(length)"
        case .doubles(let count):
            schema = ["type": "array", "items": ["type": "number"]]
            detail += "; the numbers are passed, and their count as \(count)"
        case .output:
            schema = ["type": "string"]
        }
        schema["description"] = .string(note?.description.map { "\($0) [\(detail)]" } ?? detail)
        return schema
    }

    /// Whole numbers stay integers in the schema (exact comparison).
    static func number(_ value: Double) -> JSONValue {
        if let exact = Int64(exactly: value) { return .integer(exact) }
        return .number(value)
    }
}
