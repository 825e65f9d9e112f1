/// Who ends an in-process call that a watchdog guards: the call returning or
/// the watchdog giving up on it. Exactly one of them wins, decided under the
/// watchdog's lock, so kai never both prints a result (and records it as ok)
/// and reports the call as hung. Ctrl-Cs count only while neither has won.
///
/// A value type with no clock and no threads, so each ordering of events can
/// be tested on its own; CallWatchdog (in the kai CLI) holds one in a Mutex.
public struct CallRace: Sendable, Equatable {
    public enum Winner: Sendable, Equatable { case call, watchdog }

    public private(set) var winner: Winner?
    /// Ctrl-Cs seen while the call was running.
    public private(set) var interrupts = 0

    public init() {}

    /// The call returned. True when it won: the caller goes on to print and
    /// record its outcome. False when the watchdog had already fired: the
    /// process is ending on the watchdog's terms, and the caller must do
    /// nothing more (it parks until the watchdog's _exit).
    public mutating func callReturned() -> Bool {
        if winner == nil { winner = .call }
        return winner == .call
    }

    /// The watchdog wants to end the call. True when it won: it reports and
    /// ends the process. False when the call had already returned (or the
    /// watchdog had already fired): it stands down.
    public mutating func watchdogFires() -> Bool {
        guard winner == nil else { return false }
        winner = .watchdog
        return true
    }

    /// A Ctrl-C arrived. Returns how many arrived while the call ran (1: the
    /// caller cancels the call; 2 or more: the watchdog fires now), or nil
    /// once the race is decided (the Ctrl-C changes nothing).
    public mutating func interrupted() -> Int? {
        guard winner == nil else { return nil }
        interrupts += 1
        return interrupts
    }
}
