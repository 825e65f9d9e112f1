import Foundation

/// A recursive-descent evaluator for arithmetic expressions.
///
/// Grammar (lowest precedence first):
///
///     expression := term (("+" | "-") term)*
///     term       := unary (("*" | "/" | "%") unary)*
///     unary      := ("+" | "-") unary | power
///     power      := primary ("^" unary)?          -- right-associative
///     primary    := number | name | name "(" arguments ")" | "(" expression ")"
///
/// Unary minus binds looser than "^", so -2^2 is -4 as in mathematics, while
/// 2^-1 still works because the exponent is a `unary`. Positions in errors are
/// 0-based offsets in Unicode scalars, which is what a user counting
/// characters in the expression expects.
struct Calculator {
    /// Deep nesting would otherwise overflow the stack of the host's thread.
    static let maxDepth = 200

    private let scalars: [Unicode.Scalar]
    private let variables: [String: Double]
    private var index = 0
    private var depth = 0

    init(_ expression: String, variables: [String: Double]) {
        scalars = Array(expression.unicodeScalars)
        self.variables = variables
    }

    mutating func evaluate() throws(ToolError) -> Double {
        let value = try expression()
        skipSpaces()
        if index < scalars.count {
            let found = scalars[index]
            throw error(
                found == ")" ? "unmatched ')'" : "unexpected character '\(found)'; expected an operator",
                at: index)
        }
        // Operators and functions already report where inf/NaN arose; this
        // guard keeps the output valid JSON whatever path produced one.
        guard value.isFinite else { throw .invalidInput("result is not finite (\(value))") }
        return value
    }

    // MARK: Grammar

    private mutating func expression() throws(ToolError) -> Double {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else { throw error("expression nested too deeply", at: index) }
        var value = try term()
        while let op = peekOperator(in: "+-") {
            let opPosition = index
            index += 1
            let rhs = try term()
            value = try checked(op == "+" ? value + rhs : value - rhs, value, rhs, op, at: opPosition)
        }
        return value
    }

    private mutating func term() throws(ToolError) -> Double {
        var value = try unary()
        while let op = peekOperator(in: "*/%") {
            let opPosition = index
            index += 1
            let rhs = try unary()
            if op != "*", rhs == 0 {
                throw error(op == "/" ? "division by zero" : "modulo by zero", at: opPosition)
            }
            // fmod: the result has the sign of the dividend, as in C and JavaScript.
            let result = op == "*" ? value * rhs : op == "/" ? value / rhs : fmod(value, rhs)
            value = try checked(result, value, rhs, op, at: opPosition)
        }
        return value
    }

    private mutating func unary() throws(ToolError) -> Double {
        if let op = peekOperator(in: "+-") {
            index += 1
            depth += 1
            defer { depth -= 1 }
            guard depth <= Self.maxDepth else { throw error("expression nested too deeply", at: index) }
            let operand = try unary()
            return op == "-" ? -operand : operand
        }
        return try power()
    }

    private mutating func power() throws(ToolError) -> Double {
        let base = try primary()
        guard peekOperator(in: "^") != nil else { return base }
        let opPosition = index
        index += 1
        let exponent = try unary()
        return try checked(pow(base, exponent), base, exponent, "^", at: opPosition)
    }

    /// Names the operator that produced inf or NaN from finite operands
    /// (overflow, or a negative base to a fractional power) instead of
    /// failing at the end with a bare "not finite".
    private func checked(
        _ result: Double, _ lhs: Double, _ rhs: Double, _ op: Unicode.Scalar, at position: Int
    ) throws(ToolError) -> Double {
        guard !result.isFinite, lhs.isFinite, rhs.isFinite else { return result }
        let problem = result.isNaN ? "is not a real number" : "overflows a double"
        throw error("\(lhs) \(op) \(rhs) \(problem)", at: position)
    }

    private mutating func primary() throws(ToolError) -> Double {
        skipSpaces()
        guard index < scalars.count else { throw error("unexpected end of expression; expected a value", at: index) }
        let scalar = scalars[index]
        if scalar == "(" {
            let open = index
            index += 1
            let value = try expression()
            skipSpaces()
            guard index < scalars.count, scalars[index] == ")" else {
                throw .invalidInput("missing ')' at position \(index) to close the '(' at position \(open)", position: index)
            }
            index += 1
            return value
        }
        if isDigit(scalar) || scalar == "." { return try number() }
        if isNameStart(scalar) { return try nameOrCall() }
        throw error("unexpected character '\(scalar)'; expected a number, name or '('", at: index)
    }

    private mutating func number() throws(ToolError) -> Double {
        let start = index
        while index < scalars.count, isDigit(scalars[index]) || scalars[index] == "." { index += 1 }
        // An exponent only if digits follow, so "2e" stays an error rather
        // than silently reading the constant e.
        if index < scalars.count, scalars[index] == "e" || scalars[index] == "E" {
            var probe = index + 1
            if probe < scalars.count, scalars[probe] == "+" || scalars[probe] == "-" { probe += 1 }
            if probe < scalars.count, isDigit(scalars[probe]) {
                index = probe
                while index < scalars.count, isDigit(scalars[index]) { index += 1 }
            }
        }
        let text = String(String.UnicodeScalarView(scalars[start..<index]))
        guard let value = Double(text) else { throw error("malformed number '\(text)'", at: start) }
        return value
    }

    private mutating func nameOrCall() throws(ToolError) -> Double {
        let start = index
        while index < scalars.count, isNameStart(scalars[index]) || isDigit(scalars[index]) { index += 1 }
        let name = String(String.UnicodeScalarView(scalars[start..<index]))
        skipSpaces()
        if index < scalars.count, scalars[index] == "(" {
            index += 1
            let arguments = try callArguments(of: name, at: start)
            return try CalculatorFunctions.call(name, arguments, at: start)
        }
        if let value = variables[name] ?? CalculatorFunctions.constants[name] { return value }
        if CalculatorFunctions.isFunction(name) {
            throw error("'\(name)' is a function; call it as \(name)(...)", at: start)
        }
        let known = Array(variables.keys) + Array(CalculatorFunctions.constants.keys)
        throw error("unknown variable '\(name)'" + NameSuggestion.hint(for: name, among: known), at: start)
    }

    /// Parses `a, b, c)` after the opening parenthesis.
    private mutating func callArguments(of name: String, at start: Int) throws(ToolError) -> [Double] {
        var arguments: [Double] = []
        skipSpaces()
        if index < scalars.count, scalars[index] == ")" {
            index += 1
            return arguments
        }
        while true {
            arguments.append(try expression())
            skipSpaces()
            guard index < scalars.count else {
                throw .invalidInput("missing ')' at position \(index) to close the call to '\(name)' at position \(start)", position: index)
            }
            let scalar = scalars[index]
            index += 1
            if scalar == ")" { return arguments }
            guard scalar == "," else {
                throw error("unexpected character '\(scalar)' in the arguments of '\(name)'; expected ',' or ')'", at: index - 1)
            }
        }
    }

    // MARK: Scanning

    private mutating func skipSpaces() {
        while index < scalars.count, scalars[index].properties.isWhitespace { index += 1 }
    }

    /// The operator at the next non-space position if it is one of `set`.
    private mutating func peekOperator(in set: String) -> Unicode.Scalar? {
        skipSpaces()
        guard index < scalars.count, set.unicodeScalars.contains(scalars[index]) else { return nil }
        return scalars[index]
    }

    private func isDigit(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) }

    private func isNameStart(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || scalar == "_"
    }

    private func error(_ message: String, at position: Int) -> ToolError {
        Self.error(message, at: position)
    }

    static func error(_ message: String, at position: Int) -> ToolError {
        .invalidInput("\(message) (at position \(position))", position: position)
    }
}
