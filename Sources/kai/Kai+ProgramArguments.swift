import ArgumentParser

/// The arguments of a sandboxed program bypass swift-argument-parser.
///
/// For every value of an array argument the parser records the set of
/// command-line positions it came from, copying that growing set each time:
/// `kai sandbox run -- CMD` with 4,000 arguments took 11 s and with 20,000
/// over 3 minutes (issue 9, item 7e). Nothing after `--` is an option of
/// kai's, so the parser sees only `--` and the program; the program's own
/// arguments are appended to the parsed command unchanged, in linear time.
extension Kai {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        let split = ProgramArguments(arguments)
        do {
            var command = try parseAsRoot(split?.head ?? arguments)
            if let split, var run = command as? SandboxRun {
                run.command += split.tail
                command = run
            }
            try command.run()
        } catch {
            PluginExitGuard.kaiExits()  // any exit() before this one is a plugin's
            exit(withError: error)
        }
        PluginExitGuard.kaiExits()
    }
}

/// `kai sandbox run [options] -- PROGRAM ARGS...` split after PROGRAM.
struct ProgramArguments {
    /// Everything up to and including PROGRAM: what the parser sees.
    let head: [String]
    /// ARGS..., the program's own arguments.
    let tail: ArraySlice<String>

    /// nil unless `arguments` is a `sandbox run` with arguments after its
    /// program (then the parser alone is fast enough).
    init?(_ arguments: [String]) {
        guard arguments.count > 3, arguments[0] == "sandbox", arguments[1] == "run",
              let dashes = arguments.firstIndex(of: "--"), dashes + 2 < arguments.count else { return nil }
        head = Array(arguments[...(dashes + 1)])
        tail = arguments[(dashes + 2)...]
    }
}
