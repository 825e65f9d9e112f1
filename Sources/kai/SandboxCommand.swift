import ArgumentParser
import Foundation
import KaiCore
import KaiJSON
import KaiSandbox

struct SandboxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Run untrusted code in Kai's process sandbox.",
        subcommands: [SandboxRun.self]
    )
}

struct SandboxRun: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a command, or a source file through the config's language table, in the sandbox.",
        discussion: """
            kai sandbox run [limits] -- CMD ARGS...   runs CMD: an absolute path inside the sandbox's read-only /usr, /bin, /lib, or a name found in the sandbox's PATH (/usr/local/bin:/usr/bin:/bin, inside the sandbox).
            kai sandbox run [limits] FILE.py|FILE.sh|FILE.c   compiles (if the table says so) and runs FILE, each step in its own sandbox.
            The program's output is shown with control characters (C0 but newline and tab, DEL, C1) as \\xNN, so it cannot act on your terminal; --raw prints its bytes as they are.
            Exit status: 0 when the program ran and exited 0; 1 when it failed or hit a limit (the report says which); 64 for a usage error; 69 when the sandbox itself failed.
            """
    )

    @OptionGroup var runtime: RuntimeOptions
    // .unconditional: "-1" is a value to reject with the range, not an option.
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Wall-clock limit (0.001 to 86400).", valueName: "seconds"))
    var timeLimit: Double?
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("CPU time limit of the whole process tree (0.001 to 86400).", valueName: "seconds"))
    var cpuLimit: Double?
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Memory limit (with swap; 8 to 1048576).", valueName: "MB")) var memory: Int?
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Processes and threads (1 to 65536).", valueName: "N")) var pids: Int?
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Cap on stdout and on stderr, each (1 to 1048576).", valueName: "KB"))
    var outputLimit: Int?
    // Named as the launcher names it, so its messages ("fix: raise --workdir-mb") name an option kai has.
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Size of /work, and of /tmp and /dev/shm, each (1 to 1048576; default 64).", valueName: "MB"))
    var workdirMb: Int?
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("CPU bandwidth of the whole tree (1 to 1024; default 1; enforced on cgroup v2).", valueName: "N"))
    var cpus: Int?
    @Flag(name: .long, help: "Bring up loopback in the sandbox's (otherwise empty) network namespace.") var allowLoopback = false
    @Option(name: .long, help: ArgumentHelp("Copy this directory's files into the sandbox's /work.", valueName: "dir")) var files: String?
    @Option(name: .long, help: ArgumentHelp("The program's stdin (default: empty).", valueName: "file")) var stdin: String?
    @Flag(name: .long, help: "Fail instead of running with any protection missing.") var requireIsolation = false
    @Flag(name: .long, help: "Print the full JSON report.") var json = false
    @Flag(name: .long, help: "Print the program's output bytes as they are (default: control characters shown as \\xNN).")
    var raw = false
    @Argument(help: "A source file (FILE.py, FILE.sh, FILE.c).") var source: String?
    @Argument(parsing: .postTerminator, help: "-- CMD ARGS... (CMD a path inside the sandbox, or a name found in its PATH)") var command: [String] = []

    func validate() throws {
        guard source != nil || !command.isEmpty else {
            throw ValidationError("nothing to run: give a source file (kai sandbox run prog.py) or a command after -- (kai sandbox run -- /bin/echo hi).")
        }
        if let source, !command.isEmpty {
            throw ValidationError("give one source file, or put the command after --, not both: got '\(source)' and -- \(command.joined(separator: " ")).")
        }
        try LimitOptionRange.check("--time-limit", seconds: timeLimit)
        try LimitOptionRange.check("--cpu-limit", seconds: cpuLimit)
        try LimitOptionRange.check("--memory", memory, in: LimitOptionRange.memoryMB, unit: "MB")
        try LimitOptionRange.check("--pids", pids, in: LimitOptionRange.pids)
        try LimitOptionRange.check("--output-limit", outputLimit, in: LimitOptionRange.outputKB, unit: "KB")
        try LimitOptionRange.check("--workdir-mb", workdirMb, in: LimitOptionRange.workdirMB, unit: "MB")
        try LimitOptionRange.check("--cpus", cpus, in: LimitOptionRange.cpus)
        if let files, !FileManager.default.fileExists(atPath: files) {
            throw ValidationError("--files '\(files)' does not exist; give a directory whose files should appear in /work.")
        }
        if let stdin, !FileManager.default.isReadableFile(atPath: stdin) {
            throw ValidationError("--stdin '\(stdin)' is not a readable file.")
        }
    }

    func run() throws {
        var request = SandboxRequest(
            command: [],
            limits: SandboxLimits(
                timeLimitMs: timeLimit.map(LimitOptionRange.milliseconds), cpuLimitMs: cpuLimit.map(LimitOptionRange.milliseconds),
                memoryMB: memory, pids: pids, outputLimitKB: outputLimit, workdirMB: workdirMb, cpus: cpus),
            filesDirectory: files.map { SearchPathFix.absolute($0) }, stdinFile: stdin.map { SearchPathFix.absolute($0) },
            allowLoopback: allowLoopback, requireIsolation: requireIsolation)
        let sandbox = Sandbox()
        let reports: [SandboxReportFile]
        do {
            if let source {
                let table = try languageTable()
                reports = try sandbox.runSourceStreamed(SearchPathFix.absolute(source), table: table, base: request)
            } else {
                request.command = try Self.resolved(command, files: files)
                reports = [try sandbox.runStreamed(request)]
            }
            guard let last = reports.last?.report else { return }
            if json {
                try SandboxReportPrinter.json(reports)
            } else {
                for report in reports { try SandboxReportPrinter.text(report, raw: raw) }
            }
            switch last.status {
            case .ok: return
            case .sandboxError: throw ExitCode(ExitCodes.unavailable)
            default: throw ExitCode(1)
            }
        } catch let error as SandboxError {
            throw ExitCodes.fail(Self.message(error), ExitCodes.unavailable)
        }
    }

    /// A bare name is looked up as the program's own execvp would, in the
    /// sandbox's PATH inside the sandbox (see SandboxSearchPath); a path
    /// outside /work (which --files fills) must exist inside too. Checked
    /// here, so the fix names kai's options, not the launcher's.
    static func resolved(_ command: [String], files: String?) throws -> [String] {
        guard let name = command.first else { return command }
        let seen = "the host's \(SandboxSearchPath.visibleRoots.joined(separator: ", ")) as they are"
        if name.hasPrefix("/") {
            let inWork = name.hasPrefix("/work/") && files.map { FileManager.default.fileExists(atPath: $0 + name.dropFirst(5)) } == true
            guard inWork || SandboxSearchPath.isExecutable(name) else {
                throw ExitCodes.fail(
                    "no program \"\(name)\" inside the sandbox, which sees \(seen), and /work (filled by --files). "
                        + "Give a path that exists there, or copy the program in with --files and run /work/NAME.",
                    ExitCodes.usage)
            }
            return command
        }
        guard !name.contains("/") else {
            throw ExitCodes.fail("\"\(name)\" is a relative path; give an absolute path inside the sandbox (/work/NAME for a file from --files), or a bare name to find in its PATH.", ExitCodes.usage)
        }
        guard let path = SandboxSearchPath.resolve(name) else {
            throw ExitCodes.fail(
                "no program \"\(name)\" in the sandbox's PATH: searched \(SandboxSearchPath.directories.joined(separator: ", ")) "
                    + "inside the sandbox (\(seen)). "
                    + "Give an absolute path that exists there, or copy the program in with --files and run /work/NAME.",
                ExitCodes.usage)
        }
        return [path] + command.dropFirst()
    }

    /// The error, with the fix in kai's own options where the library
    /// cannot name them.
    static func message(_ error: SandboxError) -> String {
        if case .compileOutputUnusable(_, let reason) = error, reason == "larger than the output limit" {
            return TerminalText.visible(error.description) + "; fix: raise --output-limit (KB)"
        }
        return TerminalText.visible(error.description)
    }

    /// The operator config's `sandbox.languages`, else the built-in table.
    private func languageTable() throws -> LanguageTable {
        let config = try runtime.loadConfig()
        guard let section = config.sandbox else { return .builtIn }
        do {
            return try LanguageTable(json: section)
        } catch {
            let at = config.sandboxPosition.map { ":\($0)" } ?? ""
            throw ExitCodes.fail("\(config.file)\(at): sandbox.\(error.path): \(error.message). See registry/CONFIG.md for the language table's format.", ExitCodes.config)
        }
    }
}

enum SearchPathFix {
    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }
}

/// A report for people: the verdict first (then the output, printed by
/// SandboxReportPrinter).
enum SandboxReportText {
    static func verdict(_ report: SandboxReport) -> String {
        var verdict = "status: \(report.status.rawValue)"
        if let code = report.exitCode { verdict += ", exit code \(code)" }
        if let name = report.signalName ?? report.signal.map({ "signal \($0)" }) { verdict += ", killed by \(name)" }
        if let syscall = report.seccompDeniedSyscall { verdict += ", denied syscall \(syscall)" }
        if report.pidsLimitHit { verdict += ", process limit hit" }
        // The launcher's message may quote the program's name or path.
        if let error = report.error { verdict += " — \(TerminalText.visible(error))" }
        var lines = [verdict, String(format: "time: %.1f ms wall, %.1f ms CPU; peak memory %@", report.wallTimeMs, report.cpuTimeMs,
                                     report.peakMemoryKB.map { "\($0) KB" } ?? "unknown")]
        let off = report.protections.missing
        if !off.isEmpty { lines.append("protections OFF: \(off.joined(separator: ", "))") }
        return lines.joined(separator: "\n")
    }
}

extension SandboxReport.Protections {
    /// The protections that were not in force on this run.
    var missing: [String] {
        let flags: [(String, Bool)] = [
            ("user namespace", userNamespace), ("pid namespace", pidNamespace), ("network namespace", netNamespace),
            ("mount namespace", mountNamespace), ("ipc namespace", ipcNamespace), ("uts namespace", utsNamespace),
            ("cgroup namespace", cgroupNamespace), ("no_new_privs", noNewPrivs), ("seccomp", seccomp),
            ("rlimits", rlimits), ("read-only root", readonlyRoot), ("cgroup memory limit", cgroupMemory),
            ("cgroup process limit", cgroupPids), ("cgroup CPU accounting", cgroupCPU),
        ]
        return flags.filter { !$0.1 }.map(\.0)
    }
}
