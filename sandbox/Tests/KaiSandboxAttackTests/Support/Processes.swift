import Foundation
import KaiTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Host-side views of processes and cgroups, to prove a run left nothing behind.
enum Processes {
    /// Live (non-zombie) processes whose command line contains `marker`.
    static func carrying(_ marker: String) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        let needle = Array(marker.utf8)
        return entries.compactMap { name -> pid_t? in
            guard let pid = pid_t(name), pid != getpid(),
                  let data = FileManager.default.contents(atPath: "/proc/\(name)/cmdline"),
                  [UInt8](data).firstRange(of: needle) != nil, !isZombie(pid) else { return nil }
            return pid
        }
    }

    /// Those of `carrying(marker)` whose argv[0] is exactly `argv0`.
    static func carrying(_ marker: String, argv0: String) -> [pid_t] {
        carrying(marker).filter { pid in
            let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") ?? Data()
            return data.split(separator: 0).first.map { String(decoding: $0, as: UTF8.self) } == argv0
        }
    }

    static func isZombie(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return true }
        let state = stat[stat.index(close, offsetBy: 2)]
        return state == "Z" || state == "X"
    }

    static func isAlive(_ pid: pid_t) -> Bool { kill(pid, 0) == 0 && !isZombie(pid) }

    /// Waits up to `seconds` for every marked process to disappear; returns
    /// those still there. Teardown by pid namespace is asynchronous, so a
    /// short bounded wait is the contract, not an instant.
    static func waitForNone(_ marker: String, seconds: Double = 3) -> [pid_t] {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            let found = carrying(marker)
            if found.isEmpty || Date() > deadline { return found }
            usleep(20_000)
        }
    }

    static func waitUntil(seconds: Double, _ condition: () -> Bool) -> Bool {
        KaiTestSupport.waitUntil(seconds: seconds, condition)
    }

    /// The run's cgroup directories still present: the launcher names them
    /// `kai-<launcher pid>-<n>` beside this process's own cgroup in every
    /// hierarchy (cgroup.c), so list the children of ours.
    static func cgroupDirectories(ofLauncher pid: pid_t) -> [String] {
        let lines = (try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8)) ?? ""
        var found: [String] = []
        for line in lines.split(separator: "\n") {
            let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3 else { continue }
            let controllers = fields[1].isEmpty ? ["unified"] : fields[1].split(separator: ",").map(String.init)
            for controller in controllers {
                let dir = "/sys/fs/cgroup/\(controller)\(fields[2] == "/" ? "" : fields[2])"
                let children = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
                found += children.filter { $0.hasPrefix("kai-\(pid)-") }.map { dir + "/" + $0 }
            }
        }
        return found
    }
}
