import Foundation
import GRDB
import KaiCore

/// A row of `scan_cache`: the outcome of scanning one file with one identity.
struct ScanCacheRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    static let databaseTableName = "scan_cache"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var path: String
    var size: Int64
    var mtimeNs: Int64
    var inode: Int64
    var hostAbi: String
    var manifest: Data?
    var abiMinor: Int64?
    var failure: String?
    var sha256: String?
    var scannedAt: Double

    func matches(_ identity: FileIdentity) -> Bool {
        size == identity.size && mtimeNs == identity.mtimeNanoseconds
            && inode == Int64(bitPattern: identity.inode) && hostAbi == identity.hostABI
    }

    var outcome: ScanOutcome? {
        if let manifest, let abiMinor, let minor = UInt32(exactly: abiMinor) {
            return .manifest(json: [UInt8](manifest), abiMinor: minor)
        }
        if let failure { return .failed(message: failure) }
        return nil
    }
}
