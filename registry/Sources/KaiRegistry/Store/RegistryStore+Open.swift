import Foundation

extension RegistryStore {
    /// The variable a PostgreSQL registry's password is read from when the
    /// config names none.
    public static let defaultPasswordVariable = "KAI_REGISTRY_PASSWORD"

    /// Opens the registry `database` names: a `postgres://` URL (the
    /// password read from `passwordVariable` in `environment`, else from
    /// the user's keys file, else none: libpq then tries PGPASSWORD and
    /// ~/.pgpass) or a SQLite file path.
    public static func opening(
        database: String, passwordVariable: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment, options: Options = Options()
    ) throws(StoreError) -> RegistryStore {
        guard PostgresURL.isPostgres(database) else { return try RegistryStore(path: database, options: options) }
        let url = try PostgresURL(database)
        return try RegistryStore(
            postgres: url, password: password(variable: passwordVariable ?? defaultPasswordVariable, environment: environment),
            options: options)
    }

    /// The secret's value: the environment wins; the keys file is read only
    /// when the variable is unset or empty.
    static func password(variable: String, environment: [String: String]) throws(StoreError) -> String? {
        if let value = environment[variable], !value.isEmpty { return value }
        do throws(ConfigError) {
            return try KeysFile(environment: environment).load()[variable].flatMap { $0.isEmpty ? nil : $0 }
        } catch {
            throw StoreError(.cannotOpen, "registry: cannot read the PostgreSQL password: \(error.message)")
        }
    }
}
