import Glibc

/// What identifies a plugin file for the scan cache: if none of these
/// changed, neither did the manifest, so the host need not dlopen the file.
/// The host's ABI and the manifest schema's revision are part of the key: a
/// new host, or one whose manifest rules changed, rescans everything (cached
/// manifests skip the schema check), and a plugin that failed before is retried.
public struct FileIdentity: Sendable, Hashable {
    public let path: String
    public let size: Int64
    public let mtimeNanoseconds: Int64
    public let inode: UInt64
    public let hostABI: String

    public init(path: String, size: Int64, mtimeNanoseconds: Int64, inode: UInt64, hostABI: String = FileIdentity.currentHostABI) {
        self.path = path
        self.size = size
        self.mtimeNanoseconds = mtimeNanoseconds
        self.inode = inode
        self.hostABI = hostABI
    }

    public static let currentHostABI = "\(ABIVersion.major).\(ABIVersion.minor)/manifest-\(ManifestSchema.revision)"

    /// stat()s the file; nil when it does not exist or is not readable.
    public static func of(path: String) -> FileIdentity? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        let mtime = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        return FileIdentity(path: path, size: Int64(info.st_size), mtimeNanoseconds: mtime, inode: UInt64(info.st_ino))
    }
}

/// The result of scanning one plugin file: its manifest, or why it failed.
public enum ScanOutcome: Sendable, Equatable {
    /// The manifest exactly as describe() wrote it, and the descriptor's minor.
    case manifest(json: [UInt8], abiMinor: UInt32)
    /// The load error's message (without the path).
    case failed(message: String)
}

/// Remembers scan outcomes across runs, keyed by file identity. The host core
/// only knows this protocol; the registry's SQLite store implements it.
public protocol ScanCache: Sendable {
    func cachedScan(_ identity: FileIdentity) -> ScanOutcome?
    func saveScan(_ identity: FileIdentity, _ outcome: ScanOutcome)
}
