import Foundation
import KaiRegistry

extension KaiRuntime {
    /// The router over this runtime's providers, config and registry: its
    /// failed attempts feed supervision across processes (callFailed).
    public var router: Router {
        Router(config: config.router, configFile: configPath, host: host, store: store, attemptFailed: { [self] error in callFailed(error) })
    }
}
