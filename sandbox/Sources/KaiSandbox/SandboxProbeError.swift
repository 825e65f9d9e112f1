/// Why `Sandbox.probe()` has no findings.
public enum SandboxProbeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The launcher is missing, could not start, or ended without findings.
    case launcher(SandboxError)
    /// The launcher printed something that is not the `--probe` object.
    case notFindings(detail: String, stdout: String)

    public var description: String {
        switch self {
        case .launcher(let error):
            return error.description
        case .notFindings(let detail, _):
            return "the kai-sandbox launcher's --probe output is not its findings object (sandbox/CONTRACT.md, \"Probe\"): \(detail); "
                + "fix: rebuild kai-sandbox together with kai (`swift build`)"
        }
    }
}
