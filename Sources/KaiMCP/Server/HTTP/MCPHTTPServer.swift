import Dispatch
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// `kai mcp serve --http PORT`: Streamable HTTP on 127.0.0.1 only, over
/// SwiftNIO (the swift-sdk's HTTP server transports need a server
/// supplied; Kai's own endpoint, MCPHTTPEndpoint, answers on it).
/// Its sockets are close-on-exec (ServerSockets), at most `maxConnections`
/// are open at once (more are closed as they come), and a connection idle
/// for `idleSeconds` (default 60) with no response pending is closed.
public final class MCPHTTPServer: Sendable {
    public static let maxConnections = 256
    public static let defaultIdleSeconds = 60.0

    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel
    private let dispatcher: MCPDispatcher
    /// The port it listens on (the one asked for, or the kernel's pick for 0).
    public let port: Int

    /// Binds 127.0.0.1:`port`; `token` is the bearer token clients must send.
    public init(dispatcher: MCPDispatcher, port: Int, token: [UInt8], idleSeconds: Double = MCPHTTPServer.defaultIdleSeconds) throws {
        let idle = TimeAmount.nanoseconds(Int64(idleSeconds * 1e9))
        let endpoint = MCPHTTPEndpoint(dispatcher: dispatcher, token: token)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let open = Atomic<Int>(0)
        let listener = try ServerSockets.listen(port: port)
        let bound = ServerSockets.localPort(listener)
        let bootstrap = ServerBootstrap(group: group)
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                ServerSockets.closeOnExec(acceptedOn: bound, from: channel.remoteAddress?.port)
                guard open.add(1, ordering: .relaxed).newValue <= Self.maxConnections else {
                    open.subtract(1, ordering: .relaxed)
                    return channel.close()
                }
                channel.closeFuture.whenComplete { _ in open.subtract(1, ordering: .relaxed) }
                return channel.pipeline.configureHTTPServerPipeline().flatMapThrowing {
                    try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: idle))
                    try channel.pipeline.syncOperations.addHandler(MCPHTTPHandler(endpoint: endpoint))
                }
            }
        do {
            channel = try bootstrap.withBoundSocket(listener).wait()
        } catch {
            close(listener)
            try? group.syncShutdownGracefully()
            throw error
        }
        self.group = group
        self.dispatcher = dispatcher
        self.port = bound
    }

    /// Serves until SIGTERM or SIGINT, then stops listening at once, drains
    /// the calls in flight and returns how the drain ended. `draining` hears
    /// how many calls were in flight when it stopped.
    public func serveUntilTerminated(draining: @Sendable (Int) -> Void = { _ in }) -> MCPDispatcher.Drained {
        let stop = DispatchSemaphore(value: 0)
        let signals = TerminationSignals([SIGTERM, SIGINT]) { _ in stop.signal() }
        stop.wait()
        dispatcher.inFlight.stopAccepting()
        try? channel.close().wait()
        draining(dispatcher.callsInFlight)
        let drained = dispatcher.drain()
        try? group.syncShutdownGracefully()
        signals.cancel()
        return drained
    }
}
