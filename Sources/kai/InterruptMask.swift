import Foundation

/// Keeps Ctrl-C off the thread that calls a plugin. kai receives SIGINT
/// through a dispatch signal source, for which libdispatch installs a
/// handler; a SIGINT the kernel delivers to the calling thread would run
/// that handler there and interrupt the in-process plugin's blocking
/// syscall (its poll() on the cancel fd, a read from its server) with
/// EINTR, which a plugin may take for a failure. With SIGINT blocked on the
/// calling thread it goes to another of kai's threads (or the signalfd);
/// the plugin learns of the Ctrl-C through the cancellation the handler
/// sets, as the contract says.
enum InterruptMask {
    /// Runs `body` with SIGINT blocked on this thread, then restores the mask.
    static func blockingInterrupts<T>(_ body: () -> T) -> T {
        var interrupt = sigset_t(), previous = sigset_t()
        sigemptyset(&interrupt)
        sigaddset(&interrupt, SIGINT)
        // Fails only for an invalid `how`; the call then runs as before.
        let blocked = pthread_sigmask(SIG_BLOCK, &interrupt, &previous) == 0
        defer { if blocked { pthread_sigmask(SIG_SETMASK, &previous, nil) } }
        return body()
    }
}
