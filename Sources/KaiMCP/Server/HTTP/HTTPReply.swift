import NIOCore
import NIOHTTP1

/// Whole HTTP responses: a status, a body, done.
enum HTTPReply {
    static func send(
        _ channel: any Channel, status: HTTPResponseStatus, contentType: String? = nil, body: [UInt8] = [], keepAlive: Bool,
        extraHeaders: [(String, String)] = []
    ) {
        var headers = HTTPHeaders()
        if let contentType { headers.add(name: "content-type", value: contentType) }
        headers.add(name: "content-length", value: String(body.count))
        headers.add(contentsOf: extraHeaders)
        if !keepAlive { headers.add(name: "connection", value: "close") }
        channel.write(HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers)), promise: nil)
        if !body.isEmpty {
            var buffer = channel.allocator.buffer(capacity: body.count)
            buffer.writeBytes(body)
            channel.write(HTTPServerResponsePart.body(.byteBuffer(buffer)), promise: nil)
        }
        let done = channel.writeAndFlush(HTTPServerResponsePart.end(nil))
        if !keepAlive { done.whenComplete { _ in channel.close(promise: nil) } }
    }

    /// A plain-text refusal (401, 403, 404, 405...): what was wrong and the fix.
    static func refuse(
        _ channel: any Channel, _ status: HTTPResponseStatus, _ message: String, keepAlive: Bool, extraHeaders: [(String, String)] = []
    ) {
        send(channel, status: status, contentType: "text/plain; charset=utf-8", body: Array((message + "\n").utf8),
             keepAlive: keepAlive, extraHeaders: extraHeaders)
    }
}
