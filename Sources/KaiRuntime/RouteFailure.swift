import Foundation
import KaiCore

/// Why a routed provider call gave no answer. `description` is the message
/// for the operator: what happened and the fix.
public enum RouteFailure: Error, Sendable, CustomStringConvertible {
    /// The last target tried failed (`error`); `hops` are the targets tried
    /// or skipped before it.
    case call(CallError, hops: [RouteHop])
    /// The only target left asked to wait (Retry-After) longer than the
    /// call's deadline allows, so it was not retried.
    case retryAfterPastDeadline(CallError, waitSeconds: Int, secondsLeft: Double, hops: [RouteHop])
    /// The last target that was called failed (`error`), and the fallbacks
    /// after it (`missing`) are not loaded or are off, so none was tried.
    case fallbackNotLoaded(CallError, missing: [String], hops: [RouteHop])
    /// Every target's circuit is open (or half-open with its probe taken).
    case allOpen(hops: [RouteHop], risk: RouteRequest.Risk, configFile: String)
    /// --risk high, and no target is marked strong.
    case noStrongTarget(configFile: String)
    /// --risk high with -m naming a target that is not strong.
    case notStrong(target: String, configFile: String)
    /// The config's router.targets is empty and no -m was given.
    case noTargets(configFile: String)

    static let strongFix = "Mark a provider `tier: strong` under router.targets in %@, or drop --risk high."

    public var description: String {
        switch self {
        case .call(let error, let hops):
            return ExitText.provider(error) + Self.tried(hops)
        case .fallbackNotLoaded(let error, let missing, let hops):
            let text = ExitText.provider(error) + Self.tried(hops)
            let names = missing.map { "fallback \($0)" }.joined(separator: " and ")
            return text + (text.hasSuffix(".") ? " " : ". ") + "kai could not fall back: \(names) "
                + (missing.count == 1 ? "is" : "are") + " not loaded (see kai providers list)."
        case .retryAfterPastDeadline(let error, let wait, let left, let hops):
            let text = ExitText.provider(error) + Self.tried(hops)
            return text + (text.hasSuffix(".") ? " " : ". ")
                + "Its wait of \(wait) s is longer than the \(Int(max(0, left).rounded(.up))) s left before the call's deadline, so kai did not retry. Retry later, or allow more time (--timeout)."
        case .allOpen(let hops, let risk, let file):
            let open = hops.filter { $0.errorKind == RouteHop.circuitOpen }.map { "\($0.target)'s circuit is \($0.message)" }
                .joined(separator: "; ")
            if risk == .high {
                return "no strong-tier provider is available for a high-risk request: \(open). Wait until it closes, "
                    + "mark another provider `tier: strong` under router.targets in \(file), or drop --risk high."
            }
            return "no provider is available: \(open). Wait until it closes, or name another provider with -m."
        case .noStrongTarget(let file):
            return "no strong-tier provider is available for a high-risk request: no target under router.targets is marked strong. "
                + String(format: Self.strongFix, file)
        case .notStrong(let target, let file):
            return "\"\(target)\" is not a strong-tier provider, and a high-risk request (--risk high) may use only those. "
                + "Name a strong one with -m, mark it `tier: strong` under router.targets in \(file), or drop --risk high."
        case .noTargets(let file):
            return "the router has no targets: router.targets in \(file) is empty. List providers there, or name one with -m."
        }
    }

    /// The error of the last attempt, when a call was made.
    public var callError: CallError? {
        switch self {
        case .call(let error, _), .retryAfterPastDeadline(let error, _, _, _), .fallbackNotLoaded(let error, _, _): error
        default: nil
        }
    }

    /// The targets tried or skipped before the failure.
    public var hops: [RouteHop] {
        switch self {
        case .call(_, let hops), .retryAfterPastDeadline(_, _, _, let hops), .allOpen(let hops, _, _), .fallbackNotLoaded(_, _, let hops): hops
        default: []
        }
    }

    /// " (tried first: openai/a: unavailable; openai/b: circuit open)", or "" with no hops.
    private static func tried(_ hops: [RouteHop]) -> String {
        guard !hops.isEmpty else { return "" }
        return " (tried first: " + hops.map { "\($0.target): \($0.label)" }.joined(separator: "; ") + ")"
    }
}

/// Provider errors as the operator reads them (CallError+Provider).
enum ExitText {
    static func provider(_ error: CallError) -> String { error.description(for: .provider) }
}
