import Testing

extension Sandbox.Run {
    /// The host-side checks every attack ends with: the launcher wrote its
    /// report and exited 0, nothing carrying the run's marker is alive, its
    /// cgroups are gone, and the host's secret never reached the report.
    func expectHostUnaffected(sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(launcher.exitStatus == 0, "launcher exit: \(launcher.stderrText)", sourceLocation: sourceLocation)
        #expect(survivors.isEmpty, "processes outlived the run: \(survivors)", sourceLocation: sourceLocation)
        #expect(leftoverCgroups.isEmpty, "cgroups left behind: \(leftoverCgroups)", sourceLocation: sourceLocation)
        #expect(!report.raw.contains(Sandbox.hostSecret), "host secret leaked into the report", sourceLocation: sourceLocation)
    }

    /// A supervisor kill: status as given, SIGKILL, no exit code.
    func expectKilled(_ status: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(report.status == status, "\(report)", sourceLocation: sourceLocation)
        #expect(report.exitCode == nil, sourceLocation: sourceLocation)
        #expect(report.signal == 9, sourceLocation: sourceLocation)
        #expect(report.signalName == "SIGKILL", sourceLocation: sourceLocation)
    }

    /// Killed by the seccomp policy for `syscall`.
    func expectSeccompKill(_ syscall: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(report.status == "signaled", "\(report)", sourceLocation: sourceLocation)
        #expect(report.seccompDenied == syscall, "\(report)", sourceLocation: sourceLocation)
        #expect(report.exitCode == nil, sourceLocation: sourceLocation)
        #expect(!report.stdout.contains("survived"), "\(report)", sourceLocation: sourceLocation)
    }

    /// Exited normally with `code`.
    func expectExited(_ code: Int64, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(report.status == (code == 0 ? "ok" : "exited_nonzero"), "\(report)", sourceLocation: sourceLocation)
        #expect(report.exitCode == code, "\(report)", sourceLocation: sourceLocation)
        #expect(report.signal == nil, sourceLocation: sourceLocation)
        #expect(report.signalName == nil, sourceLocation: sourceLocation)
    }
}
