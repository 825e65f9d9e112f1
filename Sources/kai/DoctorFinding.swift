import KaiSandbox

/// One line of `kai doctor`: a launcher finding (or one of kai's own, such
/// as the local model), with the group it is shown under.
struct DoctorFinding: Equatable {
    enum Status: String {
        case ok, missing
        /// Nothing to look for yet (the local model before providers exist).
        case notApplicable = "not_applicable"
    }

    enum Group: String, CaseIterable {
        case namespaces, privileges, cgroups, models, other

        var title: String {
            switch self {
            case .namespaces: "namespaces"
            case .privileges: "seccomp & privileges"
            case .cgroups: "cgroups"
            case .models: "models"
            case .other: "other"
            }
        }

        /// Where a launcher finding is shown, by its id (CONTRACT.md, "Probe").
        static func of(_ id: String) -> Group {
            if id.hasSuffix("_namespace") || id == "user_namespace_limits" { return .namespaces }
            if id.hasPrefix("cgroup") { return .cgroups }
            if ["no_new_privs", "seccomp", "private_uid"].contains(id) { return .privileges }
            return .other
        }
    }

    let id: String
    let group: Group
    let status: Status
    let required: Bool
    let detail: String
    /// How to get it; set whenever status is missing.
    let fix: String?

    init(_ finding: SandboxFinding) {
        id = finding.id
        group = Group.of(finding.id)
        status = finding.ok ? .ok : .missing
        // The contract's word, not the launcher's: a mismatched kai-sandbox
        // must not make a required protection optional (and doctor exit 0).
        required = SandboxFindings.contractIDs.first { $0.id == finding.id }?.required ?? finding.required
        detail = finding.detail
        fix = finding.ok ? nil : finding.fix
    }

    init(id: String, group: Group, status: Status, required: Bool, detail: String, fix: String?) {
        self.id = id
        self.group = group
        self.status = status
        self.required = required
        self.detail = detail
        self.fix = fix
    }

    /// A finding the contract promises that the launcher did not report.
    static func unreported(_ expected: (id: String, required: Bool)) -> DoctorFinding {
        DoctorFinding(id: expected.id, group: Group.of(expected.id), status: .missing, required: expected.required,
                      detail: "the sandbox launcher did not report this finding",
                      fix: "build kai-sandbox from the same source as kai (swift build), next to the kai executable")
    }

    /// No model provider exists yet (issue 11 adds them), so there is no
    /// local model to look for.
    static let localModel = DoctorFinding(
        id: "local_model", group: .models, status: .notApplicable, required: false,
        detail: "model providers do not exist in Kai yet (issue 11 adds them), so there is no local model to look for", fix: nil)
}
