import Foundation

/// The constants and functions `Calculator` knows, with their arity rules.
enum CalculatorFunctions {
    static let constants: [String: Double] = ["pi": .pi, "e": M_E, "tau": 2 * .pi]

    private enum Arity {
        case exactly(Int)
        case atLeast(Int)

        func accepts(_ count: Int) -> Bool {
            switch self {
            case .exactly(let n): count == n
            case .atLeast(let n): count >= n
            }
        }

        var text: String {
            switch self {
            case .exactly(1): "1 argument"
            case .exactly(let n): "\(n) arguments"
            case .atLeast(let n): "at least \(n) argument\(n == 1 ? "" : "s")"
            }
        }
    }

    private struct Function {
        let arity: Arity
        let apply: @Sendable ([Double]) -> Double
    }

    private static func unary(_ f: @escaping @Sendable (Double) -> Double) -> Function {
        Function(arity: .exactly(1)) { f($0[0]) }
    }

    private static let functions: [String: Function] = [
        "sqrt": unary(sqrt), "abs": unary(Swift.abs),
        "sin": unary(sin), "cos": unary(cos), "tan": unary(tan),
        "asin": unary(asin), "acos": unary(acos), "atan": unary(atan),
        "ln": unary(log), "log10": unary(log10), "log2": unary(log2), "exp": unary(exp),
        "floor": unary(floor), "ceil": unary(ceil),
        // Half away from zero (round(2.5) = 3, round(-2.5) = -3), as people expect.
        "round": unary { $0.rounded(.toNearestOrAwayFromZero) },
        "min": Function(arity: .atLeast(1)) { $0.min()! },
        "max": Function(arity: .atLeast(1)) { $0.max()! },
        "hypot": Function(arity: .exactly(2)) { hypot($0[0], $0[1]) },
    ]

    static var names: [String] { Array(functions.keys) }

    static func isFunction(_ name: String) -> Bool { functions[name] != nil }

    /// Applies a function; `position` is where its name starts in the expression.
    static func call(_ name: String, _ arguments: [Double], at position: Int) throws(ToolError) -> Double {
        guard let function = functions[name] else {
            throw Calculator.error(
                "unknown function '\(name)'" + NameSuggestion.hint(for: name, among: names), at: position)
        }
        guard function.arity.accepts(arguments.count) else {
            throw Calculator.error(
                "'\(name)' takes \(function.arity.text), got \(arguments.count)", at: position)
        }
        let value = function.apply(arguments)
        // A non-finite result from finite arguments is a domain error
        // (sqrt(-1), ln(0), acos(2)): say which call, not just "not finite".
        if !value.isFinite, arguments.allSatisfy(\.isFinite) {
            let shown = arguments.map(format).joined(separator: ", ")
            throw Calculator.error("\(name)(\(shown)) is outside the function's domain", at: position)
        }
        return value
    }

    private static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
