import Dispatch
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// `kai mcp serve --http PORT`: Streamable HTTP on 127.0.0.1 only, over
/// SwiftNIO (the swift-sdk's HTTP server transports need a server
/// supplied; Kai's own endpoint, MCPHTTPEndpoint, answers on it).
public final class MCPHTTPServer: Sendable {
    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel
    private let dispatcher: MCPDispatcher
    /// The port it listens on (the one asked for, or the kernel's pick for 0).
    public let port: Int

    /// Binds 127.0.0.1:`port`; `token` is the bearer token clients must send.
    public init(dispatcher: MCPDispatcher, port: Int, token: [UInt8]) throws {
        let endpoint = MCPHTTPEndpoint(dispatcher: dispatcher, token: token)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 64)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMapThrowing {
                    try channel.pipeline.syncOperations.addHandler(MCPHTTPHandler(endpoint: endpoint))
                }
            }
        do {
            channel = try bootstrap.bind(host: "127.0.0.1", port: port).wait()
        } catch {
            try? group.syncShutdownGracefully()
            throw error
        }
        self.group = group
        self.dispatcher = dispatcher
        self.port = channel.localAddress?.port ?? port
    }

    /// Serves until SIGTERM or SIGINT, then stops listening, drains the
    /// calls in flight and returns how many did not finish.
    public func serveUntilTerminated() -> Int {
        let stop = DispatchSemaphore(value: 0)
        var sources: [any DispatchSourceSignal] = []
        for number in [SIGTERM, SIGINT] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { stop.signal() }
            source.resume()
            sources.append(source)
        }
        stop.wait()
        try? channel.close().wait()
        let unfinished = dispatcher.drain()
        try? group.syncShutdownGracefully()
        for source in sources { source.cancel() }
        return unfinished
    }
}
