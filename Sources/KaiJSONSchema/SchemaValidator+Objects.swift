import KaiJSON

/// Object keywords. Each ignores non-objects.
extension SchemaValidator {
    mutating func checkRequired(_ names: [String], _ value: JSONValue) -> Bool {
        guard case .object(let object) = value else { return true }
        var valid = true
        for name in names where object[name] == nil {
            valid = report("required", "missing required property \(quoted(name))")
            if !collecting { return false }
        }
        return valid
    }

    /// Visits members in instance order so that violations come out in
    /// document order; each member is checked against its `properties`
    /// schema, every matching `patternProperties` schema, and otherwise
    /// `additionalProperties`.
    mutating func checkMembers(_ rule: MemberRule, _ value: JSONValue) -> Bool {
        guard case .object(let object) = value else { return true }
        var valid = true
        for (ordinal, member) in object.enumerated() {
            var matched = false
            let component = PathComponent.member(member.key, at: ordinal)
            if let node = rule.properties[member.key] {
                matched = true
                valid = check(node, member.value, at: component) && valid
            }
            for (pattern, node) in rule.patterns where pattern.matches(member.key) {
                matched = true
                valid = check(node, member.value, at: component) && valid
            }
            if !matched, let additional = rule.additional {
                if rule.additionalForbidden {
                    valid = report("additionalProperties", "property \(quoted(member.key)) is not allowed", sortedWithChild: ordinal)
                } else {
                    valid = check(additional, member.value, at: component) && valid
                }
            }
            if !valid && !collecting { return false }
        }
        return valid
    }

    mutating func checkMinProperties(_ minimum: Int, _ value: JSONValue) -> Bool {
        guard case .object(let object) = value else { return true }
        return object.count >= minimum
            || report("minProperties", "object has \(counted(object.count, "property", "properties")), fewer than the minimum of \(minimum)")
    }

    mutating func checkMaxProperties(_ maximum: Int, _ value: JSONValue) -> Bool {
        guard case .object(let object) = value else { return true }
        return object.count <= maximum
            || report("maxProperties", "object has \(counted(object.count, "property", "properties")), more than the maximum of \(maximum)")
    }

    mutating func checkPropertyNames(_ node: Int, _ value: JSONValue) -> Bool {
        guard case .object(let object) = value else { return true }
        var valid = true
        for (ordinal, key) in object.keys.enumerated() where !probe(node, .string(key)) {
            valid = report("propertyNames", "property name \(quoted(key)) does not match the propertyNames schema", sortedWithChild: ordinal)
            if !collecting { return false }
        }
        return valid
    }

    mutating func checkDependentRequired(_ pairs: [(property: String, requires: [String])], _ value: JSONValue) -> Bool {
        guard case .object(let object) = value else { return true }
        var valid = true
        for (property, requires) in pairs where object[property] != nil {
            for name in requires where object[name] == nil {
                valid = report("dependentRequired", "property \(quoted(name)) is required when \(quoted(property)) is present")
                if !collecting { return false }
            }
        }
        return valid
    }
}
