import NIOCore
import NIOHTTP1

/// Collects one HTTP request (head and body) and hands it to the endpoint.
/// Bodies past `maxBody` are refused with 413 and the connection closed.
final class MCPHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    static let maxBody = 16 << 20

    private let endpoint: MCPHTTPEndpoint
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    private var tooLarge = false

    init(endpoint: MCPHTTPEndpoint) {
        self.endpoint = endpoint
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body.removeAll(keepingCapacity: true)
            tooLarge = false
        case .body(var buffer):
            guard !tooLarge else { return }
            if body.count + buffer.readableBytes > Self.maxBody {
                tooLarge = true
                return
            }
            body.append(contentsOf: buffer.readBytes(length: buffer.readableBytes) ?? [])
        case .end:
            guard let head else { return }
            self.head = nil
            if tooLarge {
                HTTPReply.refuse(context.channel, .payloadTooLarge, "Payload Too Large: a message may be at most 16 MiB.", keepAlive: false)
                return
            }
            endpoint.handle(head, body: body, channel: context.channel)
        }
    }
}
