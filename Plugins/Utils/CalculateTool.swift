/// The `calculate` tool: {expression, variables?} -> {result}.
enum CalculateTool {
    static func run(_ arguments: ToolArguments) throws(ToolError) -> Any {
        let expression = try arguments.requiredString("expression")
        let variables = try variableValues(arguments)
        var calculator = Calculator(expression, variables: variables)
        let result = try calculator.evaluate()
        // -0 prints as "-0"; nobody asking "1-1" wants that.
        return ["result": result == 0 ? 0.0 : result]
    }

    private static func variableValues(_ arguments: ToolArguments) throws(ToolError) -> [String: Double] {
        guard let raw = arguments.values["variables"] else { return [:] }
        guard let object = raw as? [String: Any] else {
            throw .invalidInput("'variables' must be an object of numbers, got \(JSONText.typeName(raw))", field: "variables")
        }
        var values: [String: Double] = [:]
        for (name, value) in object {
            guard isIdentifier(name) else {
                throw .invalidInput("variable name '\(name)' must match [A-Za-z_][A-Za-z0-9_]*", field: "variables")
            }
            guard !CalculatorFunctions.isFunction(name) else {
                throw .invalidInput("variable '\(name)' would hide the function of that name; rename it", field: "variables")
            }
            guard let number = JSONText.number(value), number.isFinite else {
                throw .invalidInput("variable '\(name)' must be a finite number, got \(JSONText.typeName(value))", field: "variables")
            }
            values[name] = number
        }
        return values
    }

    private static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_"
        }
    }
}
