import Foundation
import KaiCore
@testable import KaiRegistry
import Testing

struct StoreScanCacheTests {
    static let saved = FileIdentity(path: "/p/libx.so", size: 100, mtimeNanoseconds: 5_000_000_001, inode: 42, hostABI: "1.2")
    static let manifest = ScanOutcome.manifest(json: Array(#"{"id":"x"}"#.utf8), abiMinor: 2)

    @Test(arguments: StoreBackendKind.all) func cachedScan_withSameIdentity_returnsTheSavedManifest(_ backend: StoreBackendKind) throws {
        let fixture = try StoreFixture(backend)
        fixture.store.saveScan(Self.saved, Self.manifest)
        #expect(fixture.store.cachedScan(Self.saved) == Self.manifest)
    }

    @Test(arguments: StoreBackendKind.all, [
        ("size", FileIdentity(path: "/p/libx.so", size: 101, mtimeNanoseconds: 5_000_000_001, inode: 42, hostABI: "1.2")),
        ("mtime", FileIdentity(path: "/p/libx.so", size: 100, mtimeNanoseconds: 5_000_000_002, inode: 42, hostABI: "1.2")),
        ("inode", FileIdentity(path: "/p/libx.so", size: 100, mtimeNanoseconds: 5_000_000_001, inode: 43, hostABI: "1.2")),
        ("host ABI", FileIdentity(path: "/p/libx.so", size: 100, mtimeNanoseconds: 5_000_000_001, inode: 42, hostABI: "1.3")),
        ("path", FileIdentity(path: "/p/liby.so", size: 100, mtimeNanoseconds: 5_000_000_001, inode: 42, hostABI: "1.2")),
    ])
    func cachedScan_whenOneIdentityFieldDiffers_misses(_ backend: StoreBackendKind, _ change: (String, FileIdentity)) throws {
        let (field, changed) = change
        let fixture = try StoreFixture(backend)
        fixture.store.saveScan(Self.saved, Self.manifest)
        #expect(fixture.store.cachedScan(changed) == nil, "a changed \(field) must force a rescan")
    }

    @Test(arguments: StoreBackendKind.all) func saveScan_replacesTheOldOutcome_andKeepsFailures(_ backend: StoreBackendKind) throws {
        let fixture = try StoreFixture(backend)
        fixture.store.saveScan(Self.saved, Self.manifest)
        let rebuilt = FileIdentity(path: "/p/libx.so", size: 7, mtimeNanoseconds: 9, inode: 42, hostABI: "1.2")
        fixture.store.saveScan(rebuilt, .failed(message: "ABI major 2 is not supported"))
        #expect(fixture.store.cachedScan(rebuilt) == .failed(message: "ABI major 2 is not supported"))
        #expect(fixture.store.cachedScan(Self.saved) == nil)
        #expect(try fixture.scalar("SELECT COUNT(*) FROM scan_cache", as: Int.self) == 1)
        #expect(fixture.errors.all.isEmpty)
    }

    @Test(arguments: StoreBackendKind.all) func saveScan_hashesTheFile_andRecordPluginReusesTheHash(_ backend: StoreBackendKind) throws {
        let fixture = try StoreFixture(backend)
        let file = fixture.directory + "/libabc.so"
        try Data("abc".utf8).write(to: URL(fileURLWithPath: file))
        let identity = try #require(FileIdentity.of(path: file))
        fixture.store.saveScan(identity, Self.manifest)
        try Data("changed".utf8).write(to: URL(fileURLWithPath: file))  // the cached hash must win
        try fixture.store.recordPlugin(PluginRow(id: "abc", identity: identity, manifestJSON: "{}", failureReason: nil))
        let sha = try fixture.scalar("SELECT sha256 FROM plugins WHERE id = 'abc'", as: String.self)
        #expect(sha == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}

struct StoreSHA256Tests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
    ])
    func hex_matchesFIPSVectors(message: String, digest: String) {
        #expect(SHA256.hex(Array(message.utf8)) == digest)
    }

    @Test func hexOfFile_millionAs_matchesFIPSVector() throws {
        let file = StoreFixture.makeDirectory() + "/a"
        try Data(repeating: UInt8(ascii: "a"), count: 1_000_000).write(to: URL(fileURLWithPath: file))
        #expect(SHA256.hex(ofFile: file) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        #expect(SHA256.hex(ofFile: file + ".missing") == nil)
    }

    @Test func hex_whenFedInOddChunks_matchesOneShot() {
        let bytes = (0 ..< 1000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        var hasher = SHA256()
        var start = 0
        for size in [1, 63, 64, 65, 127, 300, 380] {
            hasher.update(bytes[start ..< start + size])
            start += size
        }
        #expect(start == 1000)
        #expect(SHA256.hexString(hasher.finish()) == SHA256.hex(bytes))
    }
}
