import NIOCore
import NIOHTTP1
import Synchronization

/// One POST's answer: JSON when the response comes first, else an SSE
/// stream (text/event-stream) that carries the request's progress
/// notifications and ends with its response. Writes are thread-safe
/// (Channel hops to its event loop, in order).
final class HTTPOutput: MCPOutput {
    private enum State { case pending, streaming, done }

    private let channel: any Channel
    private let keepAlive: Bool
    private let extraHeaders: [(String, String)]
    private let state = Mutex(State.pending)

    init(channel: any Channel, keepAlive: Bool, extraHeaders: [(String, String)] = []) {
        self.channel = channel
        self.keepAlive = keepAlive
        self.extraHeaders = extraHeaders
    }

    func notify(_ message: [UInt8]) {
        state.withLock { state in
            switch state {
            case .done: return
            case .pending:
                startStream()
                state = .streaming
            case .streaming: break
            }
            event(message)
        }
    }

    func respond(_ message: [UInt8]) {
        state.withLock { state in
            switch state {
            case .done: return
            case .pending:
                HTTPReply.send(channel, status: .ok, contentType: "application/json", body: message, keepAlive: keepAlive, extraHeaders: extraHeaders)
            case .streaming:
                event(message)
                end()
            }
            state = .done
        }
    }

    func dropped() {
        state.withLock { state in
            switch state {
            case .done: return
            case .pending:
                startStream()
                end()
            case .streaming:
                end()
            }
            state = .done
        }
    }

    private func startStream() {
        var headers = HTTPHeaders([("content-type", "text/event-stream"), ("cache-control", "no-cache")])
        headers.add(contentsOf: extraHeaders)
        if !keepAlive { headers.add(name: "connection", value: "close") }
        let head = HTTPResponseHead(version: .http1_1, status: .ok, headers: headers)
        channel.writeAndFlush(HTTPServerResponsePart.head(head), promise: nil)
    }

    private func event(_ message: [UInt8]) {
        var buffer = channel.allocator.buffer(capacity: message.count + 24)
        buffer.writeString("event: message\ndata: ")
        buffer.writeBytes(message)
        buffer.writeString("\n\n")
        channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(buffer)), promise: nil)
    }

    private func end() {
        let done = channel.writeAndFlush(HTTPServerResponsePart.end(nil))
        if !keepAlive { done.whenComplete { [channel] _ in channel.close(promise: nil) } }
    }
}
