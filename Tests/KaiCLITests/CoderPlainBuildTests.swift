import Foundation
import KaiJSON
import KaiTestSupport
import Testing

/// The coder agent is a third-party plugin in all but location: its one C
/// file builds with plain cc against the SDK headers alone (no SwiftPM, no
/// Kai library) into a .so that kai loads as an ABI 1.2 agent plugin.
@Suite struct CoderPlainBuildTests {
    static let source = Fixtures.repositoryRoot + "/Plugins/Agents/Coder/coder.c"

    @Test func coderSource_buildsWithPlainCCAndLoadsAsAnAgentPlugin() throws {
        // cc -std=c11 -Wall -Wextra -Werror -shared -fPIC -fvisibility=hidden -I plugin-sdk/include
        let library = try Fixtures.compile("kai_coder_plain", source: Self.source)
        let outcome = try KaiProcess.run(["plugins", "list", "--json", "--plugin-path", library, "--no-bundled-plugins"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let plugins = try #require(try JSONParser.parse(outcome.stdout).arrayValue)
        #expect(plugins.count == 1)
        let coder = try #require(plugins.first)
        #expect(coder["id"] == "dev.kai.coder")
        #expect(coder["abiMinor"] == 2)
        #expect(coder["path"] == .string(library))
        #expect(coder["status"] == "active")
        #expect(coder["capabilities"] == [["kind": "agent", "name": "coder"]])

        let table = try KaiProcess.run(["plugins", "list", "--plugin-path", library, "--no-bundled-plugins"])
        #expect(table.status == 0, "\(table.stderr)")
        let row = try #require(table.stdout.split(separator: "\n").first { $0.hasPrefix("dev.kai.coder") })
        #expect(row.split(separator: " ", omittingEmptySubsequences: true).prefix(3) == ["dev.kai.coder", "1.0.0", "1.2"])
    }

    /// What a third party ships depends on libc alone (a SwiftPM-built C
    /// plugin links the Swift runtime through swiftc; this one must not).
    @Test func coderBuiltWithPlainCC_needsOnlyLibc() throws {
        let library = try Fixtures.compile("kai_coder_plain", source: Self.source)
        let needed = try ELFNeeded.libraries(of: library)
        #expect(needed == ["libc.so.6"])
    }

    /// The manifest's agent is described to the user as the issue asks.
    @Test func pluginsInfo_showsTheCoderAgentWithItsTags() throws {
        let library = try Fixtures.compile("kai_coder_plain", source: Self.source)
        let outcome = try KaiProcess.run(["plugins", "info", "dev.kai.coder", "--plugin-path", library, "--no-bundled-plugins"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("abi:         1.2\n"))
        #expect(outcome.stdout.contains("  agent coder [parallel] — Writes a Python solution for a task that comes with tests"))
    }
}

/// DT_NEEDED entries of a shared object, read from its ELF dynamic section
/// (64-bit little-endian, as built here), without binutils.
enum ELFNeeded {
    static func libraries(of path: String) throws -> [String] {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        func u32(_ at: Int) -> Int { u16(at) | u16(at + 2) << 16 }
        func u64(_ at: Int) -> Int { u32(at) | u32(at + 4) << 32 }
        guard bytes.count > 64, bytes[0..<4] == [0x7f, 0x45, 0x4c, 0x46], bytes[4] == 2 else {
            throw FixtureError(message: "\(path) is not a 64-bit ELF file")
        }
        let (sectionOffset, sectionSize, sectionCount) = (u64(0x28), u16(0x3A), u16(0x3C))
        let sections = (0..<sectionCount).map { sectionOffset + $0 * sectionSize }
        // SHT_DYNAMIC (6); its sh_link is the string table it names.
        guard let dynamic = sections.first(where: { u32($0 + 4) == 6 }) else { return [] }
        let strings = u64(sections[u32(dynamic + 40)] + 24)
        let (start, size) = (u64(dynamic + 24), u64(dynamic + 32))
        return stride(from: start, to: start + size, by: 16).compactMap { entry -> String? in
            guard u64(entry) == 1 else { return nil } // DT_NEEDED
            let name = strings + u64(entry + 8)
            let end = bytes[name...].firstIndex(of: 0) ?? name
            return String(decoding: bytes[name..<end], as: UTF8.self)
        }
    }
}
