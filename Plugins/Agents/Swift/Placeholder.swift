// Replaced by the agents plugin (issue 13).
