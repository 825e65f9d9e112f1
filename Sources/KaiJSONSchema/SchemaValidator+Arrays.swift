import KaiJSON

/// Array keywords. Each ignores non-arrays.
extension SchemaValidator {
    mutating func checkItems(_ rule: ItemRule, _ value: JSONValue) -> Bool {
        guard case .array(let elements) = value else { return true }
        var valid = true
        for (index, element) in elements.enumerated() {
            if index < rule.prefix.count {
                valid = check(rule.prefix[index], element, at: .element(index)) && valid
            } else if let rest = rule.rest {
                if rule.restForbidden {
                    valid = report(rule.restKeyword, "item at index \(index) is not allowed", sortedWithChild: index)
                } else {
                    valid = check(rest, element, at: .element(index)) && valid
                }
            } else {
                break
            }
            if !valid && !collecting { return false }
        }
        return valid
    }

    mutating func checkMinItems(_ minimum: Int, _ value: JSONValue) -> Bool {
        guard case .array(let elements) = value else { return true }
        return elements.count >= minimum
            || report("minItems", "array has \(counted(elements.count, "item", "items")), fewer than the minimum of \(minimum)")
    }

    mutating func checkMaxItems(_ maximum: Int, _ value: JSONValue) -> Bool {
        guard case .array(let elements) = value else { return true }
        return elements.count <= maximum
            || report("maxItems", "array has \(counted(elements.count, "item", "items")), more than the maximum of \(maximum)")
    }

    /// Uses JSON Schema equality (`1 == 1.0`, objects ignore key order).
    mutating func checkUniqueItems(_ value: JSONValue) -> Bool {
        guard case .array(let elements) = value, elements.count > 1 else { return true }
        var firstIndex: [JSONValue: Int] = [:]
        for (index, element) in elements.enumerated() {
            if let earlier = firstIndex[element] {
                return report("uniqueItems", "items at index \(earlier) and \(index) are equal")
            }
            firstIndex[element] = index
        }
        return true
    }

    mutating func checkContains(_ rule: ContainsRule, _ value: JSONValue) -> Bool {
        guard case .array(let elements) = value else { return true }
        var matches = 0
        for element in elements where probe(rule.node, element) {
            matches += 1
            if rule.maximum == nil && matches >= rule.minimum { return true }
        }
        if matches < rule.minimum {
            guard rule.hasExplicitMinimum else {
                return report("contains", "array contains no item matching the contains schema")
            }
            return report("minContains", "array contains \(counted(matches, "matching item", "matching items")), fewer than the minimum of \(rule.minimum)")
        }
        if let maximum = rule.maximum, matches > maximum {
            return report("maxContains", "array contains \(counted(matches, "matching item", "matching items")), more than the maximum of \(maximum)")
        }
        return true
    }
}
