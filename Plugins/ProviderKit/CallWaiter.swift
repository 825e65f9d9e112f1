import CKaiABI
import Glibc

/// What a blocked transfer waits on besides the socket: the call's cancel fd
/// (kai.host.cancel/1), its deadline, and is_cancelled as a fallback.
package struct CallWaiter {
    package let host: UnsafePointer<kai_host>
    package let call: UnsafePointer<kai_call>
    /// Readable once the call is cancelled or its sink answered STOP; -1
    /// when the host has no cancel extension (then poll every 50 ms).
    package let cancelFD: Int32
    /// Absolute CLOCK_MONOTONIC nanoseconds, or noDeadline.
    package let deadline: Int64

    /// KAI_NO_DEADLINE (INT64_MAX), a macro Swift does not import.
    package static let noDeadline = Int64.max
    private var noDeadline: Int64 { Self.noDeadline }

    package init(host: UnsafePointer<kai_host>, call: UnsafePointer<kai_call>) {
        self.host = host
        self.call = call
        self.deadline = host.pointee.deadline?(host, call) ?? Self.noDeadline
        self.cancelFD = Self.cancelFD(host: host, call: call)
    }

    private static func cancelFD(host: UnsafePointer<kai_host>, call: UnsafePointer<kai_call>) -> Int32 {
        guard let lookup = host.pointee.get_extension, let table = lookup(host, KAI_HOST_CANCEL_ID) else { return -1 }
        let cancel = table.assumingMemoryBound(to: kai_host_cancel_v1.self)
        let needed = MemoryLayout<kai_host_cancel_v1>.offset(of: \.cancel_fd)! + MemoryLayout<Int>.size
        guard cancel.pointee.struct_size >= needed, let cancelFD = cancel.pointee.cancel_fd else { return -1 }
        return cancelFD(host, call)
    }

    package var isCancelled: Bool { host.pointee.is_cancelled?(host, call) ?? false }

    /// Milliseconds left before the deadline (Int.max without one).
    package var remainingMilliseconds: Int {
        guard deadline != noDeadline else { return Int.max }
        return Int(max(0, (deadline - Self.now()) / 1_000_000))
    }

    package var deadlinePassed: Bool { deadline != noDeadline && Self.now() >= deadline }

    package static func now() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }
}
