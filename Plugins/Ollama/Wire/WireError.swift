/// Something an Ollama server sent that Kai cannot use: a line that is not
/// JSON, an error the server reported, a tool call the contract forbids.
///
/// `message` names the endpoint and URL (the caller's `origin`) and says
/// what to do; the plugin hands it on as an UNAVAILABLE provider error (the
/// server is at fault, so a fallback may be taken).
public struct WireError: Error, Equatable, Sendable {
    public let message: String

    public init(_ message: String) { self.message = message }
}
