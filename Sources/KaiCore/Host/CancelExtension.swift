import CKaiABI
import Glibc

/// kai.host.cancel/1 (kai_provider.h): the call's cancel fd, for plugins that
/// block in recv() or poll() and so cannot poll is_cancelled. One table
/// serves in-process plugins and workers: each finds its CallContext its own
/// way, passed in as `context`.
enum CancelExtension {
    /// Offered to plugins that negotiated minor 1 or later: a 1.0 plugin
    /// never asks, and a host must not surprise it.
    static func lookup(_ id: UnsafePointer<CChar>?, minor: UInt32, table: UnsafeRawPointer) -> UnsafeRawPointer? {
        guard minor >= 1, let id, strcmp(id, KAI_HOST_CANCEL_ID) == 0 else { return nil }
        return table
    }

    /// A static table whose cancel_fd resolves the call with `context`.
    static func makeTable(
        _ cancelFD: @convention(c) (UnsafePointer<kai_host>?, UnsafePointer<kai_call>?) -> Int32
    ) -> UnsafeRawPointer {
        let table = UnsafeMutablePointer<kai_host_cancel_v1>.allocate(capacity: 1)
        table.initialize(to: kai_host_cancel_v1(
            struct_size: UInt32(MemoryLayout<kai_host_cancel_v1>.size), reserved0: 0, cancel_fd: cancelFD))
        return UnsafeRawPointer(table)
    }

    /// The in-process host's table (never freed: plugins may hold it for the process).
    nonisolated(unsafe) static let inProcess = makeTable { _, call in
        HostServices.callContext(call)?.cancelFD() ?? -1
    }

    nonisolated(unsafe) static let worker = makeTable { _, call in
        WorkerHostServices.call(call)?.context.cancelFD() ?? -1
    }
}
