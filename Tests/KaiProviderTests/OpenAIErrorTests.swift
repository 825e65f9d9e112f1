import CKaiABI
import Foundation
import KaiCore
import KaiJSON
import KaiTestSupport
import Testing

/// What the openai plugin says when a server fails, refuses, hangs or
/// drops the connection — through the host, as a user sees it — and that
/// a cancel or a deadline ends a call blocked on a silent server.
@Suite struct OpenAIErrorTests {
    let server: ScriptedOpenAIServer
    let host: OpenAIHost

    init() throws {
        server = try ScriptedOpenAIServer()
        host = OpenAIHost(config: OpenAIFixtures.config(server.baseURL))
    }

    var chatURL: String { server.baseURL + "/chat/completions" }

    @Test func http500_isUnavailable_andSaysTheServerFailed() {
        let error = host.stream(OpenAIFixtures.request("fail-500")).error
        #expect(error?.code == .unavailable)
        #expect(error?.description == "tool \"dev.kai.openai.openai\" failed (UNAVAILABLE): endpoint scripted (\(chatURL)) failed: HTTP 500 (the server gave no message)")
    }

    @Test func http500_onToolChoiceRequired_saysWhatToTry() {
        let request = #"{"model": "fail-500", "messages": [{"role": "user", "content": "x"}], "tool_choice": "required", "tools": [{"name": "t", "inputSchema": {"type": "object"}}]}"#
        let error = host.complete(request).error
        #expect(error?.description.hasSuffix(#"failed: HTTP 500 (the server gave no message); some servers (llama-cpp-python) fail on tool_choice "required": try "auto" or name the tool"#) == true)
    }

    @Test func http401_withoutAKeyConfigured_namesTheSecretToSet() {
        let error = host.complete(OpenAIFixtures.request("fail-401")).error
        #expect(error?.code == .permissionDenied)
        #expect(error?.description.hasSuffix("endpoint scripted (\(chatURL)) refused the API key: HTTP 401: Incorrect API key provided: .; set api_key_secret for endpoint scripted and its secret (secrets: {KEY: ENV_VAR} in the plugin entry)") == true)
    }

    @Test func http404_and429_sayWhatToCheck() {
        let notFound = host.complete(OpenAIFixtures.request("fail-404")).error
        #expect(notFound?.code == .invalidInput)
        #expect(notFound?.description.hasSuffix("endpoint scripted (\(chatURL)) answered HTTP 404: The model `fail-404` does not exist; check base_url (it usually ends in /v1) and the model name") == true)
        let limited = host.stream(OpenAIFixtures.request("fail-429")).error
        #expect(limited?.code == .unavailable)
        #expect(limited?.description.hasSuffix("endpoint scripted (\(chatURL)) is limiting requests: HTTP 429: Rate limit reached; wait and retry, or check the account's quota") == true)
        // With a Retry-After, the error says how long (streamed and not).
        for retried in [host.stream(OpenAIFixtures.request("fail-429-retry")).error,
                        host.complete(OpenAIFixtures.request("fail-429-retry")).error] {
            #expect(retried?.code == .unavailable)
            #expect(retried?.description.hasSuffix("endpoint scripted (\(chatURL)) is limiting requests: HTTP 429: Rate limit reached; wait 7 s (its Retry-After) and retry, or check the account's quota") == true, "\(String(describing: retried))")
        }
    }

    @Test func serverDown_namesTheURLTried() {
        let url = "http://127.0.0.1:\(OpenAIFixtures.closedPort())/v1"
        let error = OpenAIHost(config: OpenAIFixtures.config(url)).stream(OpenAIFixtures.request("text")).error
        #expect(error?.code == .unavailable)
        #expect(error?.description.hasSuffix("could not connect to endpoint scripted (\(url)/chat/completions): connection refused; is the server running? Check base_url in the plugin's config") == true)
    }

    @Test func connectionDroppedMidStream_saysTheResponseWasCutOff() {
        let (_, error, events) = host.stream(OpenAIFixtures.request("drop"))
        #expect(events.first == .textDelta("Hello"))
        #expect(error?.code == .unavailable)
        #expect(error?.description.hasSuffix("endpoint scripted (\(chatURL)) closed the connection before the response was complete; the server may have stopped or restarted: retry") == true)
    }

    @Test func streamEventNotJSON_saysTheServerIsNotOpenAICompatible() {
        let error = host.stream(OpenAIFixtures.request("bad-json")).error
        #expect(error?.code == .unavailable)
        #expect(error?.description.hasSuffix(#"endpoint scripted (\#(server.baseURL)/chat/completions) sent a stream event that is not a JSON object: {"id": "chatcmpl-kai1", "choices": [; is \#(server.baseURL) an OpenAI-compatible API?"#) == true)
    }

    @Test func emptyEventStream_saysTheServerFailedBeforeSendingAnything() {
        let error = host.stream(OpenAIFixtures.request("empty-stream")).error
        #expect(error?.code == .unavailable)
        #expect(error?.description.hasSuffix("endpoint scripted (\(chatURL)) answered with an empty event stream: the server failed before sending anything") == true)
    }

    @Test func cancelWhileTheServerIsSilent_endsTheCallAsCancelled() {
        let token = CancellationToken()
        let server = self.server
        let canceller = Thread {
            server.waitUntilHanging()
            token.cancel()
        }
        canceller.start()
        let error = host.stream(OpenAIFixtures.request("hang"), token: token).error
        #expect(error?.code == .cancelled)
        #expect(error?.description == #"tool "dev.kai.openai.openai" was cancelled."#)
    }

    @Test func cancelAtTheFirstToken_stopsTheStream_withTheTextSoFar() throws {
        // Cancelled inside the handler of the first token, while the server
        // hangs: the host answers that very event STOP (it checks the
        // cancel right after the handler), so the plugin ends the transfer
        // and returns the contract's "stopped" response with the text so
        // far — always; the cancel fd is not needed. (A cancel from another
        // thread races that check: it ends CANCELLED when it comes after
        // it, pinned by cancelWhileTheServerIsSilent_… and the harness test
        // withTheCancelFD_….) The instance's next call works.
        let token = CancellationToken()
        let options = CallOptions(cancellation: token, onEvent: { event in
            if event == .textDelta("first") { token.cancel() }
            return .continue
        })
        let result = try host.host.callProvider("openai", request: Array(OpenAIFixtures.request("hang-first").utf8), options: options)
        #expect(result.finishReason == "stopped")
        #expect(result.content == "first")
        do {
            _ = try host.host.callProvider("openai", request: Array(OpenAIFixtures.request("text").utf8))
        } catch {
            Issue.record("the next call on the same instance failed: \(error)")
        }
    }

    @Test func deadlinePassingWhileTheServerIsSilent_isDeadlineExceeded() {
        let error = host.stream(OpenAIFixtures.request("hang"), timeout: 0.5).error
        #expect(error?.code == .deadlineExceeded)
        // The host's own words, with (when the plugin stopped for the
        // deadline too) the plugin's: the endpoint and URL it waited on.
        #expect(error?.description.hasPrefix(#"tool "dev.kai.openai.openai" passed its deadline of 0.500 s (stopped after "#) == true)
        #expect(error?.description.hasSuffix("the call's deadline passed before endpoint scripted (\(chatURL)) finished answering.") == true
                || error?.description.hasSuffix(" s).") == true, "\(String(describing: error))")
    }

    @Test func endpointTimeout_isDeadlineExceeded_andNamesTheSetting() {
        let host = OpenAIHost(config: OpenAIFixtures.config(server.baseURL, endpoint: ["timeout_s": 0.3]))
        let error = host.complete(OpenAIFixtures.request("hang")).error
        #expect(error?.code == .deadlineExceeded)
        #expect(error?.description.hasSuffix("endpoint scripted (\(chatURL)) did not finish answering in time (timeout_s 0.3 bounds a whole answer when not streaming, connect_timeout_s 10 the connecting); raise them in the endpoint's config or check the server") == true)
    }

    @Test func missingSecretValue_failsCreateNamingTheKey() throws {
        let host = OpenAIHost(config: OpenAIFixtures.config(server.baseURL, endpoint: ["api_key_secret": "openai_key"]))
        let error = host.complete(OpenAIFixtures.request("text")).error
        #expect(error?.code == .unavailable)
        #expect(error?.description.contains(#"endpoint scripted: api_key_secret names "openai_key", but the config has no value for it; add secrets: {openai_key: ENV_VAR} to the plugin entry and export ENV_VAR"#) == true)
    }
}

/// Cancellation through the plugin's fallback, for hosts without the
/// cancel fd extension: is_cancelled polled while curl waits.
@Suite struct OpenAICancelFallbackTests {
    @Test func withoutTheCancelFD_aCancelStillEndsACallOnASilentServer() throws {
        let server = try ScriptedOpenAIServer()
        let provider = try OpenAIFixtures.harness(server, offersCancelFD: false)
        let state = CallState()
        Thread {
            server.waitUntilHanging()
            state.cancel()
        }.start()
        let outcome = provider.invoke(OpenAIFixtures.request("hang"), call: state) { _ in KAI_EVENT_CONTINUE }
        #expect(outcome.code == KAI_ERR_CANCELLED)
        #expect(outcome.message == "the call was cancelled while waiting for endpoint scripted (\(server.baseURL)/chat/completions)")
        #expect(outcome.terminalEvents.count == 1)
    }

    @Test func withTheCancelFD_theStreamEndsWithOneErrorEvent() throws {
        let server = try ScriptedOpenAIServer()
        let provider = try OpenAIFixtures.harness(server)
        let state = CallState()
        Thread {
            server.waitUntilHanging()
            state.cancel()
        }.start()
        let outcome = provider.invoke(OpenAIFixtures.request("hang-first"), call: state) { _ in KAI_EVENT_CONTINUE }
        #expect(outcome.code == KAI_ERR_CANCELLED)
        #expect(outcome.events.first == .text("first"))
        #expect(outcome.terminalEvents.count == 1)
        #expect(outcome.events.last.map { if case .error(let code, _) = $0 { code == KAI_ERR_CANCELLED } else { false } } == true)
    }

    @Test func deadline_endsTheCallWithDeadlineExceeded() throws {
        let server = try ScriptedOpenAIServer()
        let provider = try OpenAIFixtures.harness(server)
        let outcome = provider.invoke(OpenAIFixtures.request("hang"), timeout: 0.3) { _ in KAI_EVENT_CONTINUE }
        #expect(outcome.code == KAI_ERR_DEADLINE_EXCEEDED)
        #expect(outcome.message == "the call's deadline passed before endpoint scripted (\(server.baseURL)/chat/completions) finished answering")
    }
}
