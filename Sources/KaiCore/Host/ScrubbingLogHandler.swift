import Logging

/// A log handler that scrubs secret values out of every message, then makes
/// its control characters visible (TerminalText), before the wrapped handler
/// sees it. The host's plugin logger always goes through one, secrets or
/// not, so a plugin's kai_host.log line — in-process or relayed from its
/// worker — or its worker's stderr cannot write the operator's key to the
/// terminal or a log file, nor an escape sequence (OSC 52 sets the
/// clipboard) to the user's terminal.
struct ScrubbingLogHandler: LogHandler {
    var inner: any LogHandler
    let scrubber: SecretScrubber

    func log(event: LogEvent) {
        var event = event
        event.message = "\(Self.clean(event.message.description, scrubber))"
        if let metadata = event.metadata {
            event.metadata = metadata.mapValues { .string(Self.clean($0.description, scrubber)) }
        }
        inner.log(event: event)
    }

    /// Scrubbed first: the placeholder replaces the secret's exact bytes.
    static func clean(_ text: String, _ scrubber: SecretScrubber) -> String {
        TerminalText.visible(scrubber.scrub(text))
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue }
    }

    var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue }
    }

    var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }

    var metadataProvider: Logger.MetadataProvider? {
        get { inner.metadataProvider }
        set { inner.metadataProvider = newValue }
    }
}
