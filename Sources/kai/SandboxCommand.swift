import ArgumentParser
import Foundation
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
            kai sandbox run [limits] -- CMD ARGS...   runs CMD (an absolute path inside the sandbox's read-only /usr, /bin, /lib).
            kai sandbox run [limits] FILE.py|FILE.sh|FILE.c   compiles (if the table says so) and runs FILE, each step in its own sandbox.
            Exit status: 0 when the program ran and exited 0; 1 when it failed or hit a limit (the report says which); 69 when the sandbox itself failed.
            """
    )

    @OptionGroup var runtime: RuntimeOptions
    @Option(name: .long, help: ArgumentHelp("Wall-clock limit.", valueName: "seconds")) var timeLimit: Double?
    @Option(name: .long, help: ArgumentHelp("CPU time limit of the whole process tree.", valueName: "seconds")) var cpuLimit: Double?
    @Option(name: .long, help: ArgumentHelp("Memory limit (with swap).", valueName: "MB")) var memory: Int?
    @Option(name: .long, help: ArgumentHelp("Processes and threads.", valueName: "N")) var pids: Int?
    @Option(name: .long, help: ArgumentHelp("Cap on stdout and on stderr, each.", valueName: "KB")) var outputLimit: Int?
    @Flag(name: .long, help: "Bring up loopback in the sandbox's (otherwise empty) network namespace.") var allowLoopback = false
    @Option(name: .long, help: ArgumentHelp("Copy this directory's files into the sandbox's /work.", valueName: "dir")) var files: String?
    @Option(name: .long, help: ArgumentHelp("The program's stdin (default: empty).", valueName: "file")) var stdin: String?
    @Flag(name: .long, help: "Fail instead of running with any protection missing.") var requireIsolation = false
    @Flag(name: .long, help: "Print the full JSON report.") var json = false
    @Argument(parsing: .captureForPassthrough, help: "FILE, or -- CMD ARGS...") var command: [String] = []

    func validate() throws {
        let argv = command.first == "--" ? Array(command.dropFirst()) : command
        guard !argv.isEmpty else {
            throw ValidationError("nothing to run: give a source file (kai sandbox run prog.py) or a command after -- (kai sandbox run -- /bin/echo hi).")
        }
        for (name, value) in [("--time-limit", timeLimit), ("--cpu-limit", cpuLimit)] {
            if let value, !(value > 0 && value.isFinite) { throw ValidationError("\(name) must be a positive number of seconds, got '\(value)'.") }
        }
        for (name, value) in [("--memory", memory), ("--pids", pids), ("--output-limit", outputLimit)] {
            if let value, value < 1 { throw ValidationError("\(name) must be at least 1, got \(value).") }
        }
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
                timeLimitMs: timeLimit.map { Int($0 * 1000) }, cpuLimitMs: cpuLimit.map { Int($0 * 1000) },
                memoryMB: memory, pids: pids, outputLimitKB: outputLimit),
            filesDirectory: files.map { SearchPathFix.absolute($0) }, stdinFile: stdin.map { SearchPathFix.absolute($0) },
            allowLoopback: allowLoopback, requireIsolation: requireIsolation)
        let sandbox = Sandbox()
        let reports: [SandboxReport]
        do {
            if command.first == "--" {
                request.command = Array(command.dropFirst())
                reports = [try sandbox.run(request)]
            } else if command.count == 1 {
                let table = try languageTable()
                let outcome = try sandbox.runSource(SearchPathFix.absolute(command[0]), table: table, base: request)
                reports = outcome.compile + (outcome.run.map { [$0] } ?? [])
            } else {
                throw ExitCodes.fail("give one source file, or put the command after --: kai sandbox run -- \(command.joined(separator: " ")).", ExitCodes.usage)
            }
        } catch let error as SandboxError {
            throw ExitCodes.fail(error.description, ExitCodes.unavailable)
        }
        guard let last = reports.last else { return }
        if json {
            let raw = reports.map { (try? JSONParser.parse($0.rawJSON)) ?? .null }
            Console.json(raw.count == 1 ? raw[0] : .object(["steps": .array(raw)]))
        } else {
            for report in reports { Console.out(SandboxReportText.render(report)) }
        }
        switch last.status {
        case .ok: return
        case .sandboxError: throw ExitCode(ExitCodes.unavailable)
        default: throw ExitCode(1)
        }
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

/// A report for people: the verdict first, then output.
enum SandboxReportText {
    static func render(_ report: SandboxReport) -> String {
        var verdict = "status: \(report.status.rawValue)"
        if let code = report.exitCode { verdict += ", exit code \(code)" }
        if let name = report.signalName ?? report.signal.map({ "signal \($0)" }) { verdict += ", killed by \(name)" }
        if let syscall = report.seccompDeniedSyscall { verdict += ", denied syscall \(syscall)" }
        if report.pidsLimitHit { verdict += ", process limit hit" }
        if let error = report.error { verdict += " — \(error)" }
        var lines = [verdict, String(format: "time: %.1f ms wall, %.1f ms CPU; peak memory %@", report.wallTimeMs, report.cpuTimeMs,
                                     report.peakMemoryKB.map { "\($0) KB" } ?? "unknown")]
        let off = report.protections.missing
        if !off.isEmpty { lines.append("protections OFF: \(off.joined(separator: ", "))") }
        if !report.stdout.isEmpty { lines.append("stdout\(report.stdoutTruncated ? " (truncated)" : ""):\n\(report.stdout)") }
        if !report.stderr.isEmpty { lines.append("stderr\(report.stderrTruncated ? " (truncated)" : ""):\n\(report.stderr)") }
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
