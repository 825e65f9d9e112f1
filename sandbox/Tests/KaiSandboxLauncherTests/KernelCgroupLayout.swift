import Foundation

/// A directory laid out as Linux 6.18 lays out a non-root cgroup v2 whose
/// parent enables cpu, memory, pids and hugetlb (2MB and 1GB pages): the
/// same file names, and the contents a fresh cgroup starts with.
///
/// Only for what this development machine cannot give cgroup v2 (its memory
/// and pids controllers are bound to v1): the core and hugetlb files were
/// listed from a real cgroup2 mount here, the memory, pids and cpu ones are
/// from the kernel's Documentation/admin-guide/cgroup-v2.rst. Everything
/// else is tested on a real cgroup2 hierarchy (KaiSandboxAttackTests).
struct KernelCgroupLayout {
    let path: String

    static let coreFiles: [String: String] = [
        "cgroup.controllers": "cpu memory hugetlb pids\n", "cgroup.subtree_control": "\n", "cgroup.procs": "",
        "cgroup.threads": "", "cgroup.type": "domain\n", "cgroup.events": "populated 0\nfrozen 0\n",
        "cgroup.freeze": "0\n", "cgroup.kill": "", "cgroup.max.depth": "max\n", "cgroup.max.descendants": "max\n",
        "cgroup.pressure": "1\n", "cgroup.stat": "nr_descendants 0\nnr_dying_descendants 0\n",
        "cpu.pressure": "some avg10=0.00 avg60=0.00 avg300=0.00 total=0\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n",
        "cpu.stat": "usage_usec 0\nuser_usec 0\nsystem_usec 0\nnr_periods 0\nnr_throttled 0\nthrottled_usec 0\nnr_bursts 0\nburst_usec 0\n",
        "cpu.stat.local": "throttled_usec 0\n", "io.pressure": "", "memory.pressure": "",
    ]
    static let controllerFiles: [String: String] = [
        "cpu.max": "max 100000\n", "cpu.max.burst": "0\n", "cpu.weight": "100\n", "cpu.weight.nice": "0\n", "cpu.idle": "0\n",
        "memory.current": "0\n", "memory.min": "0\n", "memory.low": "0\n", "memory.high": "max\n", "memory.max": "max\n",
        "memory.peak": "0\n", "memory.oom.group": "0\n", "memory.reclaim": "",
        "memory.events": "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\n",
        "memory.events.local": "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\n",
        "memory.stat": "anon 0\nfile 0\n", "memory.numa_stat": "anon N0=0\n",
        "memory.swap.current": "0\n", "memory.swap.high": "max\n", "memory.swap.max": "max\n", "memory.swap.peak": "0\n",
        "memory.swap.events": "high 0\nmax 0\nfail 0\n",
        "memory.zswap.current": "0\n", "memory.zswap.max": "max\n", "memory.zswap.writeback": "1\n",
        "pids.current": "0\n", "pids.max": "max\n", "pids.peak": "0\n", "pids.events": "max 0\n", "pids.events.local": "max 0\n",
        "hugetlb.2MB.current": "0\n", "hugetlb.2MB.max": "max\n", "hugetlb.2MB.rsvd.current": "0\n", "hugetlb.2MB.rsvd.max": "max\n",
        "hugetlb.2MB.events": "max 0\n", "hugetlb.2MB.events.local": "max 0\n", "hugetlb.2MB.numa_stat": "total=0 N0=0\n",
        "hugetlb.1GB.current": "0\n", "hugetlb.1GB.max": "max\n", "hugetlb.1GB.rsvd.current": "0\n", "hugetlb.1GB.rsvd.max": "max\n",
        "hugetlb.1GB.events": "max 0\n", "hugetlb.1GB.events.local": "max 0\n", "hugetlb.1GB.numa_stat": "total=0 N0=0\n",
    ]

    /// A cgroup with its controllers' files (withControllers) or, like a
    /// base whose parent enables nothing, only the core files.
    init(under parent: String, name: String, withControllers: Bool = true) throws {
        path = parent + "/" + name
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let files = withControllers ? Self.coreFiles.merging(Self.controllerFiles) { a, _ in a } : Self.coreFiles
        for (file, content) in files { try write(file, content) }
    }

    func write(_ file: String, _ content: String) throws {
        try content.write(toFile: path + "/" + file, atomically: false, encoding: .utf8)
    }

    func read(_ file: String) -> String? { try? String(contentsOfFile: path + "/" + file, encoding: .utf8) }

    /// What a kernel-side event would do: e.g. the OOM killer bumping
    /// memory.events' oom_kill.
    func set(_ file: String, key: String, to value: Int) throws {
        let lines = (read(file) ?? "").split(separator: "\n").map { line in
            line.hasPrefix(key + " ") ? "\(key) \(value)" : String(line)
        }
        try write(file, lines.joined(separator: "\n") + "\n")
    }
}
