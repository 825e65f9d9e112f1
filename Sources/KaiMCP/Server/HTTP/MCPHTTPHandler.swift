import NIOCore
import NIOHTTP1

/// Collects one HTTP request (head and body) and hands it to the endpoint.
/// The head is checked first (path, Origin, token, declared length): a
/// refused request is answered and its connection closed before any of its
/// body is read. A body past `maxBody` gets 413 and the connection closes
/// as soon as it passes the limit. A connection that sends nothing for
/// `idleSeconds` while no response of its is pending is closed (a client
/// that trickles a request, or holds connections open, cannot pin them).
final class MCPHTTPHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    static let maxBody = 16 << 20
    static let tooLargeText = "Payload Too Large: a message may be at most 16 MiB."

    private enum State {
        case idle
        case reading(HTTPRequestHead)
        /// Refused: the rest of the request is ignored while the connection closes.
        case refused
    }

    private let endpoint: MCPHTTPEndpoint
    private var state = State.idle
    private var body: [UInt8] = []
    /// Requests handed to the endpoint whose response has not ended yet.
    private var pending = 0

    init(endpoint: MCPHTTPEndpoint) {
        self.endpoint = endpoint
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            if endpoint.refuseEarly(head, channel: context.channel) {
                state = .refused
                return
            }
            if let length = head.headers.first(name: "content-length").flatMap(Int.init), length > Self.maxBody {
                return tooLarge(context)
            }
            state = .reading(head)
            body.removeAll(keepingCapacity: true)
        case .body(var buffer):
            guard case .reading = state else { return }
            if body.count + buffer.readableBytes > Self.maxBody { return tooLarge(context) }
            body.append(contentsOf: buffer.readBytes(length: buffer.readableBytes) ?? [])
        case .end:
            guard case .reading(let head) = state else { return }
            state = .idle
            pending += 1
            let request = body
            body = []
            endpoint.handle(head, body: request, channel: context.channel)
        }
    }

    private func tooLarge(_ context: ChannelHandlerContext) {
        state = .refused
        body = []
        HTTPReply.refuse(context.channel, .payloadTooLarge, Self.tooLargeText, keepAlive: false)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data), pending > 0 { pending -= 1 }
        context.write(data, promise: promise)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read, pending == 0 {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }
}
