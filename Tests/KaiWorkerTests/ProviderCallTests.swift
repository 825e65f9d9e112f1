import Foundation
import KaiCore
import KaiJSON
import KaiTestSupport
import Synchronization
import Testing

/// Providers through the host core's one call path (kai_provider.h), in the
/// host process and in a worker: streaming, the accumulated response, its
/// validation, model listing, STOP and the cancel fd.
@Suite struct ProviderCallTests {
    static let isolations: [PluginIsolation] = [.inprocess, .process]

    static func providerPath() throws -> String {
        try Fixtures.compile("test_provider", source: Fixtures.repositoryRoot + "/Tests/Fixtures/provider_plugin.c")
    }

    static func host(_ isolation: PluginIsolation, observer: (any CallObserver)? = nil) throws -> PluginHost {
        let settings = PluginSettings(config: .object([:]), isolation: isolation, worker: Workers.policy())
        return PluginHost.load(from: ListCatalog(sources: [PluginSource(path: try providerPath(), settings: settings)]),
                               observer: observer, scanning: .inProcess)
    }

    static func chat(_ text: String, extra: String = "") -> [UInt8] {
        Array(#"{"messages":[{"role":"system","content":"be brief"},{"role":"user","content":"\#(text)"}]\#(extra)}"#.utf8)
    }

    final class Events: Sendable {
        let seen = Mutex<[ToolEvent]>([])
        var handler: ToolEventHandler { { event in self.seen.withLock { $0.append(event) }; return .continue } }
        var texts: [String] { seen.withLock { $0.compactMap { if case .textDelta(let t) = $0 { t } else { nil } } } }
    }

    @Test(arguments: isolations)
    func callProvider_streamsDeltas_andReturnsTheWholeValidatedResponse(isolation: PluginIsolation) throws {
        let recorder = Recorder()
        let host = try Self.host(isolation, observer: recorder)
        let events = Events()
        let result = try host.callProvider("echo/echo-2", request: Self.chat("hello"), options: CallOptions(onEvent: events.handler))
        #expect(events.texts == ["you ", "said: ", "hello"])
        #expect(result.content == "you said: hello")
        #expect(result.finishReason == "stop")
        #expect(result.model == "echo-2")
        #expect(result.usage == ProviderUsage(inputTokens: 7, outputTokens: 3, costUSD: 0.5))
        #expect(result.timeToFirstTokenNanoseconds != nil)
        let report = try #require(recorder.reports.withLock { $0.last })
        #expect(report.capabilityKind == .provider && report.tool == "test.provider.echo" && report.succeeded)
        #expect(report.model == "echo-2" && report.usage == result.usage && report.timeToFirstTokenNanoseconds != nil)
    }

    @Test(arguments: isolations)
    func callProvider_withoutStreaming_getsNoDeltasAndNoTimeToFirstToken_andTheReportHasTheResponsesUsage(
        isolation: PluginIsolation
    ) throws {
        let recorder = Recorder()
        let result = try Self.host(isolation, observer: recorder).callProvider("test.provider.echo", request: Self.chat("hi"))
        #expect(result.content == "you said: hi" && result.model == "echo-1" && result.timeToFirstTokenNanoseconds == nil)
        let report = try #require(recorder.reports.withLock { $0.last })
        #expect(report.model == "echo-1" && report.usage == ProviderUsage(inputTokens: 7, outputTokens: 3, costUSD: 0.5))
    }

    @Test(arguments: isolations)
    func toolCallDeltas_reachTheCaller_andTheResponseCarriesTheParsedCall(isolation: PluginIsolation) throws {
        let tools = #","tools":[{"name":"lookup","inputSchema":{"type":"object"}}],"tool_choice":{"name":"lookup"}"#
        let events = Events()
        let result = try Self.host(isolation).callProvider("echo", request: Self.chat("TOOL", extra: tools),
                                                           options: CallOptions(onEvent: events.handler))
        let deltas = events.seen.withLock { $0.compactMap { if case .toolCallDelta(let i, let id, let n, let a) = $0 { "\(i)|\(id)|\(n)|\(a)" } else { nil } } }
        #expect(deltas == ["0|call_1|lookup|{\"q\":", "0|||1}"])
        #expect(result.finishReason == "tool_calls")
        #expect(result.toolCalls == [["id": "call_1", "name": "lookup", "arguments": ["q": 1]]])
    }

    @Test(arguments: isolations)
    func listModels_asksTheProviderAtRunTime(isolation: PluginIsolation) throws {
        let models = try Self.host(isolation).listModels(provider: "echo")
        #expect(models == [ProviderModel(id: "echo-1", description: nil, contextLength: 4096, isDefault: true),
                           ProviderModel(id: "echo-2", description: nil, contextLength: nil, isDefault: false)])
    }

    @Test(arguments: isolations)
    func aResponseBreakingTheSchema_isThePluginsFault(isolation: PluginIsolation) throws {
        let error = try #require(throws: CallError.self) { try Self.host(isolation).callProvider("broken", request: Self.chat("x")) }
        #expect(error.description(for: .provider) == """
            provider "test.provider.broken" returned a response that does not match the chat response schema \
            (plugin-sdk/schema/chat-response.schema.json; a bug in the plugin):
              $.finish_reason: "done" is not one of ["stop", "length", "tool_calls", "content_filter", "stopped"] (enum)
            """)
        #expect(error.code == .internal)
    }

    @Test func aRequestBreakingTheSchema_isRefusedBeforeTheProviderSeesIt() throws {
        let error = try #require(throws: CallError.self) {
            try Self.host(.inprocess).callProvider("echo", request: Array(#"{"messages":[],"temperature":9}"#.utf8))
        }
        #expect(error.description(for: .provider) == """
            the request for provider "test.provider.echo" does not match the chat request schema \
            (plugin-sdk/schema/chat-request.schema.json):
              $.messages: array has 0 items, fewer than the minimum of 1 (minItems)
              $.temperature: 9 is greater than the maximum of 2 (maximum)
            """)
    }

    @Test func anUnknownProvider_isNamedWithASuggestion() throws {
        let error = try #require(throws: CallError.self) { try Self.host(.inprocess).callProvider("ecko/x", request: Self.chat("hi")) }
        #expect(error.description == #"no provider named "ecko". Did you mean "echo"? Run 'kai providers list' to see the providers."#)
    }

    @Test(arguments: isolations)
    func aSinkAnsweringStop_endsTheStream_withFinishStopped(isolation: PluginIsolation) throws {
        let count = Atomic<Int>(0)
        let options = CallOptions(onEvent: { _ in count.add(1, ordering: .relaxed).newValue >= 5 ? .stop : .continue })
        let result = try Self.host(isolation).callProvider("echo", request: Self.chat("STOPME"), options: options)
        #expect(result.finishReason == "stopped")
        #expect(count.load(ordering: .relaxed) == 5)
    }

    /// The fixture blocks in poll() on the cancel fd (30 s at most, then it
    /// fails the test with "never turned readable"): only the fd wakes it.
    @Test(arguments: isolations)
    func cancelling_wakesAProviderBlockedOnItsCancelFD(isolation: PluginIsolation) throws {
        let host = try Self.host(isolation)
        let token = CancellationToken()
        let outcome = Mutex<CallError?>(nil)
        let finished = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            do throws(CallError) {
                _ = try host.callProvider("echo", request: Self.chat("HANG"), options: CallOptions(cancellation: token))
            } catch {
                outcome.withLock { $0 = error }
            }
            finished.signal()
        }
        token.cancel()
        #expect(finished.wait(timeout: .now() + 20) == .success)
        let error = try #require(outcome.withLock { $0 })
        #expect(error.code == .cancelled)
    }
}

extension ProviderCallTests {
    /// Each call that asks for its cancel fd gets one, closed or kept for a
    /// later call when the call's context goes: a leak would hand out a new
    /// number every call, while closed or kept ones are reused (other tests
    /// running at once may take a few numbers in between, never fifty).
    @Test func cancelFDs_areClosedAfterTheirCalls() throws {
        let host = try Self.host(.inprocess)
        var numbers = Set<Int64>()
        for _ in 0..<50 {
            let fd = try #require(try host.call("test.provider.cancel_fd", "{}")["fd"]?.intValue)
            #expect(fd >= 0)
            numbers.insert(fd)
        }
        #expect(numbers.count < 25, "cancel fds handed out: \(numbers.sorted())")
    }

    /// A cancel fd that was raised (its call cancelled) is never handed to a
    /// later call: that call would see itself cancelled at once. Calls whose
    /// fds were never raised get quiet ones, reused or new.
    @Test func aRaisedCancelFD_isNotHandedToALaterCall() throws {
        let host = try Self.host(.inprocess)
        for _ in 0..<3 {
            let token = CancellationToken()
            let finished = DispatchSemaphore(value: 0)
            Thread.detachNewThread {
                _ = try? host.callProvider("echo", request: Self.chat("HANG"), options: CallOptions(cancellation: token))
                finished.signal()
            }
            token.cancel()
            #expect(finished.wait(timeout: .now() + 20) == .success)
        }
        for _ in 0..<20 {
            let answer = try host.call("test.provider.cancel_fd", "{}")
            #expect(answer["readable"] == false, "call got a raised cancel fd: \(answer)")
        }
    }

    /// A plugin that writes to its cancel fd (against the contract) must
    /// not cancel a later call: that fd is not kept for one.
    @Test func aCancelFDThePluginWroteTo_isNotHandedToALaterCall() throws {
        let host = try Self.host(.inprocess)
        for _ in 0..<3 {
            let answer = try host.call("test.provider.cancel_fd", #"{"then": "write"}"#)
            #expect(answer["readable"] == false, "\(answer)")
            for _ in 0..<5 {
                let later = try host.call("test.provider.cancel_fd", "{}")
                #expect(later["readable"] == false, "a later call got the written fd: \(later)")
            }
        }
    }

    /// A plugin that closes its cancel fd: the number may be another file's
    /// by the time the call ends (here a file of ours opened at once). The
    /// host neither hands that file to a later call as its cancel fd nor
    /// closes it.
    @Test func aCancelFDThePluginClosed_isNeitherReusedNorClosed_whenItsNumberIsAnotherFile() throws {
        let host = try Self.host(.inprocess)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kai-cancel-\(UUID().uuidString.prefix(8))").path
        defer { unlink(path) }
        var opened: [Int32] = []
        defer { for fd in opened { close(fd) } }
        for _ in 0..<3 {
            let answer = try host.call("test.provider.cancel_fd", #"{"then": "close"}"#)
            let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)  // takes the lowest free number: likely the closed one
            #expect(fd >= 0)
            opened.append(fd)
            #expect(answer["fd"]?.intValue != nil)
            for _ in 0..<5 {
                let later = try host.call("test.provider.cancel_fd", "{}")
                #expect(later["readable"] == false, "a later call got another file as its cancel fd: \(later)")
            }
        }
        for fd in opened { #expect(fcntl(fd, F_GETFD) >= 0, "fd \(fd), ours, was closed by the host") }
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int == 0, "nothing was written into our file")
    }
}

/// kai_host.provider_complete and provider_stream: a plugin (an agent, soon)
/// asking a provider through the host, in-process and from a worker.
@Suite struct ProviderServiceTests {
    @Test(arguments: ProviderCallTests.isolations)
    func providerComplete_fromAPlugin_answersTheValidatedResponse(isolation: PluginIsolation) throws {
        let recorder = Recorder()
        let host = try ProviderCallTests.host(isolation, observer: recorder)
        let result = try host.call("test.provider.ask", #"{"text": "nested"}"#)
        #expect(result["message"]?["content"] == "you said: nested")
        #expect(result["model"] == "echo-2")
        let nested = recorder.reports.withLock { $0.first { $0.tool == "test.provider.echo" } }
        #expect(nested?.depth == 1 && nested?.model == "echo-2")
    }

    @Test(arguments: ProviderCallTests.isolations)
    func providerStream_fromAPlugin_deliversDeltasThenOneDone(isolation: PluginIsolation) throws {
        let result = try ProviderCallTests.host(isolation).call("test.provider.ask_stream", #"{"text": "hi"}"#)
        #expect(result == ["deltas": 3, "terminal": "done", "finish": "stop"])
    }

    /// The sink answers STOP at the third delta of an endless stream: it
    /// sees no fourth, then exactly one terminal event.
    @Test(arguments: ProviderCallTests.isolations)
    func providerStream_fromAPlugin_sendsNoDeltaAfterTheSinksStop(isolation: PluginIsolation) throws {
        let result = try ProviderCallTests.host(isolation).call("test.provider.ask_stream", #"{"text": "STOPME"}"#)
        #expect(result["deltas"] == 3 && result["terminal"] == "done")
    }
}

/// CallOptions.validatedMessages: an agent's history only grows, so the
/// messages a provider call already had validated are not checked again;
/// everything else still is, and a violation reads as it always did.
@Suite struct ValidatedMessagesTests {
    static func request(_ messages: String) -> [UInt8] {
        Array(#"{"messages": [\#(messages)]}"#.utf8)
    }

    static let good = #"{"role": "user", "content": "hi"}"#
    static let bad = #"{"role": "user", "content": 7}"#

    func call(_ messages: String, validated: Int) throws -> CallError? {
        var options = CallOptions()
        options.validatedMessages = validated
        let host = try ProviderCallTests.host(.inprocess)
        do throws(CallError) {
            _ = try host.callProvider("echo", request: Self.request(messages), options: options)
            return nil
        } catch {
            return error
        }
    }

    @Test func aBadNewMessage_isRefused_withTheSameWordsAsWithoutTheHint() throws {
        let messages = [Self.good, Self.good, Self.bad].joined(separator: ",")
        let plain = try #require(try call(messages, validated: 0))
        let hinted = try #require(try call(messages, validated: 2))
        #expect(hinted.description == plain.description)
        #expect(hinted.description.contains("$.messages[2]"), "\(hinted.description)")
    }

    /// The last message is always checked, however many the hint names.
    @Test func aHintCoveringEveryMessage_stillChecksTheLastOne() throws {
        let error = try #require(try call([Self.good, Self.bad].joined(separator: ","), validated: 9))
        #expect(error.description.contains("$.messages[1]"), "\(error.description)")
        #expect(try call([Self.good, Self.good].joined(separator: ","), validated: 9)?.description == nil)
    }

    /// The members around the messages are checked whatever the hint says.
    @Test func theRestOfTheRequest_isAlwaysChecked() throws {
        var options = CallOptions()
        options.validatedMessages = 1
        let bytes = Array(#"{"messages": [\#(Self.good), \#(Self.good)], "max_tokens": 0}"#.utf8)
        let host = try ProviderCallTests.host(.inprocess)
        #expect(throws: CallError.self) {
            _ = try host.callProvider("echo", request: bytes, options: options)
        }
    }

    /// What the hint vouches for is taken on trust: a message before the
    /// hinted count is not looked at again (the caller proved it equal to
    /// one validated before). Without the hint it is refused.
    @Test func messagesTheHintVouchesFor_areNotCheckedAgain() throws {
        let messages = [Self.bad, Self.good].joined(separator: ",")
        #expect(try call(messages, validated: 0)?.description != nil)
        #expect(try call(messages, validated: 1)?.description == nil)
    }
}
