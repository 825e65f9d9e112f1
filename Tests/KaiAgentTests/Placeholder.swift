// Replaced by the agent tests (issue 13).
