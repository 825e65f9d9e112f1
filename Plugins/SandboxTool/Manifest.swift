import KaiJSON

/// The manifest describe() writes. Built once from constant parts and the
/// built-in language table, so it never depends on configuration and is the
/// same every time, as the ABI asks.
///
/// Annotations: sandbox_run reads nothing of the host, writes nothing that
/// outlives the run (a fresh tmpfs /work per run) and has no network (an
/// empty network namespace), so it is read-only and closed-world; the
/// approval policy lets agents call it without asking.
enum Manifest {
    static let json: String = """
    {
      "id": "dev.kai.sandbox",
      "name": "Kai sandbox",
      "version": "1.0.0",
      "abiMinor": 0,
      "description": "Runs code in Kai's process sandbox (namespaces, seccomp, cgroup limits, no network, nothing persists) under the operator's limits.",
      "configSchema": {
        "type": "object",
        "additionalProperties": false,
        "properties": {
          "time_s": {"type": "number", "exclusiveMinimum": 0, "maximum": 86400, "default": 10, "description": "Wall-clock and CPU limit of one run, in seconds; a call's timeout_s can only lower it."},
          "memory_mb": {"type": "integer", "minimum": 8, "maximum": 1048576, "default": 512, "description": "Memory (with swap) of the run's whole process tree."},
          "pids": {"type": "integer", "minimum": 1, "maximum": 65536, "default": 64, "description": "Processes and threads of one run."},
          "output_kb": {"type": "integer", "minimum": 1, "maximum": 1048576, "default": 1024, "description": "Cap on stdout and on stderr, each; the rest is dropped."},
          "require_isolation": {"type": "boolean", "default": true, "description": "Refuse to run when the machine cannot give every protection (user, pid, mount and network namespaces, seccomp, memory, pids and CPU cgroups); false runs with what there is."}
        }
      },
      "capabilities": [
        {
          "kind": "tool",
          "name": "sandbox_run",
          "title": "Run code in the sandbox",
          "description": "Runs a program in a fresh sandbox with no network and nothing kept afterwards, and reports how it ended. 'tests' is appended after 'code' (e.g. asserts, or check(ENTRY_POINT) for a HumanEval test), so the run passes when the program and its tests exit 0. The result is an MCP tool result: a text verdict with the output, structuredContent {verdict (ok, failed, timeout, oom, output_limit, killed, compile_error), exit_code, stdout, stderr (each cut at the operator's output limit), duration_ms, ...}, and isError when the code did not pass.",
          "inputSchema": {
            "type": "object",
            "additionalProperties": false,
            "required": ["language", "code"],
            "properties": {
              "language": {"enum": \(JSONValue.array(SandboxLanguages.offered.map { .string($0) }).serialized()), "description": "The program's language, from the sandbox's language table."},
              "code": {"type": "string", "minLength": 1, "maxLength": 1000000, "description": "The whole program."},
              "tests": {"type": "string", "maxLength": 1000000, "description": "Test code run after the program, in the same file."},
              "stdin": {"type": "string", "maxLength": 1000000, "description": "The program's standard input (default: empty)."},
              "timeout_s": {"type": "number", "exclusiveMinimum": 0, "maximum": 86400, "description": "Time limit in seconds; at most the operator's time_s."}
            }
          },
          "annotations": {"title": "Run code in the sandbox", "readOnlyHint": true, "destructiveHint": false, "idempotentHint": true, "openWorldHint": false},
          "concurrency": "parallel",
          "tags": ["coding", "code_execution", "testing"]
        }
      ]
    }
    """
}
