import CKaiABI
import Foundation
import Glibc
import KaiJSON
import Synchronization

/// The worker side of process isolation: serves one plugin's ABI to a host
/// over two pipes (requests on `input`, answers on `output`), so that the
/// plugin sees exactly what it would see in-process.
///
/// Threads: every thread waiting for a request may read the pipe (see
/// FrameMux). A thread that takes a request first makes sure another one
/// waits (lazily), so cancellations and parallel requests are read while
/// the plugin runs; a thread waiting for a callback's answer reads itself.
///
/// `@unchecked Sendable`: `hostTable`, `configText` and `handle` are written
/// once, by create(), before the host sends any invoke; `calls` and `idle`
/// are Mutex-guarded.
package final class WorkerServer: @unchecked Sendable {
    let library: PluginLibrary?
    let loadFailure: String?
    private(set) var mux: FrameMux!
    private let calls = Mutex<[UInt32: CancellationToken]>([:])
    private let callbackSequence = Atomic<UInt32>(0)
    private let idle = Mutex<Int>(0)
    private var hostTable: UnsafeMutablePointer<kai_host>?
    private var configText: [CChar] = [0]
    private var handle: UnsafeMutableRawPointer?
    private var created = false

    /// Loads the plugin and serves it until the host closes the pipe or
    /// asks for shutdown. A plugin that fails to load is still served: every
    /// request is answered with the load error.
    package static func serve(pluginPath: String, input: Int32, output: Int32) -> Never {
        do {
            run(WorkerServer(library: try PluginLibrary.open(path: pluginPath), loadFailure: nil), input: input, output: output)
        } catch {
            run(WorkerServer(library: nil, loadFailure: error.message), input: input, output: output)
        }
    }

    /// Serves no plugin: answers every request with `failure` (the worker
    /// could not set up its isolation, so the plugin is never loaded), until
    /// the host stops it. The host reports the plugin as unavailable with
    /// this message instead of a bare exit status.
    package static func serve(failure: String, input: Int32, output: Int32) -> Never {
        run(WorkerServer(library: nil, loadFailure: failure), input: input, output: output)
    }

    private static func run(_ server: WorkerServer, input: Int32, output: Int32) -> Never {
        server.mux = FrameMux(input: input, output: output) { [server] frame in server.route(frame) }
        server.loop(spawned: false)
        _exit(0)
    }

    private init(library: PluginLibrary?, loadFailure: String?) {
        self.library = library
        self.loadFailure = loadFailure
    }

    /// Runs on the reading thread. Requests queue under key 0; answers to
    /// callbacks under their sequence number; cancellations act at once.
    /// An invoke's token is registered here, before any thread can read
    /// the cancel frame that may follow it.
    private func route(_ frame: WorkerFrame) -> UInt32? {
        switch frame.kind {
        case .cancel:
            calls.withLock { $0[frame.id] }?.cancel()
            return nil
        case .invoke:
            calls.withLock { $0[frame.id] = CancellationToken() }
            return 0
        case .describe, .create, .shutdown:
            return 0
        case .reply, .streamEvent:
            return frame.id
        case .result, .log, .callTool, .providerComplete, .providerStream, .event:
            return nil  // host-bound kinds: ignore
        }
    }

    private func loop(spawned: Bool) {
        while true {
            idle.withLock { $0 += 1 }
            let next = mux.next(0, until: MonotonicClock.noDeadline, lazy: true)
            let needSpare = idle.withLock { idle in
                idle -= 1
                return idle == 0
            }
            guard case .frame(let frame) = next else { _exit(0) }  // the host is gone
            if needSpare { startLooper() }
            handle(frame)
            if spawned, idle.withLock({ $0 }) >= 2 { return }
        }
    }

    private func startLooper() {
        let thread = Thread { [self] in loop(spawned: true) }
        thread.stackSize = 8 << 20
        thread.start()
    }

    private func handle(_ frame: WorkerFrame) {
        switch frame.kind {
        case .describe:
            guard let library else { return answerLoadFailure(frame.id) }
            answer(frame.id, code: KAI_OK, output: library.manifestBytes, error: nil, overflowed: false)
        case .create:
            create(frame)
        case .invoke:
            invoke(frame)
        case .shutdown:
            if let library, created { library.descriptor.destroy(handle) }
            _exit(0)
        default:
            break
        }
    }

    /// Code -1 (not a kai_result) tells the host the plugin did not load.
    private func answerLoadFailure(_ id: UInt32) {
        let details = JSONValue.object(["message": .string(loadFailure ?? "unknown")]).serializedBytes()
        answer(id, code: -1, output: [], error: details, overflowed: false)
    }

    func answer(_ id: UInt32, code: Int32, output: [UInt8], error: [UInt8]?, overflowed: Bool) {
        mux.send(WorkerFrame.encode(.result, id: id) { writer in
            writer.i32(code)
            writer.data(output)
            writer.data(error ?? [])
            writer.u8(overflowed ? 1 : 0)
        })
    }

    private func create(_ frame: WorkerFrame) {
        guard let library else { return answerLoadFailure(frame.id) }
        configText = frame.payload.map { CChar(bitPattern: $0) } + [0]
        let table = UnsafeMutablePointer<kai_host>.allocate(capacity: 1)
        table.initialize(to: WorkerHostServices.table(server: self, minor: library.descriptor.abi_minor))
        hostTable = table
        let collector = OutputCollector(limit: OutputCollector.maxErrorBytes)
        var instance: UnsafeMutableRawPointer?
        let code = collector.withOutput { library.descriptor.create(table, $0, &instance) }
        handle = instance
        created = code == KAI_OK
        fflush(nil)  // start-up's stray output before the answer, as after invoke
        answer(frame.id, code: code, output: [], error: collector.errorDetails, overflowed: false)
    }

    var configString: kai_str {
        configText.withUnsafeBufferPointer { kai_str(data: $0.baseAddress, len: $0.count - 1) }
    }

    private func invoke(_ frame: WorkerFrame) {
        guard let library else { return answerLoadFailure(frame.id) }
        let token = calls.withLock { $0[frame.id] } ?? CancellationToken()
        defer { _ = calls.withLock { $0.removeValue(forKey: frame.id) } }
        var reader = frame.reader
        guard let kind = try? reader.u8(), let name = try? reader.data(), let input = try? reader.data(),
              let remaining = try? reader.i64(), let flags = try? reader.u8(), let limit = try? reader.u32()
        else { return answer(frame.id, code: KAI_ERR_INTERNAL, output: [], error: nil, overflowed: false) }
        let operation = (try? reader.u32()) ?? KAI_OP_INVOKE
        let deadline = remaining == Int64.max ? MonotonicClock.noDeadline : MonotonicClock.now() &+ max(remaining, 0)
        let call = WorkerCall(id: frame.id, server: self, context: CallContext(
            deadline: deadline, cancellation: token, parent: nil, serialPlugin: nil))
        let collector = OutputCollector(limit: Int(limit))
        let code = name.withUnsafeBufferPointer { name in
            input.withUnsafeBufferPointer { input in
                collector.withOutput { output in
                    call.withSink(enabled: flags & 1 != 0) { events in
                        var abiCall = kai_call(
                            struct_size: UInt32(MemoryLayout<kai_call>.size), kind: Int32(kind),
                            name: kai_str(data: UnsafeRawPointer(name.baseAddress)?.assumingMemoryBound(to: CChar.self), len: name.count),
                            input: kai_str(data: UnsafeRawPointer(input.baseAddress)?.assumingMemoryBound(to: CChar.self), len: input.count),
                            output: output, events: events, host_call: Unmanaged.passUnretained(call).toOpaque(),
                            operation: operation, reserved1: 0)
                        return library.descriptor.invoke(handle, &abiCall)
                    }
                }
            }
        }
        // Stray output the plugin buffered in stdio reaches fd 1 before the
        // answer, so the host can blame it on this call (OutputDrain.sync).
        fflush(nil)
        answer(frame.id, code: code, output: collector.bytes, error: collector.errorDetails, overflowed: collector.overflowed)
    }

    /// Sends a callback to the host within call `call` and waits for its
    /// reply; stream events that arrive first go to `onStreamEvent`.
    /// Nil when the host is gone.
    func callback(
        _ kind: WorkerFrame.Kind, call: WorkerCall, onStreamEvent: ((WireEvent) -> Void)? = nil,
        _ build: (inout FrameWriter) -> Void
    ) -> (code: Int32, output: [UInt8], error: [UInt8])? {
        var sequence = callbackSequence.wrappingAdd(1, ordering: .relaxed).newValue
        if sequence == 0 { sequence = callbackSequence.wrappingAdd(1, ordering: .relaxed).newValue }
        guard mux.send(WorkerFrame.encode(kind, id: call.id, { writer in
            writer.u32(sequence)
            build(&writer)
        })) else { return nil }
        while true {
            guard case .frame(let frame) = mux.next(sequence, until: MonotonicClock.noDeadline) else { return nil }
            var reader = frame.reader
            if frame.kind == .streamEvent {
                if let event = try? WireEvent.decode(&reader) { onStreamEvent?(event) }
                continue
            }
            guard let code = try? reader.i32(), let output = try? reader.data(), let error = try? reader.data() else { return nil }
            return (code, output, error)
        }
    }
}

/// One invoke() in the worker, reachable from kai_call.host_call.
final class WorkerCall: Sendable {
    let id: UInt32
    let server: WorkerServer
    let context: CallContext

    init(id: UInt32, server: WorkerServer, context: CallContext) {
        self.id = id
        self.server = server
        self.context = context
    }

    /// Runs `body` with an event sink relaying to the host (or NULL).
    func withSink<R>(enabled: Bool, _ body: (UnsafePointer<kai_event_sink>?) -> R) -> R {
        guard enabled else { return body(nil) }
        var sink = kai_event_sink(
            struct_size: UInt32(MemoryLayout<kai_event_sink>.size), reserved0: 0,
            ctx: Unmanaged.passUnretained(self).toOpaque(), on_event: workerRelayEvent)
        return withUnsafePointer(to: &sink) { body($0) }
    }

    /// Sends one tool event to the host and returns its answer.
    func relay(_ event: UnsafePointer<kai_event>) -> Int32 {
        guard let wire = WireEvent.from(event), case .tool = wire else { return KAI_EVENT_CONTINUE }
        let reply = server.callback(.event, call: self) { wire.encode(&$0) }
        if reply?.code == KAI_EVENT_STOP || reply == nil {
            context.stop()
            return KAI_EVENT_STOP
        }
        return context.isCancelled ? KAI_EVENT_STOP : KAI_EVENT_CONTINUE
    }
}

private let workerRelayEvent: @convention(c) (UnsafePointer<kai_event_sink>?, UnsafePointer<kai_event>?) -> Int32 = { sink, event in
    guard let context = sink?.pointee.ctx, let event else { return KAI_EVENT_CONTINUE }
    return Unmanaged<WorkerCall>.fromOpaque(context).takeUnretainedValue().relay(event)
}
