#if canImport(Glibc)
import Glibc
#endif
import CKaiABI
import KaiSandbox

/// The call's deadline and cancellation, as the sandbox can obey them: the
/// deadline lowers the run's time limit; the host's cancel fd
/// (kai.host.cancel/1) kills a run in progress.
struct CallWatch {
    let host: UnsafePointer<kai_host>
    let call: UnsafePointer<kai_call>

    /// The cancel fd, or nil when the host has none (then a cancelled call
    /// still ends at its time limit, which the deadline caps).
    var cancelDescriptor: Int32? {
        guard let lookup = host.pointee.get_extension,
              let raw = lookup(host, KAI_HOST_CANCEL_ID) else { return nil }
        let cancel = raw.assumingMemoryBound(to: kai_host_cancel_v1.self)
        guard cancel.pointee.struct_size >= UInt32(MemoryLayout<kai_host_cancel_v1>.size), let fd = cancel.pointee.cancel_fd?(host, call),
              fd >= 0 else { return nil }
        return fd
    }

    var cancelled: Bool { host.pointee.is_cancelled?(host, call) ?? false }

    /// Lowers the time limits to what is left before the call's deadline;
    /// true when the deadline, not the operator or the caller, set them.
    func cap(_ limits: inout SandboxLimits) throws(ToolFailure) -> Bool {
        // Int64.max is KAI_NO_DEADLINE (a macro Swift cannot import).
        guard let deadline = host.pointee.deadline?(host, call), deadline != Int64.max else { return false }
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let left = (deadline - (Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec))) / 1_000_000
        guard left > 0 else { throw ToolFailure(code: KAI_ERR_DEADLINE_EXCEEDED, message: "sandbox_run was called after its deadline") }
        guard let time = limits.timeLimitMs, Int64(time) > left else { return false }
        limits.timeLimitMs = Int(left)
        limits.cpuLimitMs = min(limits.cpuLimitMs ?? Int(left), Int(left))
        return true
    }
}
