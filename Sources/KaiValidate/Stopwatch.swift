import Glibc

/// Monotonic time for the suite's own timings.
enum Stopwatch {
    static func now() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    static func seconds(since start: Int64) -> Double {
        Double(now() - start) / 1e9
    }

    static func sleep(seconds: Double) {
        usleep(UInt32(seconds * 1e6))
    }
}

/// Sizes from /proc/PID/status, in bytes (nil when the process is gone).
enum ProcStatus {
    /// VmRSS: the resident set now.
    static func resident(_ pid: Int32) -> Int? { field("VmRSS:", pid) }
    /// VmHWM: the largest resident set so far.
    static func peakResident(_ pid: Int32) -> Int? { field("VmHWM:", pid) }

    private static func field(_ name: String, _ pid: Int32) -> Int? {
        guard let file = fopen("/proc/\(pid)/status", "r") else { return nil }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 256)
        while fgets(&line, Int32(line.count), file) != nil {
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            guard text.hasPrefix(name) else { continue }
            let kilobytes = text.dropFirst(name.count).split(whereSeparator: { $0 == " " || $0 == "\t" }).first.flatMap { Int($0) }
            return kilobytes.map { $0 * 1024 }
        }
        return nil
    }

    static func mebibytes(_ bytes: Int) -> String {
        let value = Double(bytes) / 1_048_576
        return value.magnitude < 10 ? "\((value * 10).rounded() / 10) MiB" : "\(Int(value.rounded())) MiB"
    }
}
