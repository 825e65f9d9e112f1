import Foundation
import KaiJSON
import KaiTestSupport
import Testing

/// A tool whose policy says `approvers: 2`, with two real OS users: the run
/// pauses (exit 6) with the approval stored in the registry; `kai approvals
/// approve` run AS EACH USER (setpriv) counts their votes by uid; the user
/// who started the run cannot approve, one user cannot approve twice; a new
/// kai process resumes the run once it is approved (the call runs) or
/// denied (the model is told).
///
/// Needs root: it creates the users kai-approver-1 and -2 (useradd, once)
/// and switches to them.
@Suite(.requiresRoot) struct ApprovalsTwoApproversCLITests {
    struct Approver: Sendable {
        let uid: UInt32
        let gid: UInt32
    }

    static let twoApprovers = """
        approvals:
          tools:
            calculate:
              approvers: 2
        """

    /// The two approvers, created if missing. Once per test process (a
    /// static let): concurrent tests must not race useradd.
    static let approvers: Result<[Approver], FixtureError> = {
        var found: [Approver] = []
        for name in ["kai-approver-1", "kai-approver-2"] {
            if getpwnam(name) == nil {
                _ = try? Subprocess.run("/usr/sbin/useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name])
            }
            guard let entry = getpwnam(name) else { return .failure(FixtureError(message: "useradd could not create user \(name)")) }
            found.append(Approver(uid: entry.pointee.pw_uid, gid: entry.pointee.pw_gid))
        }
        return .success(found)
    }()

    /// The registry database must be writable by the approvers: a vote is a
    /// write, and SQLite also needs the directory to create its -wal and
    /// -shm files (given the database file's mode). In a real deployment an
    /// operator gives the database a group its approvers share; here the
    /// scratch directory and the database files are opened to everyone.
    static func openToApprovers(_ workspace: RunWorkspace) throws {
        guard chmod(workspace.directory, 0o777) == 0 else { throw FixtureError(message: "chmod \(workspace.directory): errno \(errno)") }
        for file in try FileManager.default.contentsOfDirectory(atPath: workspace.directory) where file.hasPrefix("registry.sqlite") {
            guard chmod(workspace.directory + "/" + file, 0o666) == 0 else { throw FixtureError(message: "chmod \(file): errno \(errno)") }
        }
    }

    /// kai as `approver` (real and effective uid and gid, no supplementary groups).
    static func kai(as approver: Approver, _ arguments: [String], in workspace: RunWorkspace) throws -> Subprocess.Outcome {
        try Subprocess.run(
            "/usr/bin/setpriv",
            ["--reuid=\(approver.uid)", "--regid=\(approver.gid)", "--clear-groups", "--", KaiProcess.executable] + arguments + workspace.options,
            environment: ["PATH": "/usr/bin:/bin", "HOME": workspace.directory])
    }

    /// A run paused on its calculate call: the workspace, the session id and the approval id.
    static func pausedRun(_ name: String) throws -> (RunWorkspace, session: String, approval: String) {
        let workspace = try RunWorkspace(name, extra: twoApprovers)
        let outcome = try workspace.run("calc")
        #expect(outcome.status == 6, "\(outcome.stderr)")
        let session = try #require(RunWorkspace.sessionID(outcome.stderr))
        let match = try #require(outcome.stderr.range(of: "⏸ calculate waits for 2 approvers: kai approvals approve a[0-9a-f]{10}\n", options: .regularExpression),
                                 "\(outcome.stderr)")
        let approval = String(outcome.stderr[match].dropLast().suffix(11))
        #expect(outcome.stderr.hasSuffix("""
            paused: tool 'calculate' needs 2 approvers: approval \(approval) is pending, and the run pauses until it is decided. \
            Another user approves it with kai approvals approve \(approval); then kai run --resume \(session) continues the run. \
            Done so far: 1 model turn and 0 tool calls.

            """), "\(outcome.stderr)")
        #expect(outcome.stdout == "")
        try openToApprovers(workspace)
        return (workspace, session, approval)
    }

    @Test func twoOtherUsersApprove_thenANewKaiResumesTheRun_andTheCallRuns() throws {
        let users = try Self.approvers.get()
        let (workspace, session, approval) = try Self.pausedRun("two-approvers-yes")

        let list = try workspace.kai(["approvals", "list", "--json"])
        let pending = try #require(try JSONParser.parse(list.stdout).arrayValue)
        #expect(pending.count == 1)
        #expect(pending.first?["id"]?.stringValue == approval && pending.first?["session"]?.stringValue == session)
        #expect(pending.first?["tool"] == "dev.kai.utils.calculate" && pending.first?["arguments"] == ["expression": "6 * 7"])
        #expect(pending.first?["needed"] == 2 && pending.first?["votes"] == [] && pending.first?["status"] == "pending")
        let table = try workspace.kai(["approvals", "list"])
        #expect(table.stdout.hasPrefix("ID           SESSION      TOOL                     ARGUMENTS               VOTES  NEEDED  REQUESTED\n"
            + "\(approval)  \(session)  dev.kai.utils.calculate  {\"expression\":\"6 * 7\"}  none   2       "), "\(table.stdout)")

        let starter = try workspace.kai(["approvals", "approve", approval])
        #expect(starter.status == 77)
        #expect(starter.stderr == "kai: error: approval \(approval) was requested by uid 0, who started the run; another user must approve it\n")

        let first = try Self.kai(as: users[0], ["approvals", "approve", approval], in: workspace)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout == "your approval is recorded (1 of 2); waiting for 1 more approver\n")
        let twice = try Self.kai(as: users[0], ["approvals", "approve", approval], in: workspace)
        #expect(twice.status == 77)
        #expect(twice.stderr == "kai: error: uid \(users[0].uid) has already approved \(approval); a second approval must come from another user\n")

        let early = try workspace.kai(["run", "--resume", session])
        #expect(early.status == 6, "still pending: nothing runs")
        #expect(early.stderr.hasSuffix("paused: session \(session) is still waiting for approval \(approval) (kai approvals list); resume it once it is decided\n"),
                "\(early.stderr)")

        let second = try Self.kai(as: users[1], ["approvals", "approve", approval], in: workspace)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout == "approved; resume the run with kai run --resume \(session)\n")

        let resumed = try workspace.kai(["run", "--resume", session])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout == "The result is: {\"result\":42}\n")
        #expect(resumed.stderr.contains("✓ calculate allowed (by approvers \(users[0].uid),\(users[1].uid))\n→ calculate {\"expression\":\"6 * 7\"}\n"),
                "\(resumed.stderr)")

        let used = try Self.kai(as: users[1], ["approvals", "deny", approval], in: workspace)
        #expect(used.status == 65)
        #expect(used.stderr == "kai: error: approval \(approval) was already approved and used (nothing to do)\n")
    }

    @Test func anotherUserDenies_thenTheResumedRunTellsTheModel() throws {
        let users = try Self.approvers.get()
        let (workspace, session, approval) = try Self.pausedRun("two-approvers-no")
        let paused = try workspace.kai(["sessions", "show", session])
        #expect(paused.stdout.contains("session \(session) · agent dev.kai.agents.assistant · paused\n"), "\(paused.stdout)")
        #expect(paused.stdout.contains("""

            approvals:
              \(approval)  dev.kai.utils.calculate {"expression":"6 * 7"}  pending · needs 2 · votes: none

            next: paused: once its approvals are decided (kai approvals list), resume it: kai run --resume \(session)

            """), "\(paused.stdout)")
        let denied = try Self.kai(as: users[0], ["approvals", "deny", approval], in: workspace)
        #expect(denied.status == 0, "\(denied.stderr)")
        #expect(denied.stdout == "denied; resume the run with kai run --resume \(session) (the model is told the call was denied)\n")

        let none = try workspace.kai(["approvals", "list"])
        #expect(none.status == 0 && none.stdout == "" && none.stderr == "no approvals are pending\n")

        let resumed = try workspace.kai(["run", "--resume", session])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout == "The result is: Error: approvers denied this call of calculate\n")
        #expect(resumed.stderr.contains("✗ calculate denied: by approvers \(users[0].uid)\n"), "\(resumed.stderr)")
        #expect(!resumed.stderr.contains("→ calculate"))
    }
}
