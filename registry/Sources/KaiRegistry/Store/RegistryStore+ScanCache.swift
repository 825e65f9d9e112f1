import Foundation
import GRDB
import KaiCore

extension RegistryStore: ScanCache {
    /// The outcome saved for this exact identity: nil when the path is
    /// unknown or its size, mtime, inode or the host ABI differ.
    public func cachedScan(_ identity: FileIdentity) -> ScanOutcome? {
        var outcome: ScanOutcome?
        reporting("read the scan cache") {
            outcome = try pool.read { db in
                guard let record = try ScanCacheRecord.fetchOne(db, key: identity.path), record.matches(identity)
                else { return nil }
                return record.outcome
            }
        }
        return outcome
    }

    /// Replaces whatever was cached for the path. Hashes the file here: a
    /// save means the file was (re)scanned, so its identity changed.
    public func saveScan(_ identity: FileIdentity, _ outcome: ScanOutcome) {
        let sha = SHA256.hex(ofFile: identity.path)
        var record = ScanCacheRecord(
            path: identity.path, size: identity.size, mtimeNs: identity.mtimeNanoseconds,
            inode: Int64(bitPattern: identity.inode), hostAbi: identity.hostABI, manifest: nil, abiMinor: nil,
            failure: nil, sha256: sha, scannedAt: wallClockNow())
        switch outcome {
        case .manifest(let json, let minor):
            record.manifest = Data(json)
            record.abiMinor = Int64(minor)
        case .failed(let message):
            record.failure = message
        }
        reporting("save the scan cache") {
            try pool.write { db in try record.save(db) }
        }
    }
}
