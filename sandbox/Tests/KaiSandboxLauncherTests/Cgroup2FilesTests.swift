import Foundation
import KaiSandboxLauncher
import Testing

/// The launcher's cgroup v2 limits, verdicts and delegation decisions on a
/// directory laid out as the kernel lays out a cgroup (KernelCgroupLayout):
/// the memory and pids files, which this machine's v2 hierarchy cannot have
/// (they are bound to v1). The tree, the move into a leaf, enabling a
/// controller, cgroup.kill, cgroup.events and the sweep are tested on a
/// real cgroup2 hierarchy in KaiSandboxAttackTests.
@Suite struct Cgroup2FilesTests {
    let root: String

    init() throws {
        root = NSTemporaryDirectory() + "kai-cg2-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    func config(memoryMB: Int = 512, pids: Int = 64, cpus: Int = 1) -> ks_config {
        var cfg = ks_config()
        cfg.memory_mb = memoryMB
        cfg.pids = pids
        cfg.cpus = cpus
        return cfg
    }

    @Test func writeLimits_onAFreshCgroup_writesEveryV2Limit() throws {
        let run = try KernelCgroupLayout(under: root, name: "kai-1-2-3")
        var cg = ks_cgroup()
        var cfg = config(memoryMB: 256, pids: 10, cpus: 2)
        ks_cg2_write_limits(&cg, run.path, &cfg)
        #expect(run.read("memory.max") == "268435456")
        #expect(run.read("memory.swap.max") == "0")
        #expect(run.read("memory.oom.group") == "1")
        #expect(run.read("pids.max") == "11")
        #expect(run.read("cpu.max") == "200000 100000")
        for size in ["2MB", "1GB"] {
            #expect(run.read("hugetlb.\(size).max") == "0")
            #expect(run.read("hugetlb.\(size).rsvd.max") == "0")
        }
        #expect(cg.has_memory && cg.has_memsw && cg.has_oom_group && cg.has_pids && cg.has_cpu && cg.has_cpu_max && cg.has_hugetlb)
    }

    @Test func writeLimits_leavesToV1WhatV1AlreadyLimits() throws {
        let run = try KernelCgroupLayout(under: root, name: "kai-1-2-3")
        var cg = ks_cgroup()
        cg.has_memory = true
        cg.has_pids = true
        var cfg = config()
        ks_cg2_write_limits(&cg, run.path, &cfg)
        #expect(run.read("memory.max") == "max\n")
        #expect(run.read("pids.max") == "max\n")
        #expect(!cg.has_oom_group && !cg.has_memsw)
        #expect(cg.has_cpu_max && cg.has_hugetlb)
    }

    @Test func writeLimits_whenTheParentEnablesNoController_limitsNothingButMeasuresCPU() throws {
        let run = try KernelCgroupLayout(under: root, name: "kai-1-2-3", withControllers: false)
        var cg = ks_cgroup()
        var cfg = config()
        ks_cg2_write_limits(&cg, run.path, &cfg)
        #expect(cg.has_cpu, "cpu.stat is a core file: accounting needs no controller")
        #expect(!cg.has_memory && !cg.has_pids && !cg.has_cpu_max && !cg.has_hugetlb && !cg.has_oom_group)
        #expect(!FileManager.default.fileExists(atPath: run.path + "/memory.max"), "nothing may be created")
    }

    @Test func readStats_takesTheVerdictsFromMemoryEventsAndPidsEvents() throws {
        let run = try KernelCgroupLayout(under: root, name: "kai-1-2-3")
        var fresh = ks_cgroup_stats()
        ks_cg2_read_stats(run.path, &fresh)
        #expect(!fresh.oom_killed && !fresh.pids_max_hit && fresh.peak_bytes == 0 && fresh.cpu_ns == 0)
        try run.set("memory.events", key: "oom_kill", to: 1)
        try run.set("pids.events", key: "max", to: 3)
        try run.set("cpu.stat", key: "usage_usec", to: 1500)
        try run.write("memory.peak", "1234567\n")
        var hit = ks_cgroup_stats()
        ks_cg2_read_stats(run.path, &hit)
        #expect(hit.oom_killed && hit.pids_max_hit)
        #expect(hit.peak_bytes == 1_234_567 && hit.cpu_ns == 1_500_000)
    }

    @Test func readStats_ofARunWhoseLimitsAreV2_reportsTheV2Verdicts() throws {
        let run = try KernelCgroupLayout(under: root, name: "kai-1-2-3")
        var cg = ks_cgroup()
        setString(&cg.unified, run.path)
        cg.has_memory = true
        cg.has_pids = true
        cg.has_cpu = true
        cg.v2 = true // the limits came from v2 (on a hybrid machine v1 gives them, and v2's files are not read)
        try run.set("memory.events", key: "oom_kill", to: 2)
        try run.set("pids.events", key: "max", to: 1)
        var stats = ks_cgroup_stats()
        ks_cgroup_read_stats(&cg, &stats)
        #expect(stats.oom_killed && stats.pids_max_hit)
    }

    @Test func delegate_enablesEachWantedControllerTheBaseHas_andNamesTheOneItLacks() throws {
        // A cgroup an operator made for kai (systemd units: the next two tests).
        let parent = try KernelCgroupLayout(under: root, name: "workloads")
        let base = try KernelCgroupLayout(under: parent.path, name: "kai")
        try base.write("cgroup.controllers", "cpu memory pids\n")
        var out = ks_cg2_base()
        #expect(ks_cg2_delegate(root, "/workloads/kai", allControllers, &out))
        #expect(string(out.base) == base.path)
        #expect(!out.is_root && !out.moved)
        let want = UInt32(KS_CG2_MEMORY | KS_CG2_PIDS | KS_CG2_CPU)
        #expect(out.available == want && out.enabled == want)
        #expect(string(out.controller_problem.3) ==
            "the hugetlb controller is not available: \(base.path) does not have it in cgroup.controllers (its parent "
            + "does not delegate it); fix: as root, echo +hugetlb > \(parent.path)/cgroup.subtree_control, or run kai "
            + "in a systemd unit with Delegate=yes")
        #expect(string(out.problem) == "")
    }

    @Test func delegate_inASystemdUnitThatDoesNotDelegate_movesNothingAndSaysHowToGetDelegation() throws {
        let scope = try KernelCgroupLayout(under: root, name: "session-4.scope")
        try scope.write("cgroup.controllers", "cpu memory pids\n")
        var out = ks_cg2_base()
        #expect(ks_cg2_delegate(root, "/session-4.scope", allControllers, &out))
        #expect(out.enabled == 0 && !out.moved)
        #expect(scope.read("cgroup.subtree_control") == "\n", "systemd's unit is not Kai's to change")
        #expect(!FileManager.default.fileExists(atPath: scope.path + "/kai-host"))
        #expect(string(out.problem) == "\(scope.path) is the cgroup of a systemd unit that does not delegate it (no "
            + "Delegate=yes): systemd may take its controllers back at any time, so Kai moves nothing there; fix: start "
            + "kai with systemd-run --scope -p Delegate=yes kai ..., or set Delegate=yes on the unit")
    }

    @Test func delegate_inASystemdUnitMarkedDelegated_enablesTheControllers() throws {
        let service = try KernelCgroupLayout(under: root, name: "kai.service")
        try service.write("cgroup.controllers", "cpu memory pids\n")
        // What systemd 251+ sets on a unit with Delegate=yes (user.delegate: readable without privileges).
        let mark = Process()
        mark.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        mark.arguments = ["-c", "import os, sys; os.setxattr(sys.argv[1], 'user.delegate', b'1')", service.path]
        mark.standardError = FileHandle.nullDevice
        try mark.run()
        mark.waitUntilExit()
        guard mark.terminationStatus == 0 else {
            try Test.cancel("needs user xattrs on \(root) to mark the unit delegated, which this file system refuses")
        }
        var out = ks_cg2_base()
        #expect(ks_cg2_delegate(root, "/kai.service", allControllers, &out))
        #expect(out.enabled == UInt32(KS_CG2_MEMORY | KS_CG2_PIDS | KS_CG2_CPU))
        #expect(string(out.problem) == "")
    }

    @Test func delegate_fromTheKaiHostLeaf_usesItsParentAsTheBase() throws {
        let base = try KernelCgroupLayout(under: root, name: "kai.service")
        _ = try KernelCgroupLayout(under: base.path, name: "kai-host")
        var out = ks_cg2_base()
        #expect(ks_cg2_delegate(root, "/kai.service/kai-host", allControllers, &out))
        #expect(string(out.base) == base.path)
    }

    @Test func delegate_atTheRootCgroup_onlyReadsItsSubtreeControl() throws {
        let top = try KernelCgroupLayout(under: root, name: "top")
        try FileManager.default.removeItem(atPath: top.path + "/cgroup.type") // the root has none
        try top.write("cgroup.subtree_control", "memory\n")
        var out = ks_cg2_base()
        #expect(ks_cg2_delegate(top.path, "/", allControllers, &out))
        #expect(out.is_root && out.enabled == UInt32(KS_CG2_MEMORY))
        #expect(top.read("cgroup.subtree_control") == "memory\n", "the init system's file is not Kai's to write")
        #expect(string(out.controller_problem.1) ==
            "the pids controller is not enabled for runs: the root cgroup \(top.path) does not have it in "
            + "cgroup.subtree_control; fix: as root, echo +pids > \(top.path)/cgroup.subtree_control")
    }

    /// A run whose v2 base gives pids and CPU but not memory, for why.
    func v2RunWithoutMemory() -> ks_cgroup {
        var cg = ks_cgroup()
        setString(&cg.unified, root + "/kai-1-2-3")
        setString(&cg.base.base, root)
        setString(&cg.base.controller_problem.0, "the memory controller is not available: why; fix: how")
        cg.has_pids = true
        cg.has_cpu = true
        return cg
    }

    @Test func findings_ofAV2RunWithoutMemory_keepTheReasonApartFromTheFix() throws {
        var cg = v2RunWithoutMemory()
        var cfg = config()
        var findings = ks_findings()
        findings.all = true // as the probe records them: what is ok too
        try withUnsafeMutablePointer(to: &findings) { pointer in
            cg.findings = pointer
            ks_cgroup_record_findings(&cg, &cfg)
            let memory = try #require(ks_findings_get(pointer, "cgroup_memory")).pointee
            #expect(!memory.ok && memory.required)
            #expect(string(memory.detail) == "the memory controller is not available: why")
            #expect(string(memory.fix) == "how")
            let pids = try #require(ks_findings_get(pointer, "cgroup_pids")).pointee
            #expect(pids.ok && pids.required && string(pids.fix) == "")
            #expect(string(pids.detail) == "pids.max 65 (the program's 64 and the sandbox's init)")
            let hierarchy = try #require(ks_findings_get(pointer, "cgroup")).pointee
            #expect(hierarchy.ok && string(hierarchy.detail) == "v2, runs made in \(root)")
            #expect(string(pointer.pointee.cgroup_base) == root)
        }
    }

    @Test func findings_ofARun_recordOnlyWhatIsMissing() {
        var cg = v2RunWithoutMemory()
        var cfg = config()
        var findings = ks_findings()
        withUnsafeMutablePointer(to: &findings) { pointer in
            cg.findings = pointer
            ks_cgroup_record_findings(&cg, &cfg)
            #expect(ks_findings_get(pointer, "cgroup_memory") != nil)
            #expect(ks_findings_get(pointer, "cgroup_pids") == nil, "a run's report reads only what is missing")
        }
    }

    @Test func delegate_withoutAHierarchyThere_saysWhatItCouldNotRead() {
        var out = ks_cg2_base()
        #expect(!ks_cg2_delegate(root, "/missing", allControllers, &out))
        #expect(string(out.problem) == "cannot read \(root)/missing/cgroup.controllers (No such file or directory)")
    }
}

/// KS_CG2_WANTED (a macro Swift does not import).
let allControllers = UInt32(KS_CG2_MEMORY | KS_CG2_PIDS | KS_CG2_CPU | KS_CG2_HUGETLB)

/// A NUL-terminated C char array (imported as a tuple) as a String.
func string<T>(_ tuple: T) -> String {
    withUnsafeBytes(of: tuple) { raw in
        String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
    }
}

func setString<T>(_ tuple: inout T, _ value: String) {
    withUnsafeMutableBytes(of: &tuple) { raw in
        let bytes = Array(value.utf8.prefix(raw.count - 1))
        raw.copyBytes(from: bytes + [0])
    }
}
