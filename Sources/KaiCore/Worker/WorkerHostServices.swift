import CKaiABI

/// The kai_host table a plugin gets inside a worker: the same services as
/// in-process (HostServices), but log, call_tool and the provider calls
/// travel to the host as frames and wait for its answer; config, deadline
/// and is_cancelled are answered locally.
enum WorkerHostServices {
    static func table(server: WorkerServer, minor: UInt32) -> kai_host {
        kai_host(
            struct_size: UInt32(MemoryLayout<kai_host>.size),
            abi_minor: minor,
            ctx: Unmanaged.passUnretained(server).toOpaque(),
            log: workerLog,
            config: workerConfig,
            get_extension: { host, id in
                CancelExtension.lookup(id, minor: host?.pointee.abi_minor ?? 0, table: CancelExtension.worker)
            },
            deadline: workerDeadline,
            is_cancelled: workerIsCancelled,
            call_tool: workerCallTool,
            provider_complete: workerProviderComplete,
            provider_stream: workerProviderStream
        )
    }

    static func server(_ host: UnsafePointer<kai_host>?) -> WorkerServer? {
        guard let context = host?.pointee.ctx else { return nil }
        return Unmanaged<WorkerServer>.fromOpaque(context).takeUnretainedValue()
    }

    static func call(_ call: UnsafePointer<kai_call>?) -> WorkerCall? {
        guard let context = call?.pointee.host_call else { return nil }
        return Unmanaged<WorkerCall>.fromOpaque(context).takeUnretainedValue()
    }

    /// Forwards a request/response service; the answer goes to `out`.
    static func forward(
        _ kind: WorkerFrame.Kind, _ host: UnsafePointer<kai_host>?, _ parent: UnsafePointer<kai_call>?,
        _ name: kai_str, _ body: kai_str, _ out: UnsafePointer<kai_output>?, service: String
    ) -> kai_result {
        guard let call = call(parent), server(host) != nil else {
            return HostServices.fail(out, .invalidInput, "\(service) needs the kai_host and the kai_call of a running call")
        }
        let reply = call.server.callback(kind, call: call) { writer in
            writer.data(name.data, name.data == nil ? 0 : name.len)
            writer.data(body.data, body.data == nil ? 0 : body.len)
        }
        guard let reply else { return HostServices.fail(out, .unavailable, "the Kai host went away") }
        if let out {
            if !reply.output.isEmpty, let write = out.pointee.write {
                let code = reply.output.withUnsafeBufferPointer { buffer in
                    buffer.withMemoryRebound(to: CChar.self) { write(out, $0.baseAddress, $0.count) }
                }
                if code != KAI_OK { return code }
            }
            if !reply.error.isEmpty, let setError = out.pointee.set_error {
                _ = reply.error.withUnsafeBufferPointer { buffer in
                    buffer.withMemoryRebound(to: CChar.self) { setError(out, $0.baseAddress, $0.count) }
                }
            }
        }
        return reply.code
    }
}

private let workerLog: @convention(c) (UnsafePointer<kai_host>?, kai_log_level, UnsafePointer<CChar>?, Int) -> Void = {
    host, level, message, length in
    guard let server = WorkerHostServices.server(host) else { return }
    server.mux.send(WorkerFrame.encode(.log, id: 0) { writer in
        writer.i32(level)
        writer.data(message, message == nil ? 0 : length)
    })
}

private let workerConfig: @convention(c) (UnsafePointer<kai_host>?) -> kai_str = { host in
    WorkerHostServices.server(host)?.configString ?? kai_str(data: nil, len: 0)
}

private let workerDeadline: @convention(c) (UnsafePointer<kai_host>?, UnsafePointer<kai_call>?) -> Int64 = { _, call in
    WorkerHostServices.call(call)?.context.deadline ?? MonotonicClock.noDeadline
}

private let workerIsCancelled: @convention(c) (UnsafePointer<kai_host>?, UnsafePointer<kai_call>?) -> Bool = { _, call in
    WorkerHostServices.call(call)?.context.isCancelled ?? true
}

private let workerCallTool: @convention(c) (
    UnsafePointer<kai_host>?, UnsafePointer<kai_call>?, kai_str, kai_str, UnsafePointer<kai_output>?
) -> kai_result = { host, parent, name, args, out in
    WorkerHostServices.forward(.callTool, host, parent, name, args, out, service: "call_tool")
}

private let workerProviderComplete: @convention(c) (
    UnsafePointer<kai_host>?, UnsafePointer<kai_call>?, kai_str, kai_str, UnsafePointer<kai_output>?
) -> kai_result = { host, parent, provider, request, out in
    WorkerHostServices.forward(.providerComplete, host, parent, provider, request, out, service: "provider_complete")
}

/// The host's stream events are replayed into the plugin's sink, in order,
/// before this returns; the terminal event is among them.
///
/// Once the sink answers STOP it gets no more deltas, only the terminal
/// event, as kai_events.h promises. The answer does not travel back to the
/// host (stream events are one-way frames), so the provider itself runs on
/// to its end — bounded by max_tokens and the call's deadline — unseen.
private let workerProviderStream: @convention(c) (
    UnsafePointer<kai_host>?, UnsafePointer<kai_call>?, kai_str, kai_str, UnsafePointer<kai_event_sink>?
) -> kai_result = { host, parent, provider, request, sink in
    guard let call = WorkerHostServices.call(parent), WorkerHostServices.server(host) != nil else { return KAI_ERR_INVALID_INPUT }
    var stopped = false
    let reply = call.server.callback(.providerStream, call: call, onStreamEvent: { event in
        guard let sink, let onEvent = sink.pointee.on_event else { return }
        if stopped, case .tool = event { return }
        event.withCEvent { if onEvent(sink, $0) == KAI_EVENT_STOP { stopped = true } }
    }) { writer in
        writer.data(provider.data, provider.data == nil ? 0 : provider.len)
        writer.data(request.data, request.data == nil ? 0 : request.len)
    }
    return reply?.code ?? KAI_ERR_UNAVAILABLE
}
