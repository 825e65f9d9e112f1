import Foundation
import KaiCore

extension RegistryStore: ScanCache {
    /// The outcome saved for this exact identity: nil when the path is
    /// unknown or its size, mtime, inode or the host ABI differ.
    ///
    /// The whole table (one row per plugin file) is read in one query on the
    /// first call: a start-up asks for every plugin in turn, and one read per
    /// plugin was most of a warm start.
    public func cachedScan(_ identity: FileIdentity) -> ScanOutcome? {
        let records = scanSnapshot.withLock { snapshot -> [String: ScanCacheRecord] in
            if let snapshot { return snapshot }
            var loaded: [String: ScanCacheRecord] = [:]
            reporting("read the scan cache") {
                loaded = try backend.read { db in
                    Dictionary(try db.rows("SELECT * FROM scan_cache").map(ScanCacheRecord.init(row:)).map { ($0.path, $0) },
                               uniquingKeysWith: { $1 })
                }
            }
            snapshot = loaded
            return loaded
        }
        guard let record = records[identity.path], record.matches(identity) else { return nil }
        return record.outcome
    }

    /// Replaces whatever was cached for the path. Hashes the file here: a
    /// save means the file was (re)scanned, so its identity changed.
    public func saveScan(_ identity: FileIdentity, _ outcome: ScanOutcome) {
        let sha = SHA256.hex(ofFile: identity.path)
        var record = ScanCacheRecord(
            path: identity.path, size: identity.size, mtimeNs: identity.mtimeNanoseconds,
            inode: Int64(bitPattern: identity.inode), hostAbi: identity.hostABI, manifest: nil, abiMinor: nil,
            failure: nil, sha256: sha, scannedAt: WallClock.now())
        switch outcome {
        case .manifest(let json, let minor):
            record.manifest = Data(json)
            record.abiMinor = Int64(minor)
        case .failed(let message):
            record.failure = message
        }
        reporting("save the scan cache") {
            try backend.write { db in try record.save(db) }
        }
        scanSnapshot.withLock { $0?[identity.path] = record }
    }
}
