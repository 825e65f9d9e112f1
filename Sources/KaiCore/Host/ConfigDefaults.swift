import KaiJSON

/// Fills in `default` values from a config schema, so a plugin reads every
/// key it declared a default for (kai_host.config promises this).
enum ConfigDefaults {
    static func apply(schema: JSONValue?, to config: JSONValue) -> JSONValue {
        guard case .object(let properties)? = schema?["properties"] else { return config }
        guard case .object(var object) = config else { return config }
        for (key, propertySchema) in properties {
            if let existing = object[key] {
                object[key] = apply(schema: propertySchema, to: existing)
            } else if let value = propertySchema["default"] {
                object[key] = value
            } else if propertySchema["properties"] != nil, propertySchema["type"]?.stringValue == "object" {
                let nested = apply(schema: propertySchema, to: .object([:]))
                if nested != .object([:]) { object[key] = nested }
            }
        }
        return .object(object)
    }
}
