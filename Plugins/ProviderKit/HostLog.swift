import CKaiABI

/// Writes to the host's log (kai_host.log, [any-thread]); nothing when the
/// host offers none. Messages must already be free of secrets.
package struct HostLog: @unchecked Sendable {
    // @unchecked: a raw pointer is not Sendable; the host table it points
    // to is valid until destroy() and its log service is [any-thread].
    private let host: UnsafePointer<kai_host>

    package init(host: UnsafePointer<kai_host>) { self.host = host }

    package func callAsFunction(_ level: kai_log_level, _ message: String) {
        guard let log = host.pointee.log else { return }
        var text = message
        text.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { log(host, level, $0.baseAddress, $0.count) }
        }
    }
}
