import Glibc
import KaiCore
import KaiJSON
import Synchronization

/// Provider calls through the host, driven by bench/providers_bench.py.
///
/// `latency`: `host.callProvider` on the bundled openai plugin against a
/// local mock server, in rounds read from stdin ("plain N" / "stream N", one
/// JSON line of samples each), so the driver interleaves them with raw
/// libcurl's rounds on warm connections. A plain sample is the whole call;
/// a stream sample is the time to the first text delta, on this clock.
///
/// `tokens`: generation speed of a provider (the local plugin): each round
/// one call, its output tokens (usage) and its wall time.
enum ProviderBench {
    static func runLatency(plugin: String, config: String, provider: String) {
        let host = load(plugin: plugin, config: config)
        while let line = readLine() {
            let words = line.split(separator: " ")
            guard words.count == 2, let count = Int(words[1]), count >= 1, words[0] == "plain" || words[0] == "stream" else {
                Bench.fail("expected 'plain N' or 'stream N', got '\(line)'", code: 64)
            }
            let streaming = words[0] == "stream"
            var samples: [String] = []
            samples.reserveCapacity(count)
            for _ in 0..<count {
                samples.append(String(streaming ? timeToFirstToken(host, provider) : wholeCall(host, provider)))
            }
            print("{\"samples_ns\": [\(samples.joined(separator: ", "))]}")
            fflush(nil)  // stdout is a pipe: each round's line must reach the driver now
        }
        host.shutdown()
    }

    static func runTokens(plugin: String, config: String, provider: String, request: String, rounds: Int) {
        let host = load(plugin: plugin, config: config)
        var rows: [String] = []
        for _ in 0..<rounds {
            let started = Bench.now()
            let result: ProviderResult
            do { result = try host.callProvider(provider, request: Array(request.utf8)) } catch {
                Bench.fail("\(provider) failed: \(error.description(for: .provider))")
            }
            let elapsed = Bench.now() - started
            guard let usage = result.usage else { Bench.fail("\(provider) reported no usage") }
            rows.append("{\"output_tokens\": \(usage.outputTokens), \"input_tokens\": \(usage.inputTokens), \"ns\": \(elapsed), "
                        + "\"finish_reason\": \(Bench.quoted(result.finishReason))}")
        }
        print("{\"rounds\": [\(rows.joined(separator: ", "))]}")
        host.shutdown()
    }

    static let request = Array(#"{"messages":[{"role":"user","content":"hi"}]}"#.utf8)

    static func wholeCall(_ host: PluginHost, _ provider: String) -> Int64 {
        let started = Bench.now()
        do { blackhole &+= try host.callProvider(provider, request: request).json.count } catch {
            Bench.fail("\(provider) failed: \(error.description(for: .provider))")
        }
        return Bench.now() - started
    }

    static func timeToFirstToken(_ host: PluginHost, _ provider: String) -> Int64 {
        let first = Atomic<Int64>(0)
        let options = CallOptions(onEvent: { event in
            if case .textDelta(let text) = event, !text.isEmpty, first.load(ordering: .relaxed) == 0 {
                first.store(Bench.now(), ordering: .relaxed)
            }
            return .continue
        })
        let started = Bench.now()
        do { blackhole &+= try host.callProvider(provider, request: request, options: options).json.count } catch {
            Bench.fail("\(provider) failed: \(error.description(for: .provider))")
        }
        let at = first.load(ordering: .relaxed)
        guard at != 0 else { Bench.fail("\(provider) streamed no text") }
        return at - started
    }

    static func load(plugin: String, config: String) -> PluginHost {
        guard let json = try? JSONParser.parse(Array(config.utf8)) else { Bench.fail("the config is not JSON: \(config)") }
        let host = PluginHost.load(from: SourceCatalog(sources: [PluginSource(path: plugin, config: json)]))
        if let failure = host.failures.first { Bench.fail("could not load \(failure)") }
        return host
    }
}

/// Exactly the given sources, each with its own settings.
struct SourceCatalog: PluginCatalog {
    let sources: [PluginSource]
    func pluginSources() -> [PluginSource] { sources }
}
