import KaiCore
import KaiJSON
import KaiSandbox

/// What `kai doctor` prints: the launcher's findings and kai's own, for
/// people (grouped, one line each, the fix under each missing one) or as
/// one JSON object (plugin-sdk/schema/doctor.schema.json).
struct DoctorReport {
    let kernel: String
    let euid: UInt32
    let cgroupBase: String?
    let findings: [DoctorFinding]

    init(_ probe: SandboxFindings) {
        kernel = probe.kernel
        euid = probe.euid
        cgroupBase = probe.cgroupBase
        // A launcher that does not report a finding the contract promises
        // must not pass for one that found it: it is shown missing.
        findings = probe.findings.map(DoctorFinding.init) + probe.unreported.map(DoctorFinding.unreported) + [.localModel]
    }

    /// The required findings that are missing; empty when kai eval can run with full isolation.
    var missingRequired: [DoctorFinding] { findings.filter { $0.required && $0.status == .missing } }

    /// The human form. Text from the machine (kernel, details, fixes) is
    /// made visible: the launcher quotes paths and errors.
    var text: String {
        var lines = ["kai doctor: kernel \(TerminalText.visible(kernel)), running as \(euid == 0 ? "root" : "uid \(euid)")"
            + (cgroupBase.map { "; runs' cgroups under \(TerminalText.visible($0))" } ?? "")]
        let width = findings.map { $0.id.count + 1 }.max() ?? 0
        for group in DoctorFinding.Group.allCases {
            let members = findings.filter { $0.group == group }
            guard !members.isEmpty else { continue }
            lines.append("")
            lines.append(group.title)
            for finding in members { lines += Self.lines(finding, width: width) }
        }
        lines.append("")
        lines.append("* required: kai eval (and kai sandbox run --require-isolation) refuses to run without it")
        let missing = missingRequired.map(\.id)
        lines.append(missing.isEmpty
            ? "every required finding is ok: kai eval runs with full isolation"
            : "missing required: \(missing.joined(separator: ", ")); fix them as shown above, "
                + "or pass --no-require-isolation to kai eval to accept weaker isolation")
        return lines.joined(separator: "\n")
    }

    private static func lines(_ finding: DoctorFinding, width: Int) -> [String] {
        let status = switch finding.status {
        case .ok: "ok"
        case .missing: "missing"
        case .notApplicable: "n/a"
        }
        let name = (finding.id + (finding.required ? "*" : "")).padding(toLength: width, withPad: " ", startingAt: 0)
        var lines = ["  " + status.padding(toLength: 9, withPad: " ", startingAt: 0) + name + "  " + TerminalText.visible(finding.detail)]
        if let fix = finding.fix { lines.append(String(repeating: " ", count: 11) + "fix: " + TerminalText.visible(fix)) }
        return lines
    }

    /// The JSON form (doctor.schema.json).
    var json: JSONValue {
        .object([
            "kernel": .string(kernel),
            "euid": .integer(Int64(euid)),
            "cgroup_base": cgroupBase.map(JSONValue.string) ?? .null,
            "required_ok": .bool(missingRequired.isEmpty),
            "findings": .array(findings.map { finding in
                .object([
                    "id": .string(finding.id),
                    "group": .string(finding.group.rawValue),
                    "status": .string(finding.status.rawValue),
                    "required": .bool(finding.required),
                    "detail": .string(finding.detail),
                    "fix": finding.fix.map(JSONValue.string) ?? .null,
                ])
            }),
        ])
    }
}
