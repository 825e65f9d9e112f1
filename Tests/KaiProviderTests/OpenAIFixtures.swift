import CKaiABI
import Foundation
import KaiJSON
import KaiTestSupport

/// The built plugin, configs for it, and requests, shared by the tests.
enum OpenAIFixtures {
    static let pluginPath = Fixtures.buildDirectory + "/libKaiPluginOpenAI.so"

    /// A config with one endpoint named "scripted" (no model list: any
    /// model goes to it, and the model picks the server's script).
    static func config(_ baseURL: String, endpoint extra: JSONObject = [:], top: JSONObject = [:]) -> JSONValue {
        var endpoint: JSONObject = ["name": "scripted", "base_url": .string(baseURL)]
        for (key, value) in extra { endpoint[key] = value }
        var config: JSONObject = ["endpoints": [.object(endpoint)]]
        for (key, value) in top { config[key] = value }
        return .object(config)
    }

    static func harness(_ server: ScriptedOpenAIServer, endpoint: JSONObject = [:], top: JSONObject = [:],
                        offersCancelFD: Bool = true) throws -> ProviderHarness {
        try ProviderHarness(path: pluginPath, config: config(server.baseURL, endpoint: endpoint, top: top), offersCancelFD: offersCancelFD)
    }

    /// A one-message chat request for `model`.
    static func request(_ model: String, _ text: String = "hi") -> String {
        JSONValue.object(["model": .string(model), "messages": [["role": "user", "content": .string(text)]]]).serialized()
    }

    /// A port nothing listens on: bound by the kernel's choice, then closed.
    static func closedPort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                _ = bind(fd, pointer, length)
                return getsockname(fd, pointer, &length)
            }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

extension CallOutcome {
    /// The text deltas, joined.
    var streamedText: String {
        events.compactMap { if case .text(let text) = $0 { text } else { nil } }.joined()
    }

    var toolCallDeltas: [RecordedEvent] {
        events.filter { if case .toolCall = $0 { true } else { false } }
    }

    var terminalEvents: [RecordedEvent] {
        events.filter {
            switch $0 {
            case .done, .error: true
            default: false
            }
        }
    }
}
