import KaiJSON
import Yams

/// Reads YAML with the YAML 1.2 core schema and converts it to `JSONValue`.
///
/// Yams' default resolver follows YAML 1.1, where `yes`, `on` and `off` are
/// booleans, `0755` is octal, `1:30` is sexagesimal and `2024-01-01` is a
/// timestamp. Kai's config is handed to plugins as JSON, so a value must mean
/// what a reader of the file sees: only `true`/`false` are booleans, only
/// `null`/`~`/empty are null, and everything else that is not a number is text.
enum YAMLCoreSchema {
    // Regexes from the YAML 1.2.2 spec, section 10.3.2 (core schema tag resolution).
    static let resolver: Resolver = {
        // The patterns are constants; a failure here is a programming error.
        let rules = try! [
            Resolver.Rule(.null, "^(?:~|null|Null|NULL|)$"),
            Resolver.Rule(.bool, "^(?:true|True|TRUE|false|False|FALSE)$"),
            Resolver.Rule(.int, "^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
            Resolver.Rule(
                .float,
                "^(?:[-+]?(?:\\.[0-9]+|[0-9]+(?:\\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN))$"
            ),
        ]
        return rules.reduce(Resolver.basic) { $0.appending($1) }
    }()

    /// Parses one YAML document; `nil` for an empty file or one with only comments.
    static func compose(_ text: String, file: String) throws(ConfigError) -> Node? {
        do {
            return try Yams.compose(yaml: text, resolver)
        } catch let error as YamlError {
            throw invalidYAML(error, file: file)
        } catch {
            throw ConfigError(.invalidYAML, file: file, at: nil, "invalid YAML: \(error).")
        }
    }

    private static func invalidYAML(_ error: YamlError, file: String) -> ConfigError {
        let fix = "Check indentation and quoting near this line."
        func located(_ problem: String, _ mark: Mark, _ context: YamlError.Context?) -> ConfigError {
            var text = problem
            if let context, context.mark.line != mark.line {
                text += " (\(context.text) at line \(context.mark.line))"
            } else if let context {
                text += " (\(context.text))"
            }
            return ConfigError(.invalidYAML, file: file, at: position(mark), "invalid YAML: \(text). \(fix)")
        }
        switch error {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            return located(problem, mark, context)
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "\"\($0)\"" }.joined(separator: ", ")
            return ConfigError(
                .invalidYAML, file: file, at: position(context.mark),
                "key \(keys) appears more than once in this mapping. Keep one of them.")
        case .reader(let problem, _, _, _):
            return ConfigError(.invalidYAML, file: file, at: nil, "invalid YAML: \(problem). Save the file as UTF-8 text.")
        default:
            return ConfigError(.invalidYAML, file: file, at: nil, "invalid YAML: \(error). \(fix)")
        }
    }

    static func position(_ mark: Mark?) -> SourcePosition? {
        mark.map { SourcePosition(line: $0.line, column: $0.column) }
    }

    /// The resolved core-schema tag of a node (`str`, `int`, …), or the full
    /// tag for anything else.
    static func tagName(_ node: Node) -> String {
        let name = node.tag.description
        let prefix = "tag:yaml.org,2002:"
        return name.hasPrefix(prefix) ? String(name.dropFirst(prefix.count)) : name
    }

    /// How a node is quoted in an error message: text in quotes, other
    /// scalars as written, collections by kind.
    static func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar):
            if tagName(node) == "str" { return "\"\(scalar.string)\"" }
            return scalar.string.isEmpty ? "nothing" : scalar.string
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }
}
