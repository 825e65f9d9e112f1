import Foundation
import KaiCore
@testable import KaiRegistry
import KaiTestSupport
import Testing

/// What only the PostgreSQL backend has: its server, URL, password and
/// schema. The shared behaviour runs in every Store* suite on both backends.
@Suite(.enabled(if: PostgresServer.missing == nil, Comment(rawValue: PostgresServer.missing ?? "")))
struct StorePostgresTests {
    static func server() throws -> PostgresServer { try PostgresServer.started() }

    @Test func open_onAnEmptyDatabase_createsSQLitesTablesAndRecordsEveryMigration() throws {
        let fixture = try StoreFixture(.postgres)
        let sqlite = try StoreFixture(.sqlite)
        let tables = try fixture.rows("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1")
            .map { try $0.get(0, as: String.self) }
        let sqliteTables = try sqlite.rows("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1")
            .map { try $0.get(0, as: String.self) }
        #expect(tables == (sqliteTables.filter { $0 != "grdb_migrations" } + ["kai_migrations"]).sorted())
        for table in sqliteTables where table != "grdb_migrations" {
            let columns = try fixture.rows("SELECT column_name FROM information_schema.columns WHERE table_name = '\(table)' AND table_schema = current_schema() ORDER BY ordinal_position")
                .map { try $0.get(0, as: String.self) }
            let sqliteColumns = try sqlite.rows("SELECT name FROM pragma_table_info('\(table)')").map { try $0.get(0, as: String.self) }
            #expect(columns == sqliteColumns, "columns of \(table)")
        }
        let applied = try fixture.rows("SELECT identifier FROM kai_migrations ORDER BY identifier").map { try $0.get(0, as: String.self) }
        #expect(applied == StoreMigrations.steps.map(\.0).sorted())
    }

    @Test func reopen_keepsDataAndRunsNoMigrationTwice() throws {
        let fixture = try StoreFixture(.postgres)
        try fixture.plugin("p", [("t", ["x"])])
        let again = try fixture.another()
        #expect(try again.discover(DiscoveryQuery()).map(\.name) == ["t"])
        #expect(try fixture.scalar("SELECT COUNT(*) FROM kai_migrations", as: Int.self) == StoreMigrations.steps.count)
    }

    @Test func open_whenANewerKaiMigratedTheDatabase_refuses() throws {
        let fixture = try StoreFixture(.postgres)
        try fixture.execute("INSERT INTO kai_migrations (identifier, applied_at) VALUES ('v99-future', 0)")
        let error = try #require(throws: StoreError.self) { _ = try fixture.another() }
        #expect(error.code == .newerSchema)
        #expect(error.message == "\(fixture.path) was written by a newer Kai (migration 'v99-future' is unknown to this version); upgrade Kai or point --database at another file")
    }

    @Test func open_withAWrongPassword_saysSo_andNeverShowsIt() throws {
        let url = try PostgresURL(try Self.server().url(database: "postgres"))
        let error = try #require(throws: StoreError.self) {
            _ = try RegistryStore(postgres: url, password: "not-the-secret-42")
        }
        #expect(error.message == "registry: PostgreSQL at 127.0.0.1:\(try Self.server().port) refused the password of user \"kai\"; set the right one in the secret the config's database_password_env names (default KAI_REGISTRY_PASSWORD)")
        #expect(!error.message.contains("not-the-secret-42"))
    }

    @Test func open_withoutAPassword_saysWhereToPutIt() throws {
        let url = try PostgresURL(try Self.server().url(database: "postgres"))
        let error = try #require(throws: StoreError.self) { _ = try RegistryStore(postgres: url, password: nil) }
        #expect(error.message == "registry: PostgreSQL at 127.0.0.1:\(try Self.server().port) wants a password for user \"kai\" and none was given; export the variable the config's database_password_env names (default KAI_REGISTRY_PASSWORD) or run `kai keys set KAI_REGISTRY_PASSWORD`")
    }

    @Test func open_onAServerThatIsNotThere_namesTheAddressAndTheFix() throws {
        let url = try PostgresURL("postgres://kai@127.0.0.1:1/kai")
        let error = try #require(throws: StoreError.self) { _ = try RegistryStore(postgres: url, password: "secret-pw-7") }
        #expect(error.code == .cannotOpen)
        #expect(error.message == "registry: cannot connect to PostgreSQL at 127.0.0.1:1: connection to server at \"127.0.0.1\", port 1 failed: Connection refused; check that the server is running and the URL's host and port")
        #expect(!error.message.contains("secret-pw-7"))
    }

    @Test func open_onAMissingDatabase_saysHowToCreateIt() throws {
        let url = try PostgresURL(try Self.server().url(database: "nowhere"))
        let error = try #require(throws: StoreError.self) { _ = try RegistryStore(postgres: url, password: try Self.server().password) }
        #expect(error.message == "registry: PostgreSQL at 127.0.0.1:\(try Self.server().port) has no database \"nowhere\"; create it (createdb -h 127.0.0.1 -p \(try Self.server().port) -U kai nowhere) or fix the URL")
    }

    @Test(arguments: [
        ("postgres://kai:hunter2@db:5432/kai", "registry: \"postgres://kai:***@db:5432/kai\" holds a password; remove it from the URL and give it as a secret (database_password_env in the config, default KAI_REGISTRY_PASSWORD)"),
        ("postgres://db:5432/kai", "registry: \"postgres://db:5432/kai\" is not a PostgreSQL URL: it names no user; write it as postgres://USER@HOST[:PORT]/DATABASE"),
        ("postgres://kai@db:5432/", "registry: \"postgres://kai@db:5432/\" is not a PostgreSQL URL: it names no database; write it as postgres://USER@HOST[:PORT]/DATABASE"),
        ("postgres://kai@db/kai?sslcert=x", "registry: \"postgres://kai@db/kai?sslcert=x\" is not a PostgreSQL URL: parameter 'sslcert' is not one of application_name, connect_timeout, host, options, sslmode; write it as postgres://USER@HOST[:PORT]/DATABASE"),
    ])
    func url_thatKaiCannotUse_isRefusedWithItsFix_andNoPassword(text: String, message: String) throws {
        let error = try #require(throws: StoreError.self) { _ = try PostgresURL(text) }
        #expect(error.message == message)
        #expect(!error.message.contains("hunter2"))
    }

    /// As SQLite's busy timeout: a write waits for another host's write at
    /// most that long, then fails naming the cause; nothing is written.
    @Test(.timeLimit(.minutes(1)))
    func aWrite_whileAnotherHostHoldsTheRegistrysLock_failsAfterTheBusyTimeout() throws {
        let fixture = try StoreFixture(.postgres, busyTimeoutSeconds: 0.2)
        let holder = try PostgresConnection(keywords: PostgresURL(fixture.path).keywords(password: try Self.server().password))
        try holder.simple("BEGIN; SELECT pg_advisory_xact_lock(\(PostgresBackend.lockClass), hashtext(current_schema()))")
        let error = try #require(throws: StoreError.self) { try fixture.store.createSession(StoreSessionTests.session("s1")) }
        #expect(error.sqlState == "55P03")
        #expect(error.message == "registry: could not create session s1: canceling statement due to lock timeout (PostgreSQL 55P03)")
        try holder.simple("ROLLBACK")
        try fixture.store.createSession(StoreSessionTests.session("s1"))
        #expect(try fixture.store.session(id: "s1") != nil)
    }

    @Test func placeholders_areNumbered_outsideQuotes() {
        #expect(PostgresConnection.numbered("SELECT '?', \"a?\", ? FROM t WHERE x = ? AND y IN (?, ?)")
            == "SELECT '?', \"a?\", $1 FROM t WHERE x = $2 AND y IN ($3, $4)")
    }

    @Test func blobs_andNullsAndExtremes_roundTrip() throws {
        let fixture = try StoreFixture(.postgres, payloadLogging: true)
        fixture.store.callFinished(CallReport(
            tool: "p.t", plugin: "p", capabilityKind: .tool, startedAt: 1, durationNanoseconds: 1, code: .ok,
            errorKind: nil, taskType: nil, arguments: Array(0 ... 255), result: [], depth: 0))
        let log = try #require(try fixture.store.logs().first)
        #expect(log.arguments == Data(0 ... 255))
        #expect(log.taskType == nil)
    }
}
