import Glibc

/// The parts of posix_spawn that keep the host's own descriptors and
/// terminal out of a child. glibc declares them only under _GNU_SOURCE,
/// which Swift's Glibc module does not import, so they are named here.
enum SpawnIsolation {
    /// POSIX_SPAWN_SETSID (glibc >= 2.26): the child calls setsid().
    static let newSession: Int32 = 0x80

    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32

    /// posix_spawn_file_actions_addclosefrom_np (glibc >= 2.34), if this libc has it.
    private static let addCloseFrom: AddCloseFrom? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else {
            return nil
        }
        return unsafeBitCast(symbol, to: AddCloseFrom.self)
    }()

    /// Adds "close every descriptor above `highest`" to `actions`, after the
    /// dup2s already there. Looked up with dlsym, as the sandbox's
    /// LauncherProcess does, so kai builds and runs on glibc < 2.34; there
    /// it adds nothing: kai-plugin-worker closes every descriptor above
    /// the ones it was handed first thing in main (kai_worker_close_inherited),
    /// before any plugin code is loaded, so the plugin still sees none.
    static func closeAllAbove(_ highest: Int32, in actions: inout posix_spawn_file_actions_t) throws(SpawnError) {
        guard let addCloseFrom else { return }
        let code = addCloseFrom(&actions, highest + 1)
        guard code == 0 else {
            throw SpawnError(message: "posix_spawn_file_actions_addclosefrom_np failed: \(String(cString: strerror(code)))")
        }
    }
}
