import Foundation

/// The `json_query` tool: {json, path, parse?} -> {found, result}.
///
/// Matches are visited in document order for arrays and in sorted key order
/// for objects: Foundation's dictionaries do not keep the input's key order,
/// and a stable order beats an arbitrary one.
enum JSONQueryTool {
    static func run(_ arguments: ToolArguments) throws(ToolError) -> Any {
        guard var document = arguments.values["json"] else { throw arguments.missing("json") }
        if try arguments.bool("parse") == true {
            guard let text = document as? String else {
                throw .invalidInput("'parse' is true, so 'json' must be a string holding JSON, got \(JSONText.typeName(document))", field: "json")
            }
            document = try JSONText.decode(text)
        }
        let path = try JSONPath(parsing: try arguments.requiredString("path"))
        let matches = select(path.segments, from: document)
        if path.isSingular {
            return ["found": !matches.isEmpty, "result": matches.first ?? NSNull()]
        }
        return ["found": !matches.isEmpty, "result": matches]
    }

    static func select(_ segments: [JSONPath.Segment], from root: Any) -> [Any] {
        var nodes: [Any] = [root]
        for segment in segments {
            var next: [Any] = []
            for node in nodes {
                if segment.recursive {
                    for descendant in selfAndDescendants(node) { apply(segment.selector, to: descendant, into: &next) }
                } else {
                    apply(segment.selector, to: node, into: &next)
                }
            }
            nodes = next
        }
        return nodes
    }

    private static func apply(_ selector: JSONPath.Selector, to node: Any, into result: inout [Any]) {
        switch selector {
        case .member(let name):
            if let object = node as? [String: Any], let value = object[name] { result.append(value) }
        case .index(let position):
            guard let array = node as? [Any] else { return }
            let resolved = position < 0 ? array.count + position : position
            if array.indices.contains(resolved) { result.append(array[resolved]) }
        case .wildcard:
            result.append(contentsOf: children(of: node))
        case .slice(let start, let end):
            guard let array = node as? [Any] else { return }
            let lower = clamp(start ?? 0, count: array.count)
            let upper = clamp(end ?? array.count, count: array.count)
            if lower < upper { result.append(contentsOf: array[lower..<upper]) }
        }
    }

    /// Python-style bound: negative counts from the end, then clamped.
    private static func clamp(_ bound: Int, count: Int) -> Int {
        let resolved = bound < 0 ? count + max(bound, -count) : bound
        return min(max(resolved, 0), count)
    }

    private static func children(of node: Any) -> [Any] {
        if let array = node as? [Any] { return array }
        if let object = node as? [String: Any] { return object.keys.sorted().compactMap { object[$0] } }
        return []
    }

    /// Pre-order walk, iterative so deep documents cannot overflow the stack.
    private static func selfAndDescendants(_ node: Any) -> [Any] {
        var visited: [Any] = []
        var stack: [Any] = [node]
        while let current = stack.popLast() {
            visited.append(current)
            stack.append(contentsOf: children(of: current).reversed())
        }
        return visited
    }
}
