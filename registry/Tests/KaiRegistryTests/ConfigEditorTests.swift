import Foundation
@testable import KaiRegistry
import Testing

/// `kai plugins enable|disable` edits only the line it must.
struct ConfigEditorTests {
    static let original = """
        # Kai operator configuration
        payload_logging: false   # keep payloads out of the log

        plugins:
          # bundled
          - path: /usr/lib/kai/plugins
            pattern: "libKaiPlugin*.so"
          - id: dev.kai.text        # the text tools
            enabled: true           # flipped by kai plugins disable
            config: { max_input_bytes: 2048 }
          - id: dev.kai.utils
            status: active
            # more settings later
          - { id: dev.kai.flow, status: active }

        # trailing comment

        """

    private func edit(_ text: String, _ enabled: Bool, _ id: String) throws -> String {
        let scratch = ConfigScratch()
        let path = scratch.write(text)
        try ConfigEditor.setEnabled(enabled, pluginID: id, in: path)
        #expect(try ConfigLoader.load(path: path).entry(forPluginID: id)?.enabled == enabled)
        return scratch.read()
    }

    @Test func setEnabled_existingKey_changesOnlyItsValue() throws {
        let edited = try edit(Self.original, false, "dev.kai.text")
        #expect(edited == Self.original.replacingOccurrences(of: "enabled: true ", with: "enabled: false "))
    }

    @Test func setEnabled_missingKey_insertsItBelowTheID() throws {
        let edited = try edit(Self.original, false, "dev.kai.utils")
        #expect(edited == Self.original.replacingOccurrences(
            of: "  - id: dev.kai.utils\n", with: "  - id: dev.kai.utils\n    enabled: false\n"))
    }

    @Test func setEnabled_flowEntry_insertsIntoTheBraces() throws {
        let edited = try edit(Self.original, false, "dev.kai.flow")
        #expect(edited == Self.original.replacingOccurrences(
            of: "{ id: dev.kai.flow, status", with: "{ id: dev.kai.flow, enabled: false, status"))
    }

    @Test func setEnabled_unknownID_appendsAnEntryAfterTheLastOne() throws {
        let edited = try edit(Self.original, false, "com.example.new")
        #expect(edited == Self.original.replacingOccurrences(
            of: "status: active }\n", with: "status: active }\n  - id: com.example.new\n    enabled: false\n"))
    }

    @Test func setEnabled_enableAgain_roundTrips() throws {
        let disabled = try edit(Self.original, false, "dev.kai.text")
        #expect(try edit(disabled, true, "dev.kai.text") == Self.original)
    }

    @Test(arguments: [
        ("# nothing yet\n", "# nothing yet\nplugins:\n  - id: dev.x\n    enabled: false\n"),
        ("", "plugins:\n  - id: dev.x\n    enabled: false\n"),
        ("payload_logging: true", "payload_logging: true\nplugins:\n  - id: dev.x\n    enabled: false\n"),
        ("plugins:   # none\ndatabase: /d\n", "plugins:   # none\n  - id: dev.x\n    enabled: false\ndatabase: /d\n"),
        ("plugins: [] # none\n", "plugins: # none\n  - id: dev.x\n    enabled: false\n"),
        ("plugins:\n- path: /a\n# next\ndatabase: /d\n", "plugins:\n- path: /a\n- id: dev.x\n  enabled: false\n# next\ndatabase: /d\n"),
    ])
    func setEnabled_withoutAPluginsList_createsOne(before: String, after: String) throws {
        #expect(try edit(before, false, "dev.x") == after)
    }

    @Test func setEnabled_whenFileIsInvalid_throwsItsErrorAndLeavesItAlone() {
        let scratch = ConfigScratch()
        let path = scratch.write("plugins:\n  - id: dev.x\n    enabeld: true\n")
        #expect(throws: ConfigError.self) { try ConfigEditor.setEnabled(false, pluginID: "dev.x", in: path) }
        #expect(scratch.read() == "plugins:\n  - id: dev.x\n    enabeld: true\n")
    }

    @Test func setEnabled_flowList_refusesAndLeavesTheFileAlone() {
        let scratch = ConfigScratch()
        let text = "plugins: [{ path: /a }]\n"
        let path = scratch.write(text)
        #expect(performing: { try ConfigEditor.setEnabled(false, pluginID: "dev.x", in: path) }, throws: {
            ($0 as? ConfigError)?.description
                == "\(path): plugins is not a block list (\"- id: …\" lines), so it cannot be edited automatically. Edit the file by hand."
        })
        #expect(scratch.read() == text)
    }

    @Test func setEnabled_keepsPermissions_andLeavesNoTemporaryFile() throws {
        let scratch = ConfigScratch()
        let path = scratch.write(Self.original)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        try ConfigEditor.setEnabled(false, pluginID: "dev.kai.text", in: path)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.directory) == ["kai.yaml"])
    }

    @Test func setEnabled_throughSymlink_editsTheTarget() throws {
        let scratch = ConfigScratch()
        let target = scratch.write(Self.original, to: "real.yaml")
        let link = scratch.directory + "/kai.yaml"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        try ConfigEditor.setEnabled(false, pluginID: "dev.kai.text", in: link)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == target)
        #expect(try ConfigLoader.load(path: target).entry(forPluginID: "dev.kai.text")?.enabled == false)
    }
}
