/// The manifest describe() writes: constant text, so describe() cannot fail
/// and gives the same answer every time, as the ABI asks.
///
/// Both agents are stateless between calls (kai_agent.h: a paused run is
/// resumed from its messages), so calls may run in parallel; both stream
/// their text and steps.
enum Manifest {
    static let json: StaticString = #"""
    {
      "id": "dev.kai.agents",
      "name": "Kai agents",
      "version": "1.0.0",
      "abiMinor": 2,
      "description": "Bundled agents built only from host services: a tool-calling assistant and a supervisor that plans and delegates.",
      "capabilities": [
        {
          "kind": "agent",
          "name": "assistant",
          "title": "Assistant",
          "description": "Answers a task by asking the model with the run's tools, running the tool calls it makes (several in one turn at once) and sending the results back, until a final answer or the chain limit. A failing tool's error goes back to the model; a third identical call is not run.",
          "streaming": true,
          "concurrency": "parallel",
          "tags": ["general", "tools", "qa"]
        },
        {
          "kind": "agent",
          "name": "supervisor",
          "title": "Supervisor",
          "description": "Asks the model for a plan of 1 to 5 sub-tasks, each with a capability and a task type, delegates each to the best-scored agent with that capability, and combines their answers. Delegation depth is limited (limits.depth, default 2).",
          "streaming": true,
          "concurrency": "parallel",
          "tags": ["supervisor", "planning"]
        }
      ]
    }
    """#
}
