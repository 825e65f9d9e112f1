// Replaced by the sandbox_run tool (issue 13).
