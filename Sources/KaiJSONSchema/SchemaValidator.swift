import KaiJSON

/// Walks an instance against compiled nodes, collecting violations.
///
/// The current instance location is a stack of `PathComponent`s; strings for
/// paths and messages are built only when a violation is reported, and not
/// at all while probing (`anyOf`, `not`, `if`, `contains` only need a yes/no).
struct SchemaValidator {
    /// Bounds `$ref` chains (`{"$ref": "#"}` loops forever otherwise) and the
    /// stack depth of validating deeply nested instances with recursive schemas.
    static let maxReferenceDepth = 256

    let nodes: [SchemaNode]
    /// `false` while probing: stop at the first failure and report nothing.
    var collecting = true
    var path: [PathComponent] = []
    private var found: [(order: [Int], violation: SchemaViolation)] = []
    private var referenceDepth = 0

    init(nodes: [SchemaNode], collecting: Bool) {
        self.nodes = nodes
        self.collecting = collecting
        path.reserveCapacity(8)
    }

    /// Violations in instance document order (a parent before its children,
    /// siblings in the order they appear); ties keep keyword order.
    var violations: [SchemaViolation] {
        found.enumerated().sorted { left, right in
            if left.element.order.lexicographicallyPrecedes(right.element.order) { return true }
            if right.element.order.lexicographicallyPrecedes(left.element.order) { return false }
            return left.offset < right.offset
        }.map(\.element.violation)
    }

    mutating func check(_ node: Int, _ value: JSONValue) -> Bool {
        var valid = true
        for rule in nodes[node].rules where !apply(rule, to: value) {
            valid = false
            if !collecting { return false }
        }
        return valid
    }

    /// Validates a child value at `component` below the current location.
    mutating func check(_ node: Int, _ value: JSONValue, at component: PathComponent) -> Bool {
        path.append(component)
        defer { path.removeLast() }
        return check(node, value)
    }

    /// Whether `value` matches `node`, without reporting anything.
    mutating func probe(_ node: Int, _ value: JSONValue) -> Bool {
        let wasCollecting = collecting
        collecting = false
        defer { collecting = wasCollecting }
        return check(node, value)
    }

    /// Records a violation at the current location; always returns `false`
    /// so rules can write `return ok || report(...)`. `child` sorts a
    /// violation about one member ("property \"x\" is not allowed") with that
    /// member while still reporting it on the container.
    mutating func report(_ keyword: String, _ message: @autoclosure () -> String, sortedWithChild child: Int? = nil) -> Bool {
        if collecting {
            let violation = SchemaViolation(path: formatInstancePath(path), keyword: keyword, message: message())
            var order = path.map(\.ordinal)
            if let child { order.append(child) }
            found.append((order, violation))
        }
        return false
    }

    private mutating func apply(_ rule: SchemaRule, to value: JSONValue) -> Bool {
        switch rule {
        case .never: return report("false", "no value is allowed here")
        case .ref(let target): return followReference(target, value)
        case .type(let type):
            return type.accepts(value) || report("type", "expected \(alternatives(type.names)), got \(value.typeName)")
        case .enumeration(let allowed):
            return allowed.contains(value) || report("enum", "\(describeInstance(value)) is not one of \(describe(.array(allowed)))")
        case .constant(let expected):
            return value == expected || report("const", "\(describeInstance(value)) is not equal to the constant \(describe(expected))")
        case .bound(let bound): return checkBound(bound, value)
        case .multipleOf(let divisor): return checkMultiple(of: divisor, value)
        case .minLength(let minimum): return checkMinLength(minimum, value)
        case .maxLength(let maximum): return checkMaxLength(maximum, value)
        case .pattern(let pattern): return checkPattern(pattern, value)
        case .required(let names): return checkRequired(names, value)
        case .members(let rule): return checkMembers(rule, value)
        case .minProperties(let minimum): return checkMinProperties(minimum, value)
        case .maxProperties(let maximum): return checkMaxProperties(maximum, value)
        case .propertyNames(let node): return checkPropertyNames(node, value)
        case .dependentRequired(let pairs): return checkDependentRequired(pairs, value)
        case .items(let rule): return checkItems(rule, value)
        case .minItems(let minimum): return checkMinItems(minimum, value)
        case .maxItems(let maximum): return checkMaxItems(maximum, value)
        case .uniqueItems: return checkUniqueItems(value)
        case .contains(let rule): return checkContains(rule, value)
        case .allOf(let nodes): return checkAllOf(nodes, value)
        case .anyOf(let nodes):
            return nodes.contains { probe($0, value) }
                || report("anyOf", "value matches none of the \(nodes.count) alternatives")
        case .oneOf(let nodes): return checkOneOf(nodes, value)
        case .not(let node):
            return !probe(node, value) || report("not", "value must not match the schema")
        case .conditional(let condition, let then, let otherwise):
            guard let branch = probe(condition, value) ? then : otherwise else { return true }
            return check(branch, value)
        }
    }

    private mutating func followReference(_ target: Int, _ value: JSONValue) -> Bool {
        guard referenceDepth < Self.maxReferenceDepth else {
            return report("$ref", "schema references nested deeper than \(Self.maxReferenceDepth) levels")
        }
        referenceDepth += 1
        defer { referenceDepth -= 1 }
        return check(target, value)
    }

    private mutating func checkAllOf(_ nodes: [Int], _ value: JSONValue) -> Bool {
        var valid = true
        for node in nodes where !check(node, value) {
            valid = false
            if !collecting { return false }
        }
        return valid
    }

    private mutating func checkOneOf(_ nodes: [Int], _ value: JSONValue) -> Bool {
        var matches = 0
        for node in nodes where probe(node, value) {
            matches += 1
            if matches > 1 { break }
        }
        switch matches {
        case 1: return true
        case 0: return report("oneOf", "value matches none of the \(nodes.count) alternatives")
        default:
            guard collecting else { return false }
            let total = nodes.filter { probe($0, value) }.count
            return report("oneOf", "value matches \(total) of the alternatives, expected exactly one")
        }
    }
}

/// "string", "string or null", "string, integer or null".
func alternatives(_ names: [String]) -> String {
    guard names.count > 1 else { return names.first ?? "" }
    return names.dropLast().joined(separator: ", ") + " or " + names.last!
}
