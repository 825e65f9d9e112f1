/// Path-like argument text in one spelling before approval rules match it,
/// so `/etc/../etc/passwd`, `//etc/passwd` and `/./etc/passwd` are all
/// `/etc/passwd` to a rule on `/etc/**`.
///
/// Lexical only (no file system): `//` collapses, `.` segments drop, `..`
/// removes the segment before it. Text that cannot be brought to one
/// spelling — `..` above the root, or a relative path climbing out of where
/// it starts — is `.unknown`, which a deny or ask rule treats as a match and
/// an allow rule never does (fail closed).
enum PathSpelling: Equatable {
    case path(String)
    case unknown

    /// Text containing `/` (or a lone `..`) and no URL scheme (`://`) is
    /// taken as a path; anything else is returned as it is.
    static func normalise(_ text: String) -> PathSpelling {
        guard text == ".." || (text.contains("/") && !text.contains("://")) else { return .path(text) }
        let absolute = text.hasPrefix("/")
        var kept: [Substring] = []
        for segment in text.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".": continue
            case "..":
                guard !kept.isEmpty else { return .unknown }
                kept.removeLast()
            default: kept.append(segment)
            }
        }
        var result = (absolute ? "/" : (text.hasPrefix("./") ? "./" : "")) + kept.joined(separator: "/")
        if text.hasSuffix("/"), !kept.isEmpty { result += "/" }
        if result.isEmpty { result = "." }
        return .path(result)
    }
}
