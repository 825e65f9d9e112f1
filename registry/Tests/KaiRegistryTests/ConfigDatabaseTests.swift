import Foundation
@testable import KaiRegistry
import Testing

/// `database:` as a SQLite path or a PostgreSQL URL, and the password's variable.
struct ConfigDatabaseTests {
    @Test func aPostgresURL_isKeptAsWritten_andThePasswordVariableIsRead() throws {
        let config = try loadConfig("""
            database: postgres://kai@db.internal:5432/kai?sslmode=require
            database_password_env: FLEET_DB_PASSWORD
            """)
        #expect(config.databasePath == "postgres://kai@db.internal:5432/kai?sslmode=require")
        #expect(config.databasePasswordVariable == "FLEET_DB_PASSWORD")
    }

    @Test func aPasswordVariable_thatIsNotAName_isRefused_withoutQuotingIt() throws {
        let error = try #require(throws: ConfigError.self) {
            _ = try loadConfig("database_password_env: hunter2 is my password\n")
        }
        #expect(error.description == "kai.yaml:1:24: database_password_env must be the name of an environment variable (A-Z, 0-9 and _, not starting with a digit); the value is not shown in case it is the password itself. Put the password in an environment variable (or `kai keys set NAME`) and write its name here.")
        #expect(!error.description.contains("hunter2"))
    }

    @Test func thePassword_comesFromTheNamedVariable_elseTheKeysFile_elseNone() throws {
        let home = StoreFixture.makeDirectory()
        #expect(try RegistryStore.password(variable: "FLEET_DB_PASSWORD", environment: ["FLEET_DB_PASSWORD": "pw1", "HOME": home]) == "pw1")
        #expect(try RegistryStore.password(variable: "FLEET_DB_PASSWORD", environment: ["HOME": home]) == nil)
        try KeysFile(environment: ["HOME": home]).set("FLEET_DB_PASSWORD", to: "pw2")
        #expect(try RegistryStore.password(variable: "FLEET_DB_PASSWORD", environment: ["HOME": home]) == "pw2")
    }
}
