import GRDB

/// The registry schema, as named, append-only migrations. The SQL here is the
/// source of truth for every table; never edit a shipped migration — append a
/// new one ("v2-...") instead. GRDB runs each in its own transaction.
enum StoreMigrations {
    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        for (identifier, sql) in steps {
            migrator.registerMigration(identifier) { db in try db.execute(sql: sql) }
        }
        return migrator
    }()

    /// Every migration in order: SQLite runs the SQL as written, PostgreSQL
    /// as `PostgresMigrations.translated` (the same identifiers, so both
    /// refuse a registry a newer Kai migrated the same way).
    static let steps: [(String, String)] = [
        ("v1-plugins", plugins), ("v1-capabilities", capabilities), ("v1-performance", performance),
        ("v1-call-log", callLog), ("v1-scan-cache", scanCache), ("v2-indexes", indexesV2),
        ("v3-call-log-provider-usage", callLogProviderUsage), ("v4-provider-breakers", providerBreakers),
        ("v4-call-log-route", callLogRoute), ("v5-sessions", sessions), ("v5-approvals", approvals),
        ("v6-mcp-tools", mcpTools),
    ]

    static var identifiers: [String] { migrator.migrations }

    // Times are seconds since 1970 (REAL); sizes bytes; mtime nanoseconds.
    // Inodes are UInt64 stored by bit pattern in SQLite's signed INTEGER.
    static let plugins = """
        CREATE TABLE plugins (
            id TEXT PRIMARY KEY NOT NULL,
            path TEXT NOT NULL,
            size INTEGER NOT NULL,
            mtime_ns INTEGER NOT NULL,
            inode INTEGER NOT NULL,
            sha256 TEXT,
            manifest TEXT,
            load_status TEXT NOT NULL CHECK (load_status IN ('loaded', 'failed')),
            failure_reason TEXT,
            status TEXT NOT NULL DEFAULT 'active'
                CHECK (status IN ('active', 'inactive', 'maintenance', 'deprecated')),
            status_reason TEXT,
            first_seen REAL NOT NULL,
            last_seen REAL NOT NULL
        );
        CREATE INDEX plugins_path ON plugins(path);
        """

    // capabilities' UNIQUE key is also discovery's tie-break order, so the
    // "capabilities with no calls yet" query walks it without sorting.
    static let capabilities = """
        CREATE TABLE capabilities (
            id INTEGER PRIMARY KEY,
            plugin_id TEXT NOT NULL REFERENCES plugins(id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('tool', 'agent', 'provider')),
            name TEXT NOT NULL,
            description TEXT NOT NULL,
            input_schema TEXT,
            output_schema TEXT,
            UNIQUE (plugin_id, name, kind)
        );
        CREATE TABLE capability_tags (
            tag TEXT NOT NULL,
            capability_id INTEGER NOT NULL REFERENCES capabilities(id) ON DELETE CASCADE,
            PRIMARY KEY (tag, capability_id)
        ) WITHOUT ROWID;
        CREATE INDEX capability_tags_capability ON capability_tags(capability_id, tag);
        """

    // capability_stats holds one ScoreModel aggregate per (capability, task
    // type), plus task type '*' for all calls, updated in the transaction
    // that inserts each record. plugin_id/name/kind are copied from
    // capabilities so the ranking index alone yields discovery's order.
    // peer_latency keeps the sums behind ScoreModel.peerLatency per (kind,
    // task type) so scoring a call never scans peers.
    static let performance = """
        CREATE TABLE performance_records (
            id INTEGER PRIMARY KEY,
            capability_id INTEGER NOT NULL REFERENCES capabilities(id) ON DELETE CASCADE,
            task_type TEXT,
            success INTEGER NOT NULL CHECK (success IN (0, 1)),
            duration_s REAL NOT NULL,
            quality REAL CHECK (quality IS NULL OR quality BETWEEN 0 AND 1),
            tokens_in INTEGER,
            tokens_out INTEGER,
            cost REAL,
            error_code TEXT,
            recorded_at REAL NOT NULL
        );
        CREATE INDEX performance_records_capability ON performance_records(capability_id, recorded_at);
        CREATE TABLE capability_stats (
            capability_id INTEGER NOT NULL REFERENCES capabilities(id) ON DELETE CASCADE,
            task_type TEXT NOT NULL,
            plugin_id TEXT NOT NULL,
            name TEXT NOT NULL,
            kind TEXT NOT NULL,
            weight REAL NOT NULL,
            success_weight REAL NOT NULL,
            duration_weight REAL NOT NULL,
            quality_weight REAL NOT NULL,
            quality_count REAL NOT NULL,
            calls INTEGER NOT NULL,
            score REAL NOT NULL,
            updated_at REAL NOT NULL,
            PRIMARY KEY (capability_id, task_type)
        ) WITHOUT ROWID;
        CREATE INDEX capability_stats_ranking
            ON capability_stats(task_type, score DESC, plugin_id, name, kind);
        CREATE TABLE peer_latency (
            kind TEXT NOT NULL,
            task_type TEXT NOT NULL,
            duration_weight REAL NOT NULL,
            weight REAL NOT NULL,
            PRIMARY KEY (kind, task_type)
        ) WITHOUT ROWID;
        """

    // Discovery filtered by kind (e.g. "agents only") walked the score index
    // past every capability of other kinds; the new index starts at the kind.
    // No query reads performance_records by capability (capability_stats
    // answers them all), yet its index put a random-page write on every
    // recorded call: dropped.
    //
    // Every recorded call moves its capability in the ranking indexes, so
    // their keys are kept short (no text beyond the task type): ties at equal
    // score are sorted after the index walk, in small groups.
    static let indexesV2 = """
        DROP INDEX capability_stats_ranking;
        CREATE INDEX capability_stats_ranking ON capability_stats(task_type, score DESC);
        CREATE INDEX capability_stats_ranking_kind ON capability_stats(task_type, kind, score DESC);
        DROP INDEX IF EXISTS performance_records_capability;
        """

    // No foreign keys: the log outlives plugins and capabilities.
    static let callLog = """
        CREATE TABLE call_log (
            id INTEGER PRIMARY KEY,
            tool TEXT NOT NULL,
            plugin TEXT NOT NULL,
            kind TEXT NOT NULL,
            task_type TEXT,
            started_at REAL NOT NULL,
            duration_ns INTEGER NOT NULL,
            result_code INTEGER NOT NULL,
            error_kind TEXT,
            depth INTEGER NOT NULL,
            arguments_size INTEGER NOT NULL,
            result_size INTEGER NOT NULL,
            arguments BLOB,
            result BLOB
        );
        CREATE INDEX call_log_started ON call_log(started_at);
        CREATE INDEX call_log_tool ON call_log(tool, started_at);
        """

    static let scanCache = """
        CREATE TABLE scan_cache (
            path TEXT PRIMARY KEY NOT NULL,
            size INTEGER NOT NULL,
            mtime_ns INTEGER NOT NULL,
            inode INTEGER NOT NULL,
            host_abi TEXT NOT NULL,
            manifest BLOB,
            abi_minor INTEGER,
            failure TEXT,
            sha256 TEXT,
            scanned_at REAL NOT NULL,
            CHECK ((manifest IS NULL) <> (failure IS NULL))
        );
        """

    // Provider calls (ABI 1.1) report what a tool call has no use for: the
    // model that answered, tokens in and out, the cost from the operator's
    // prices, and the time to the first streamed token. NULL for tool calls
    // and for whatever a provider did not report (a server without usage).
    static let callLogProviderUsage = """
        ALTER TABLE call_log ADD COLUMN model TEXT;
        ALTER TABLE call_log ADD COLUMN input_tokens INTEGER;
        ALTER TABLE call_log ADD COLUMN output_tokens INTEGER;
        ALTER TABLE call_log ADD COLUMN cost_usd REAL;
        ALTER TABLE call_log ADD COLUMN ttft_ns INTEGER;
        """

    // The router's circuit breaker per target ("provider" or
    // "provider/model"), shared by every kai process through this file.
    // failure_times: JSON array of the recent hop failures' times (at most
    // the configured count), so "N failures within the window" slides.
    // probe_owner/probe_expires: the one call allowed through a half-open
    // circuit, and when its claim lapses if its process died.
    static let providerBreakers = """
        CREATE TABLE provider_breakers (
            target TEXT PRIMARY KEY NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('closed', 'open', 'half_open')),
            failure_times TEXT NOT NULL DEFAULT '[]',
            opened_at REAL,
            open_until REAL,
            open_reason TEXT,
            successes INTEGER NOT NULL DEFAULT 0,
            probe_owner TEXT,
            probe_expires REAL,
            updated_at REAL NOT NULL
        ) WITHOUT ROWID;
        """

    // A routed provider call's fallback hops, on its final attempt's row:
    // JSON [{"target", "error_kind", "message"}, ...]; NULL for a call that
    // took none.
    static let callLogRoute = """
        ALTER TABLE call_log ADD COLUMN route TEXT;
        """

    // `kai run` sessions. state: the run engine's JSON (messages, settings,
    // calls waiting on approvals), enough to resume in a new process.
    // session_events: what happened, in order; seq counts from 1 per session;
    // kind: message, tool_call, approval, usage, step or status (unchecked, so
    // a newer run engine's kinds do not fail an older schema).
    // No foreign keys to plugins: a session outlives the plugins it used.
    static let sessions = """
        CREATE TABLE sessions (
            id TEXT PRIMARY KEY NOT NULL,
            agent TEXT NOT NULL,
            status TEXT NOT NULL,
            task TEXT NOT NULL,
            starter_uid INTEGER NOT NULL,
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL,
            input_tokens INTEGER NOT NULL DEFAULT 0,
            output_tokens INTEGER NOT NULL DEFAULT 0,
            cost_usd REAL,
            state TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX sessions_updated ON sessions(updated_at);
        CREATE TABLE session_events (
            session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            at REAL NOT NULL,
            kind TEXT NOT NULL,
            body TEXT NOT NULL,
            PRIMARY KEY (session_id, seq)
        ) WITHOUT ROWID;
        """

    // Calls that need other users' approval (policy `approvers: 2`), bound
    // to the hash of the tool and its exact arguments. A vote's primary key
    // is (approval, uid): one user votes once, enforced by SQLite too.
    static let approvals = """
        CREATE TABLE approvals (
            id TEXT PRIMARY KEY NOT NULL,
            session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            tool TEXT NOT NULL,
            arguments TEXT NOT NULL,
            arguments_hash TEXT NOT NULL,
            call_id TEXT NOT NULL,
            needed INTEGER NOT NULL CHECK (needed >= 1),
            starter_uid INTEGER NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'denied', 'used')),
            created_at REAL NOT NULL,
            decided_at REAL
        );
        CREATE INDEX approvals_session ON approvals(session_id);
        CREATE INDEX approvals_status ON approvals(status, created_at);
        CREATE TABLE approval_votes (
            approval_id TEXT NOT NULL REFERENCES approvals(id) ON DELETE CASCADE,
            uid INTEGER NOT NULL,
            vote TEXT NOT NULL CHECK (vote IN ('approve', 'deny')),
            at REAL NOT NULL,
            PRIMARY KEY (approval_id, uid)
        ) WITHOUT ROWID;
        """

    // The tool list of each imported MCP server (config mcp_servers), so
    // listing tools starts no server: the JSON array of MCP tool
    // descriptors, refreshed on each successful initialize. Keyed by the
    // entry's id and what reaches the server (command and args, or URL).
    static let mcpTools = """
        CREATE TABLE mcp_tools (
            server_id TEXT PRIMARY KEY NOT NULL,
            endpoint TEXT NOT NULL,
            tools TEXT NOT NULL,
            listed_at REAL NOT NULL
        ) WITHOUT ROWID;
        """
}
