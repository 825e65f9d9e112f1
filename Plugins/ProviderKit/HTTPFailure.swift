import CCurl
import CKaiABI
import KaiJSON

/// Turns a transfer that did not give a usable answer into an error that
/// says what failed and what to do, with the code callers act on:
/// unreachable, 5xx, 408, 425 and 429 are UNAVAILABLE (may retry), 401/403
/// PERMISSION_DENIED (fix the key), every other 4xx INVALID_INPUT (fix the
/// request or the config: the caller's own fault, so a router neither falls
/// back on it nor counts it against the endpoint), a 3xx INVALID_INPUT
/// naming base_url (curl does not follow redirects; the URL is wrong). Every error from an HTTP status carries it
/// (http_status), and a 429's or 503's Retry-After (retry_after_s).
package enum HTTPFailure {
    /// `what` says which request, e.g. "endpoint local (http://…/chat/completions)".
    /// `retryAfter`: the server's Retry-After in seconds (0: none), said for 429 and 503.
    package static func status(
        _ status: Int, body: [UInt8], endpoint: any HTTPEndpoint, url: String, hint: String? = nil, retryAfter: Int = 0
    ) -> ProviderError {
        var error = message(status, body: body, endpoint: endpoint, url: url, hint: hint, retryAfter: retryAfter)
        error.httpStatus = status
        if retryAfter > 0, status == 429 || status == 503 { error.retryAfterSeconds = retryAfter }
        return error
    }

    private static func message(
        _ status: Int, body: [UInt8], endpoint: any HTTPEndpoint, url: String, hint: String?, retryAfter: Int
    ) -> ProviderError {
        let what = "endpoint \(endpoint.name) (\(url))"
        let said = serverMessage(body, endpoint: endpoint).map { ": \($0)" } ?? " (the server gave no message)"
        let extra = hint.map { "; \($0)" } ?? ""
        switch status {
        case 401, 403:
            return ProviderError(KAI_ERR_PERMISSION_DENIED, "\(what) refused the API key: HTTP \(status)\(said); \(endpoint.keyHint)")
        case 404:
            return ProviderError(KAI_ERR_INVALID_INPUT, "\(what) answered HTTP 404\(said); \(endpoint.notFoundHint)")
        case 400, 413, 422:
            return ProviderError(KAI_ERR_INVALID_INPUT, "\(what) rejected the request: HTTP \(status)\(said)\(extra)")
        case 429:
            let wait = retryAfter > 0 ? "wait \(retryAfter) s (its Retry-After)" : "wait"
            return .unavailable("\(what) is limiting requests: HTTP 429\(said); \(wait) and retry, or check the account's quota")
        case 408, 425:
            return .unavailable("\(what) timed out or refused the request for now: HTTP \(status)\(said); retry")
        case 503 where retryAfter > 0:
            return .unavailable("\(what) failed: HTTP 503\(said)\(extra); it asks to retry after \(retryAfter) s (Retry-After)")
        case 500...599:
            return .unavailable("\(what) failed: HTTP \(status)\(said)\(extra)")
        case 300...399:
            return ProviderError(KAI_ERR_INVALID_INPUT, "\(what) answered with a redirect (HTTP \(status)\(said)); check base_url in the plugin's config")
        case 402...499:
            return ProviderError(KAI_ERR_INVALID_INPUT, "\(what) rejected the request: HTTP \(status)\(said)\(extra)")
        default:
            return .unavailable("\(what) answered an unexpected HTTP \(status)\(said)")
        }
    }

    /// A failure below HTTP: no connection, a dropped one, curl's own timeout.
    /// `deadlineBound`: curl's timeout was the call's deadline, not the
    /// endpoint's timeout_s, so curl timing out means the deadline passed.
    package static func transport(_ code: UInt32, endpoint: any HTTPEndpoint, url: String, deadlineBound: Bool) -> ProviderError {
        let what = "endpoint \(endpoint.name) (\(url))"
        switch CURLcode(rawValue: code) {
        case CURLE_COULDNT_CONNECT:
            return .unavailable("could not connect to \(what): connection refused; is the server running? Check base_url in the plugin's config")
        case CURLE_COULDNT_RESOLVE_HOST:
            return .unavailable("could not resolve the host of \(what); check base_url in the plugin's config")
        case CURLE_OPERATION_TIMEDOUT:
            if deadlineBound { return deadline(endpoint: endpoint, url: url) }
            return ProviderError(KAI_ERR_DEADLINE_EXCEEDED, "\(what) did not finish answering in time (timeout_s \(seconds(endpoint.timeoutSeconds)) bounds a whole answer when not streaming, connect_timeout_s \(seconds(endpoint.connectTimeoutSeconds)) the connecting); raise them in the endpoint's config or check the server")
        case CURLE_PARTIAL_FILE, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_SEND_ERROR:
            return .unavailable("\(what) closed the connection before the response was complete; the server may have stopped or restarted: retry")
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION:
            return .unavailable("the TLS connection to \(what) failed: \(String(cString: curl_easy_strerror(CURLcode(rawValue: code)))); check base_url and the server's certificate")
        default:
            return .unavailable("the request to \(what) failed: \(String(cString: curl_easy_strerror(CURLcode(rawValue: code))))")
        }
    }

    package static func deadline(endpoint: any HTTPEndpoint, url: String) -> ProviderError {
        ProviderError(KAI_ERR_DEADLINE_EXCEEDED, "the call's deadline passed before endpoint \(endpoint.name) (\(url)) finished answering")
    }

    /// Streaming, the server went silent for longer than timeout_s.
    package static func idle(endpoint: any HTTPEndpoint, url: String) -> ProviderError {
        ProviderError(KAI_ERR_DEADLINE_EXCEEDED, "endpoint \(endpoint.name) (\(url)) sent nothing for \(seconds(endpoint.timeoutSeconds)) s while streaming (timeout_s, the longest wait for the server's next bytes); raise timeout_s in the endpoint's config or check the server")
    }

    package static func cancelled(endpoint: any HTTPEndpoint, url: String) -> ProviderError {
        ProviderError(KAI_ERR_CANCELLED, "the call was cancelled while waiting for endpoint \(endpoint.name) (\(url))")
    }

    package static func seconds(_ value: Double) -> String {
        Saturating.exactInteger(value).map { String($0) } ?? String(value)
    }

    /// The server's own words: OpenAI's and Anthropic's {"error": {"message"}}, FastAPI's
    /// {"detail"}, or plain text; clipped, with the API key cut out.
    package static func serverMessage(_ body: [UInt8], endpoint: any HTTPEndpoint) -> String? {
        var text: String
        if case .object(let object)? = try? JSONParser.parse(body) {
            let error = object["error"]
            text = error?["message"]?.stringValue ?? error?.stringValue ?? object["detail"]?.stringValue
                ?? object["message"]?.stringValue ?? JSONValue.object(object).serialized()
        } else {
            text = String(decoding: body, as: UTF8.self)
        }
        text = endpoint.redact(text)
        // A body kept only up to the cap may end in the start of a key.
        if body.count >= BodyLimits.error { text = endpoint.withoutKeyStartAtEnd(text) }
        text = text.trimmingWhitespace
        guard !text.isEmpty else { return nil }
        return text.count > 300 ? String(text.prefix(300)) + "…" : text
    }
}
