import Foundation
@testable import KaiRegistry
import Testing

/// Review item 17: one typed cause per way SQLite fails, derived from its
/// result code in one place, and one wording of each cause's fix.
struct StoreErrorCauseTests {
    static func failure(_ sqliteCode: Int32) -> StoreError {
        var error = StoreError(.cannotOpen, "registry: cannot open /data/kai/registry.sqlite: boom")
        error.sqliteCode = sqliteCode
        return error
    }

    @Test(arguments: [
        (Int32(13), StoreError.Cause.diskFull), (8, .readOnly), (14, .readOnly), (5, .locked), (6, .locked),
        (10, .ioError), (11, .damaged), (26, .damaged),
    ])
    func cause_ofEachSQLiteCode(code: Int32, cause: StoreError.Cause) {
        #expect(Self.failure(code).cause == cause)
    }

    @Test func cause_ofACodeWithNoFix_isNil() {
        #expect(Self.failure(19).cause == nil)  // SQLITE_CONSTRAINT
        #expect(StoreError(.notFound, "no such plugin").cause == nil)
        #expect(StoreError.damaged(path: nil).cause == .damaged)
    }

    @Test(arguments: [(Int32, String)]([
        (Int32(13), String("free space on the file system holding /data/kai/registry.sqlite")),
        (8, "kai must be able to write /data/kai/registry.sqlite and create files in /data/kai: check that they are writable "
            + "(not on a read-only mount) or give --database another file"),
        (5, "another process held the registry's write lock past the busy timeout: find it with `fuser /data/kai/registry.sqlite`, let it finish"),
        (10, "the disk holding /data/kai/registry.sqlite reported an I/O error: check it"),
    ]))
    func withOpenFix_appendsTheCausesFix(code: Int32, fix: String) {
        let fixed = Self.failure(code).withOpenFix(path: "/data/kai/registry.sqlite")
        #expect(fixed.message == "registry: cannot open /data/kai/registry.sqlite: boom; " + fix)
        #expect(fixed.sqliteCode == code)
    }

    @Test func withOpenFix_leavesADamagedFilesMessageAlone() {
        var damaged = StoreError.damaged(path: "/data/kai/registry.sqlite")
        damaged.sqliteCode = 11
        #expect(damaged.withOpenFix(path: "/data/kai/registry.sqlite") == damaged)
    }
}
