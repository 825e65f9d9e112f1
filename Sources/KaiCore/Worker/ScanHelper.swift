import Glibc
import KaiJSON

/// `kai-plugin-worker --scan PATH...`: opens each plugin file in this
/// throwaway process and prints one JSON line per file, in order:
///
///     {"path": "/abs/x.so", "manifest": "<describe() output>", "abiMinor": 0}
///     {"path": "/abs/y.so", "error": "<the load error, without the path>"}
///
/// A file that crashes or hangs the helper gets no line: the host knows it
/// was the next one, reports why, and starts a new helper for the rest.
/// The lines go to the original stdout; fd 1 is pointed at stderr first,
/// so a plugin that prints cannot corrupt them.
package enum ScanHelper {
    package static func run(paths: [String]) -> Never {
        let results = dup(1)
        guard results >= 0, dup2(2, 1) == 1 else { fail("cannot set up its output: \(String(cString: strerror(errno)))") }
        for path in paths {
            var line: JSONObject = ["path": .string(path)]
            do {
                let library = try PluginLibrary.open(path: path)
                line["manifest"] = .string(String(decoding: library.manifestBytes, as: UTF8.self))
                line["abiMinor"] = .integer(Int64(library.descriptor.abi_minor))
            } catch {
                line["error"] = .string(error.message)
            }
            let bytes = JSONValue.object(line).serializedBytes() + [UInt8(ascii: "\n")]
            guard writeAll(results, bytes) else { fail("cannot write its results: \(String(cString: strerror(errno)))") }
        }
        _exit(0)
    }

    /// One error line per path, marked "unscanned": none of them could be
    /// scanned (the helper could not set up the isolation they are
    /// configured for), which says nothing of the files, so the host does
    /// not cache it.
    package static func fail(paths: [String], _ message: String) -> Never {
        for path in paths {
            let line = JSONValue.object(["path": .string(path), "error": .string(message), "unscanned": .bool(true)])
                .serializedBytes() + [UInt8(ascii: "\n")]
            guard writeAll(1, line) else { fail("cannot write its results: \(String(cString: strerror(errno)))") }
        }
        _exit(0)
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { buffer in
            var sent = 0
            while sent < buffer.count {
                let n = write(fd, buffer.baseAddress! + sent, buffer.count - sent)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return false }
                sent += n
            }
            return true
        }
    }

    private static func fail(_ message: String) -> Never {
        _ = writeAll(2, Array("kai-plugin-worker: \(message)\n".utf8))
        _exit(70)
    }
}
