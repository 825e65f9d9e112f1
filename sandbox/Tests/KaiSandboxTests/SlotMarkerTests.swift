import Foundation
import KaiSandbox
import KaiTestSupport
import Testing

/// A root launcher keeps each network namespace slot's unused marker inside
/// the slot's lock file (`fresh` or `taken`, overwritten in place), in
/// /run/kai-sandbox/slots: a run creates and removes no file there, since
/// every concurrent run queued on that directory's lock to do so.
@Suite(.requiresRoot, .requiresNamespaces) struct SlotMarkerTests {
    @Test func rootRuns_keepTheMarkerInTheLockFile_andMakeNoMarkerFiles() throws {
        for _ in 0..<3 {
            let report = try Sandbox().run(SandboxRequest(command: ["/bin/true"]))
            #expect(report.status == .ok, "\(report.rawJSON)")
        }
        let directory = "/run/kai-sandbox/slots"
        let names = try FileManager.default.contentsOfDirectory(atPath: directory)
        #expect(names.contains("slot-0.lock") && names.contains("net-0"), "\(names)")
        let unexpected = names.filter { name in
            let number = name.hasPrefix("slot-") && name.hasSuffix(".lock") ? name.dropFirst(5).dropLast(5)
                : name.hasPrefix("net-") ? name.dropFirst(4) : ""
            return number.isEmpty || !number.allSatisfy(\.isNumber)
        }
        #expect(unexpected.isEmpty, "files other than slot-N.lock and net-N: \(unexpected)")
        for name in names where name.hasSuffix(".lock") {
            let marker = String(decoding: FileManager.default.contents(atPath: directory + "/" + name) ?? Data(), as: UTF8.self)
            #expect(["", "fresh", "taken"].contains(marker), "\(name): \(marker)")
        }
    }
}
