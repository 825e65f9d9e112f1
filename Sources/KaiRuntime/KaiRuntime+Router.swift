import Foundation
import KaiRegistry

extension KaiRuntime {
    /// The router over this runtime's providers, config and registry: its
    /// failed attempts feed supervision across processes (callFailed).
    public var router: Router { router(planCache: nil) }

    /// The router keeping the plans of routes that name their target in
    /// `planCache` (an agent run's own: the same -m every turn, and no lock
    /// shared with other runs).
    func router(planCache: RoutePlanCache?) -> Router {
        Router(config: config.router, configFile: configPath, host: host, store: store, attemptFailed: { [self] error in callFailed(error) },
               breakerWriteFailed: { [self] _, error in breakerWriteFailed(error) }, planCache: planCache)
    }

    /// A breaker update that could not be written: the call goes on (the
    /// breaker fails open), and the operator hears of it once per runtime.
    func breakerWriteFailed(_ error: StoreError) {
        guard !breakerWriteWarned.exchange(true, ordering: .acquiringAndReleasing) else { return }
        diagnostics.warning("the router could not record a circuit breaker's state (\(error.message)); "
            + "calls go on, but other kai processes may not see this target's failures. Check the registry with kai doctor.")
    }
}
