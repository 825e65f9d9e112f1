// kai-plugin-worker: runs one Kai plugin out of the host's process.
//
//   kai-plugin-worker --serve /abs/plugin.so --parent PID [--address-space BYTES] [--open-files N]
//                     [--sandbox 1 [--network 1]]
//       Serves the plugin's ABI to the host over fd 3 (requests) and fd 4
//       (answers) until the host closes fd 3 or asks for shutdown. Started
//       by the host (isolation: process), never by hand.
//   kai-plugin-worker --scan [--sandbox 1] /abs/a.so [/abs/b.so ...]
//       Prints one JSON line per file: its manifest, or why it failed; with
//       --sandbox 1, from inside the same sandbox as --serve --sandbox 1
//       (no network), so a sandbox-configured plugin's code never runs
//       outside it.
//
// Order of steps in --serve: close every descriptor but 0-4 and leave the
// terminal's session; harden the process (parent-death signal,
// rlimits: no core dumps, address space, open files) before any plugin code
// is loaded; with --sandbox (isolation: sandbox), move into namespaces of
// its own (as uid 65534 under an init of its own, with a relay left in the
// host's namespaces; see kai_worker_sandbox) with a read-only root of its
// own (worker_root.c) and no network unless --network 1 — or, when that
// fails, answer every request with why, never loading the plugin; ignore
// SIGPIPE (a write to a gone host fails instead); serve.
import CKaiWorker
import Glibc
import KaiCore

func die(_ message: String, code: Int32 = 64) -> Never {
    let line = "kai-plugin-worker: \(message)\n"
    _ = line.withCString { write(2, $0, strlen($0)) }
    exit(code)
}

/// First of all: only the descriptors the host handed over on purpose
/// (0-2, and 3-4 for --serve) stay open, and no controlling terminal.
func keepOnlyOwnDescriptors(above highest: Int32) {
    if kai_worker_close_inherited(highest + 1) != 0 {
        die("cannot close the descriptors it inherited: \(String(cString: strerror(errno)))", code: 71)
    }
    if kai_worker_leave_terminal() != 0 {
        die("cannot leave the terminal's session: \(String(cString: strerror(errno)))", code: 71)
    }
}

/// Moves into the sandbox (see kai_worker_sandbox), where the worker sees
/// only the system and the directories of `visible`. Returns in the
/// sandboxed worker; on failure, the message saying why and what to do,
/// in whichever process failed (it still holds the host's descriptors).
func enterSandbox(network: Bool, visible: [String]) -> String? {
    let paths = visible.map { UnsafePointer(strdup($0)) }
    let step = paths.withUnsafeBufferPointer { kai_worker_sandbox(network ? 1 : 0, $0.baseAddress, Int32($0.count)) }
    guard step != 0 else { return nil }
    let reason = String(cString: strerror(errno))
    if step == 6 {
        return "isolation sandbox: cannot mount a /proc of its own: \(reason). This machine's /proc has parts hidden by other "
            + "mounts (container runtimes such as Docker and Podman mask it by default); run the container with "
            + "--security-opt systempaths=unconfined, or use isolation: process on this machine."
    }
    if step == 8, let refused = kai_worker_refused_directory() {
        let directory = String(cString: refused)
        return "isolation sandbox: the plugin is directly in \(directory), which kai does not show a sandboxed worker: "
            + "the worker sees its plugin's whole directory, and \(directory) holds other files. "
            + "Put the plugin in a directory of its own (e.g. \(directory == "/" ? "" : directory)/kai-plugins/NAME/), or use isolation: process."
    }
    let steps = [1: "create its namespaces (are user namespaces enabled? sysctl user.max_user_namespaces)",
                 2: "map its uid and gid", 3: "build its own root file system", 4: "set its hostname",
                 5: "drop its capabilities", 7: "start its init"]
    return "isolation sandbox: cannot \(steps[Int(step)] ?? "isolate itself"): \(reason). Use isolation: process on this machine."
}

let usage = "usage: kai-plugin-worker --serve /abs/plugin.so --parent PID [--address-space BYTES] [--open-files N] [--sandbox 1 [--network 1]] | kai-plugin-worker --scan [--sandbox 1] /abs/plugin.so..."
var arguments = Array(CommandLine.arguments.dropFirst())

switch arguments.first {
case "--scan" where arguments.count >= 4 && arguments[1] == "--sandbox" && arguments[2] == "1":
    keepOnlyOwnDescriptors(above: 2)
    let paths = Array(arguments.dropFirst(3))
    if let failure = enterSandbox(network: false, visible: paths) { ScanHelper.fail(paths: paths, failure) }
    ScanHelper.run(paths: paths)
case "--scan" where arguments.count >= 2 && arguments[1] != "--sandbox":
    keepOnlyOwnDescriptors(above: 2)
    ScanHelper.run(paths: Array(arguments.dropFirst()))
case "--serve" where arguments.count >= 2:
    keepOnlyOwnDescriptors(above: 4)
    let path = arguments[1]
    guard path.hasPrefix("/") else { die("the plugin path must be absolute, got '\(path)'") }
    var options: [String: UInt64] = ["--parent": 0, "--address-space": 0, "--open-files": 0, "--sandbox": 0, "--network": 0]
    var rest = arguments.dropFirst(2)
    while let name = rest.popFirst() {
        guard options[name] != nil, let text = rest.popFirst(), let value = UInt64(text) else {
            die("unknown option or bad value near '\(name)'. \(usage)")
        }
        options[name] = value
    }
    let failedStep = kai_worker_harden(Int32(clamping: options["--parent"]!), options["--address-space"]!, options["--open-files"]!)
    if failedStep != 0 {
        let steps = [1: "parent-death signal", 2: "RLIMIT_CORE", 3: "RLIMIT_AS", 4: "RLIMIT_NOFILE"]
        die("cannot set \(steps[Int(failedStep)] ?? "limits"): \(String(cString: strerror(errno)))", code: 71)
    }
    if options["--sandbox"] == 1, let failure = enterSandbox(network: options["--network"] == 1, visible: [path]) {
        // Said to the host as the plugin's load failure: the call fails
        // with this message, not with a bare exit status.
        let line = "kai-plugin-worker: \(failure)\n"
        _ = line.withCString { write(2, $0, strlen($0)) }
        signal(SIGPIPE, SIG_IGN)
        WorkerServer.serve(failure: failure, input: 3, output: 4)
    }
    signal(SIGPIPE, SIG_IGN)
    WorkerServer.serve(pluginPath: path, input: 3, output: 4)
default:
    die(usage)
}
