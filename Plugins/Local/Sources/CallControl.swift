import CKaiABI
import Glibc

/// The host's view of one call: cancellation and deadline, read between
/// tokens and, through llama.cpp's abort callback, while a batch is being
/// decoded.
///
/// The abort callback runs on llama.cpp's compute thread; is_cancelled and
/// deadline are [any-thread] in kai_host.h, so it asks the host directly.
/// (The cancel fd of kai_provider.h is for providers blocked in poll();
/// this one never blocks, so polling is_cancelled is enough.)
/// `@unchecked Sendable`: immutable pointers the host keeps valid until
/// invoke() returns, which outlives every use.
final class CallControl: @unchecked Sendable {
    let host: UnsafePointer<kai_host>?
    let call: UnsafePointer<kai_call>?

    init(host: UnsafePointer<kai_host>?, call: UnsafePointer<kai_call>?) {
        self.host = host
        self.call = call
    }

    /// Why generation must end now, or nil to go on.
    func stopReason() -> ProviderError? {
        guard let host, let call else { return nil }
        let deadlinePassed = {
            guard let deadline = host.pointee.deadline, deadline(host, call) != Int64.max else { return false }
            return self.now() >= deadline(host, call)
        }
        if deadlinePassed() { return .deadlineExceeded }
        // is_cancelled is also true once the deadline has passed, which can
        // happen between the two checks: a deadline is reported as one.
        if let isCancelled = host.pointee.is_cancelled, isCancelled(host, call) {
            return deadlinePassed() ? .deadlineExceeded : .cancelled
        }
        return nil
    }

    /// For llama.cpp's abort callback, called once per graph node (hundreds
    /// of times per token): is_cancelled alone, which kai_host.h says also
    /// turns true when the deadline passes.
    func isCancelled() -> Bool {
        guard let host, let call, let isCancelled = host.pointee.is_cancelled else { return false }
        return isCancelled(host, call)
    }

    private func now() -> Int64 {
        var ts = timespec()
        guard clock_gettime(CLOCK_MONOTONIC, &ts) == 0 else { return Int64.max }
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }
}

/// llama.cpp's ggml_abort_callback: true makes llama_decode return 2.
func abortDecode(_ data: UnsafeMutableRawPointer?) -> Bool {
    guard let data else { return false }
    return Unmanaged<CallControl>.fromOpaque(data).takeUnretainedValue().isCancelled()
}
