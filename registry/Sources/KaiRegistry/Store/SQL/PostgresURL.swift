import Foundation

/// A registry on PostgreSQL, as the config's `database` names it:
/// `postgres://USER@HOST[:PORT]/DATABASE[?sslmode=...]`. Never holds a
/// password: that comes from a secret (see `RegistryLocation`).
public struct PostgresURL: Sendable, Equatable {
    public var user: String
    public var host: String
    public var port: Int
    public var database: String
    /// Query parameters passed on to libpq (sslmode, connect_timeout,
    /// options, application_name, host for a socket directory).
    public var parameters: [String: String]

    static let allowedParameters: Set<String> = ["sslmode", "connect_timeout", "options", "application_name", "host"]

    /// Whether `text` names a PostgreSQL registry rather than a file.
    public static func isPostgres(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// Parses `text`; the error quotes it with any password masked.
    public init(_ text: String) throws(StoreError) {
        let shown = Self.redacted(text)
        func bad(_ why: String) -> StoreError {
            StoreError(.cannotOpen, "registry: \"\(shown)\" is not a PostgreSQL URL: \(why); write it as postgres://USER@HOST[:PORT]/DATABASE")
        }
        guard Self.isPostgres(text), let parts = URLComponents(string: text) else { throw bad("it does not parse as a URL") }
        guard parts.password == nil else {
            throw StoreError(.cannotOpen, "registry: \"\(shown)\" holds a password; remove it from the URL and give it as a secret (database_password_env in the config, default KAI_REGISTRY_PASSWORD)")
        }
        guard let user = parts.user, !user.isEmpty else { throw bad("it names no user") }
        guard let host = parts.host, !host.isEmpty else { throw bad("it names no host") }
        let database = String(parts.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else { throw bad("it names no database") }
        if let port = parts.port, !(1...65535).contains(port) { throw bad("port \(port) is out of range") }
        var parameters: [String: String] = [:]
        for item in parts.queryItems ?? [] {
            guard Self.allowedParameters.contains(item.name) else {
                throw bad("parameter '\(item.name)' is not one of \(Self.allowedParameters.sorted().joined(separator: ", "))")
            }
            parameters[item.name] = item.value ?? ""
        }
        self.user = user.removingPercentEncoding ?? user
        self.host = host
        self.port = parts.port ?? 5432
        self.database = database.removingPercentEncoding ?? database
        self.parameters = parameters
    }

    /// The URL without secrets: what messages and `RegistryStore.path` show.
    public var display: String { "postgres://\(user)@\(host):\(port)/\(database)" }

    /// libpq's connection keywords and values, the password added last.
    func keywords(password: String?) -> [(String, String)] {
        var list: [(String, String)] = [
            ("host", parameters["host"] ?? host), ("port", String(port)), ("dbname", database), ("user", user),
            ("connect_timeout", parameters["connect_timeout"] ?? "10"),
            ("application_name", parameters["application_name"] ?? "kai"),
        ]
        for key in ["sslmode", "options"] { if let value = parameters[key] { list.append((key, value)) } }
        if let password { list.append(("password", password)) }
        return list
    }

    /// `text` with whatever sits between the user and '@' masked.
    static func redacted(_ text: String) -> String {
        guard let scheme = text.range(of: "://") else { return text }
        let rest = text[scheme.upperBound...]
        guard let at = rest.firstIndex(of: "@") else { return text }
        let userInfo = rest[..<at]
        guard let colon = userInfo.firstIndex(of: ":") else { return text }
        return String(text[..<scheme.upperBound]) + userInfo[..<colon] + ":***" + rest[at...]
    }
}
