import Foundation
import KaiTestSupport
import Testing

/// The registry on PostgreSQL through the real `kai`: a fleet's hosts
/// recording at once, and `kai registry migrate --to postgres://…`.
@Suite(.enabled(if: PostgresServer.missing == nil, Comment(rawValue: PostgresServer.missing ?? "")))
struct RegistryPostgresCLITests {
    static func server() throws -> PostgresServer { try PostgresServer.started() }
    static func secret() throws -> [String: String] { ["KAI_REGISTRY_PASSWORD": try server().password] }

    static func directory() throws -> String {
        let path = Fixtures.scratch + "/pgcli-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Twelve kai processes at a time, three rounds, each recording one call
    /// into one PostgreSQL registry: every row arrives, every call is scored.
    @Test(.timeLimit(.minutes(3)))
    func callsFromManyKaiProcessesAtOnce_areAllRecordedAndScored() throws {
        let database = try Self.server().createDatabase()
        let url = try Self.server().url(database: database)
        // The first run creates the schema and records the plugins.
        let first = try KaiProcess.run(["registry", "status", "--database", url], environment: try Self.secret())
        #expect(first.status == 0, "\(first.stderr)")
        for _ in 0 ..< 3 {
            let running = try (0 ..< 12).map { _ in
                try KaiProcess.start(
                    ["tools", "call", "--database", url, "dev.kai.text.text_stats", "--args", #"{"text":"a b c"}"#],
                    environment: try Self.secret())
            }
            for process in running {
                let outcome = process.finish()
                #expect(outcome.status == 0, "\(outcome.stderr)")
            }
        }
        #expect(try Self.server().query(database, "SELECT COUNT(*) FROM call_log") == "36")
        #expect(try Self.server().query(database, "SELECT COUNT(*) FROM performance_records") == "36")
        #expect(try Self.server().query(database, "SELECT calls FROM capability_stats WHERE task_type = '*' AND name = 'text_stats'") == "36")
    }

    @Test(.timeLimit(.minutes(2)))
    func migrate_copiesEveryTablesRowsIntoAnEmptyDatabase_andRefusesAFullOne() throws {
        let directory = try Self.directory()
        let sqlite = directory + "/registry.sqlite"
        let call = try KaiProcess.run(["tools", "call", "--database", sqlite, "dev.kai.text.text_stats", "--args", #"{"text":"a"}"#])
        #expect(call.status == 0, "\(call.stderr)")
        // The tables no tool call writes, filled as sessions, approvals,
        // breakers and the MCP cache would be.
        let fill = try Subprocess.run("/usr/bin/python3", ["-c", """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            db.execute("INSERT INTO provider_breakers (target, state, updated_at) VALUES ('openai', 'open', 1)")
            db.execute("INSERT INTO sessions (id, agent, status, task, starter_uid, created_at, updated_at) VALUES ('s1', 'a', 'paused', 't', 1000, 1, 2)")
            db.execute("INSERT INTO session_events (session_id, seq, at, kind, body) VALUES ('s1', 1, 1, 'message', '{}')")
            db.execute("INSERT INTO approvals (id, session_id, tool, arguments, arguments_hash, call_id, needed, starter_uid, status, created_at) VALUES ('a1', 's1', 't', '{}', 'h', 'c', 2, 1000, 'pending', 1)")
            db.execute("INSERT INTO approval_votes (approval_id, uid, vote, at) VALUES ('a1', 1001, 'approve', 2)")
            db.execute("INSERT INTO mcp_tools (server_id, endpoint, tools, listed_at) VALUES ('m', 'cmd', '[]', 1)")
            db.commit()
            """, sqlite])
        #expect(fill.status == 0, "\(fill.stderr)")
        let database = try Self.server().createDatabase()
        let url = try Self.server().url(database: database)
        let migrated = try KaiProcess.run(["registry", "migrate", "--database", sqlite, "--to", url], environment: try Self.secret())
        #expect(migrated.status == 0, "\(migrated.stderr)")
        #expect(migrated.stdout.hasPrefix("copied "))
        for table in ["plugins", "capabilities", "capability_tags", "performance_records", "capability_stats", "peer_latency",
                      "call_log", "scan_cache", "provider_breakers", "sessions", "session_events", "approvals",
                      "approval_votes", "mcp_tools"] {
            let count = try Self.server().query(database, "SELECT COUNT(*) FROM \(table)")
            #expect(count != "0", "table \(table) arrived empty")
            #expect(migrated.stdout.contains("  \(table): \(count)\n"), "\(table): \(count) rows, said:\n\(migrated.stdout)")
        }
        // The copy is a registry kai uses: scores and the log read back.
        let scores = try KaiProcess.run(["registry", "scores", "--database", url], environment: try Self.secret())
        #expect(scores.stdout.contains("dev.kai.text.text_stats"))
        let again = try KaiProcess.run(["registry", "migrate", "--database", sqlite, "--to", url], environment: try Self.secret())
        #expect(again.status == 74)
        #expect(again.stderr == "kai: error: registry: \(url) already holds a registry (table plugins has rows); migrate into an empty database (createdb a new one, or drop its tables)\n")
    }

    @Test func migrate_toAURLWithAPassword_isAUsageError_thatHidesIt() throws {
        let outcome = try KaiProcess.run(["registry", "migrate", "--database", "/nonexistent.sqlite", "--to", "postgres://kai:hunter2@db/kai"])
        #expect(outcome.status == 64)
        #expect(outcome.stderr.hasPrefix("Error: registry: \"postgres://kai:***@db/kai\" holds a password; remove it from the URL and give it as a secret (database_password_env in the config, default KAI_REGISTRY_PASSWORD)\n"))
        #expect(!(outcome.stdout + outcome.stderr).contains("hunter2"))
    }

    @Test func migrate_toSomethingThatIsNotAPostgresURL_isAUsageError() throws {
        let outcome = try KaiProcess.run(["registry", "migrate", "--to", "/tmp/other.sqlite"])
        #expect(outcome.status == 64)
        #expect(outcome.stderr.hasPrefix("Error: --to must be a postgres://USER@HOST[:PORT]/DATABASE URL, got '/tmp/other.sqlite'.\n"))
        let noUser = try KaiProcess.run(["registry", "migrate", "--to", "postgres://db:5432/kai"])
        #expect(noUser.status == 64)
        #expect(noUser.stderr.hasPrefix("Error: registry: \"postgres://db:5432/kai\" is not a PostgreSQL URL: it names no user; write it as postgres://USER@HOST[:PORT]/DATABASE\n"))
    }

    @Test func migrate_toAServerThatIsNotThere_namesItAndTheFix() throws {
        let outcome = try KaiProcess.run(
            ["registry", "migrate", "--database", "/nonexistent.sqlite", "--to", "postgres://kai@127.0.0.1:1/kai"],
            environment: ["KAI_REGISTRY_PASSWORD": "pw-not-shown-93"])
        #expect(outcome.status == 74)
        #expect(outcome.stderr == "kai: error: registry: cannot connect to PostgreSQL at 127.0.0.1:1: connection to server at \"127.0.0.1\", port 1 failed: Connection refused; check that the server is running and the URL's host and port\n")
        #expect(!(outcome.stdout + outcome.stderr).contains("pw-not-shown-93"))
    }

    @Test func migrate_withTheWrongPassword_saysSo_andNeverShowsIt() throws {
        let url = try Self.server().url(database: try Self.server().createDatabase())
        let outcome = try KaiProcess.run(
            ["registry", "migrate", "--database", "/nonexistent.sqlite", "--to", url],
            environment: ["KAI_REGISTRY_PASSWORD": "wrong-pw-77"])
        #expect(outcome.status == 74)
        #expect(outcome.stderr == "kai: error: registry: PostgreSQL at 127.0.0.1:\(try Self.server().port) refused the password of user \"kai\"; set the right one in the secret the config's database_password_env names (default KAI_REGISTRY_PASSWORD)\n")
        #expect(!(outcome.stdout + outcome.stderr).contains("wrong-pw-77"))
    }
}
