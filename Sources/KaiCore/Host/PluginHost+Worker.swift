import CKaiABI
import Glibc
import KaiJSON

/// What a plugin's invoke() produced, in-process or in a worker.
struct RawOutcome {
    let code: kai_result
    let bytes: [UInt8]
    let errorDetails: [UInt8]?
    let overflowed: Bool
}

extension PluginHost {
    /// Runs one call in the plugin's worker. The calling thread serves the
    /// plugin's callbacks (call_tool, providers, events) for this call, so
    /// they run where an in-process plugin's would; it also enforces the
    /// deadline and cancellation that native code cannot be trusted with.
    func runInWorker(
        _ supervisor: WorkerSupervisor, plugin: LoadedPlugin, capability: Capability, operation: UInt32, arguments: [UInt8],
        context: CallContext, outputLimit: Int, onEvent: ToolEventHandler?, tool: String, timeout: Double?, started: Int64
    ) throws(CallError) -> RawOutcome {
        let connection = try supervisor.acquire(host: self, plugin: plugin, tool: tool, deadline: context.deadline)
        var answered = false
        defer { supervisor.release(connection, answered: answered) }
        let id = connection.nextID()
        let remaining = context.deadline == MonotonicClock.noDeadline ? Int64.max : max(context.deadline - MonotonicClock.now(), 0)
        let request = WorkerFrame.encode(.invoke, id: id) { writer in
            writer.u8(UInt8(capability.kind.abiValue))
            writer.string(capability.name)
            writer.data(arguments)
            writer.i64(remaining)
            writer.u8(onEvent == nil ? 0 : 1)
            writer.u32(UInt32(clamping: outputLimit))
            writer.u32(operation)
        }
        guard connection.mux.send(request) else { throw lostError(supervisor, connection, tool) }
        let grace = Int64(supervisor.policy.killGrace * 1e9)
        let hardDeadline = context.deadline == MonotonicClock.noDeadline ? context.deadline : context.deadline &+ grace
        var cancelledAt: Int64?
        while true {
            let watchCancellation = cancelledAt == nil && context.chainHasToken
            let wake = min(hardDeadline, cancelledAt.map { $0 &+ grace } ?? .max,
                           watchCancellation ? MonotonicClock.now() + 5_000_000 : .max)
            switch connection.mux.next(id, until: wake) {
            case .frame(let frame) where frame.kind == .result:
                let result: WorkerResult
                do {
                    result = try WorkerResult(frame)
                } catch {
                    throw brokeProtocol(supervisor, connection, tool, "a malformed result frame: \(error.description)")
                }
                answered = true
                return RawOutcome(code: result.code, bytes: result.output, errorDetails: result.errorDetails, overflowed: result.overflowed)
            case .frame(let frame):
                if let violation = serveCallback(frame, connection: connection, context: context, onEvent: onEvent) {
                    throw brokeProtocol(supervisor, connection, tool, violation)
                }
            case .closed:
                if let violation = connection.mux.protocolViolation { throw brokeProtocol(supervisor, connection, tool, violation) }
                throw lostError(supervisor, connection, tool)
            case .timedOut:
                let now = MonotonicClock.now()
                let elapsed = Double(now - started) / 1e9
                if now >= hardDeadline {
                    let limit = timeout ?? elapsed
                    supervisor.kill(connection, host: self, phrase: "was killed (SIGKILL) when a call to \(tool) overran its deadline")
                    throw .deadlineKilled(tool: tool, timeout: limit, elapsed: elapsed)
                }
                if let cancelledAt, now >= cancelledAt &+ grace {
                    supervisor.kill(connection, host: self, phrase: "was killed (SIGKILL) when a call to \(tool) ignored its cancellation")
                    throw .cancelKilled(tool: tool)
                }
                if cancelledAt == nil, context.chainTokenCancelled {
                    connection.mux.send(WorkerFrame.encode(.cancel, id: id))
                    cancelledAt = now
                }
            }
        }
    }

    private func lostError(_ supervisor: WorkerSupervisor, _ connection: WorkerConnection, _ tool: String) -> CallError {
        switch supervisor.lost(connection, host: self, tool: tool) {
        case .signaled(let signal): .workerCrashed(tool: tool, signal: signal)
        case .exited(let status): .workerExited(tool: tool, status: status)
        }
    }

    /// Kills a worker that sent something other than the worker protocol:
    /// its stream cannot be trusted any more, for this call or any other.
    private func brokeProtocol(_ supervisor: WorkerSupervisor, _ connection: WorkerConnection, _ tool: String,
                               _ violation: String) -> CallError {
        supervisor.kill(connection, host: self, phrase: "broke the worker protocol during a call to \(tool) (\(violation))")
        return .workerBrokeProtocol(tool: tool, plugin: supervisor.pluginID, detail: violation)
    }

    /// Answers one callback the plugin made from inside the call. Returns
    /// what was wrong when the frame is no callback the protocol knows.
    private func serveCallback(
        _ frame: WorkerFrame, connection: WorkerConnection, context: CallContext, onEvent: ToolEventHandler?
    ) -> String? {
        var reader = frame.reader
        guard [.callTool, .providerComplete, .providerStream, .event].contains(frame.kind) else {
            return "a frame of kind \(frame.kind) in the middle of a call"
        }
        guard let sequence = try? reader.u32() else { return "a \(frame.kind) frame without its callback number" }
        func reply(_ code: kai_result, _ output: [UInt8] = [], _ error: [UInt8]? = nil) {
            connection.mux.send(WorkerFrame.encode(.reply, id: sequence) { writer in
                writer.i32(code)
                writer.data(output)
                writer.data(error ?? [])
            })
        }
        switch frame.kind {
        case .callTool:
            guard let name = try? reader.string(), let arguments = try? reader.data() else { reply(KAI_ERR_INVALID_INPUT); return nil }
            let collector = OutputCollector(limit: 16 << 20)
            let code = collector.withOutput { callFromPlugin(name: name, arguments: arguments, parent: context, output: $0) }
            reply(code, collector.bytes, collector.errorDetails)
        case .providerComplete:
            guard let provider = try? reader.data(), let request = try? reader.data() else { reply(KAI_ERR_INVALID_INPUT); return nil }
            let collector = OutputCollector(limit: 16 << 20)
            let code = collector.withOutput {
                providerFromPlugin(provider: String(decoding: provider, as: UTF8.self), request: request, parent: context, output: $0, sink: nil)
            }
            reply(code, collector.bytes, collector.errorDetails)
        case .providerStream:
            guard let provider = try? reader.data(), let request = try? reader.data() else { reply(KAI_ERR_INVALID_INPUT); return nil }
            let forwarder = StreamForwarder(connection: connection, sequence: sequence)
            let code = forwarder.withSink {
                providerFromPlugin(provider: String(decoding: provider, as: UTF8.self), request: request, parent: context, output: nil, sink: $0)
            }
            reply(code)
        case .event:
            guard case .tool(let event)? = try? WireEvent.decode(&reader) else { reply(KAI_EVENT_CONTINUE); return nil }
            let stop = onEvent?(event) == .stop
            if stop { context.stop() }
            reply(stop || context.isCancelled ? KAI_EVENT_STOP : KAI_EVENT_CONTINUE)
        default:
            break
        }
        return nil
    }
}

/// Sends the host's provider-stream events to the worker that asked.
private final class StreamForwarder {
    let connection: WorkerConnection
    let sequence: UInt32

    init(connection: WorkerConnection, sequence: UInt32) {
        self.connection = connection
        self.sequence = sequence
    }

    func withSink<R>(_ body: (UnsafePointer<kai_event_sink>) -> R) -> R {
        var sink = kai_event_sink(
            struct_size: UInt32(MemoryLayout<kai_event_sink>.size), reserved0: 0,
            ctx: Unmanaged.passUnretained(self).toOpaque(), on_event: forwardStreamEvent)
        return withUnsafePointer(to: &sink, body)
    }

    func forward(_ event: UnsafePointer<kai_event>) -> Int32 {
        guard let wire = WireEvent.from(event) else { return KAI_EVENT_CONTINUE }
        connection.mux.send(WorkerFrame.encode(.streamEvent, id: sequence) { wire.encode(&$0) })
        return KAI_EVENT_CONTINUE
    }
}

private let forwardStreamEvent: @convention(c) (UnsafePointer<kai_event_sink>?, UnsafePointer<kai_event>?) -> Int32 = { sink, event in
    guard let context = sink?.pointee.ctx, let event else { return KAI_EVENT_CONTINUE }
    return Unmanaged<StreamForwarder>.fromOpaque(context).takeUnretainedValue().forward(event)
}
