import Logging

/// A log handler that scrubs secret values out of every message before the
/// wrapped handler sees it. The host's plugin logger goes through one, so a
/// plugin's kai_host.log line — in-process or relayed from its worker —
/// cannot write the operator's key to the terminal or a log file.
struct ScrubbingLogHandler: LogHandler {
    var inner: any LogHandler
    let scrubber: SecretScrubber

    func log(event: LogEvent) {
        var event = event
        event.message = "\(scrubber.scrub(event.message.description))"
        if let metadata = event.metadata {
            event.metadata = metadata.mapValues { .string(scrubber.scrub($0.description)) }
        }
        inner.log(event: event)
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
