import Foundation
import KaiCore
import KaiJSON
import KaiTestSupport

/// The probe plugin (Tests/Fixtures/probe_plugin.c): reports what its
/// worker process can see — descriptors, identity, environment.
enum Probe {
    static func path(id: String = "test.probe") throws -> String {
        try Fixtures.compile(id.replacingOccurrences(of: ".", with: "_").replacingOccurrences(of: "-", with: "_"), source: Fixtures.repositoryRoot + "/Tests/Fixtures/probe_plugin.c",
                             flags: ["-DPROBE_ID=\"\(id)\""])
    }

    /// A host running the probe under `isolation`, with `settings` applied.
    static func host(_ isolation: PluginIsolation, id: String = "test.probe",
                     configure: (inout PluginSettings) -> Void = { _ in }) throws -> PluginHost {
        var settings = PluginSettings(config: .object([:]), isolation: isolation, worker: Workers.policy())
        configure(&settings)
        return PluginHost.load(from: ListCatalog(sources: [PluginSource(path: try path(id: id), settings: settings)]),
                               scanning: .inProcess)
    }

    /// Why `isolation: sandbox` cannot run on this machine, or nil (see
    /// SandboxProbe: user namespaces, and a /proc of its own). Tests of it
    /// print this and skip.
    static func sandboxMissing(_ isolation: PluginIsolation = .sandbox) -> String? {
        isolation == .sandbox ? SandboxProbe.missing() : nil
    }

    /// The strings of array `key` in a probe's answer.
    static func strings(_ value: JSONValue, _ key: String) -> [String] {
        value[key]?.arrayValue?.compactMap(\.stringValue) ?? []
    }
}
