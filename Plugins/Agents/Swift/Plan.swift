import KaiJSON

/// The supervisor's plan: 1 to 5 sub-tasks, each with the capability (an
/// agent tag) and the task type (for scores) it needs. The model is asked
/// for it under this JSON schema.
struct Plan: Sendable {
    struct Subtask: Sendable {
        let task: String
        let capability: String
        let taskType: String

        var json: JSONValue { ["task": .string(task), "capability": .string(capability), "task_type": .string(taskType)] }
    }

    let subtasks: [Subtask]

    static let schema: JSONValue = [
        "type": "object", "required": ["subtasks"], "additionalProperties": false,
        "properties": ["subtasks": [
            "type": "array", "minItems": 1, "maxItems": 5,
            "items": [
                "type": "object", "required": ["task", "capability", "task_type"], "additionalProperties": false,
                "properties": [
                    "task": ["type": "string", "minLength": 1],
                    "capability": ["type": "string", "minLength": 1],
                    "task_type": ["type": "string", "minLength": 1],
                ],
            ],
        ]],
    ]

    /// The plan in a model's answer, or why it is not one.
    init(answer: String) throws(PlanError) {
        guard let json = try? JSONParser.parse(answer) else { throw PlanError(reason: "its answer is not JSON") }
        guard let items = json["subtasks"]?.arrayValue, !items.isEmpty else {
            throw PlanError(reason: "its answer has no \"subtasks\"")
        }
        var subtasks: [Subtask] = []
        for item in items.prefix(5) {
            guard let task = item["task"]?.stringValue, !task.isEmpty,
                  let capability = item["capability"]?.stringValue, !capability.isEmpty
            else { throw PlanError(reason: "a sub-task lacks its \"task\" or \"capability\"") }
            let taskType = item["task_type"]?.stringValue ?? capability
            subtasks.append(Subtask(task: task, capability: capability, taskType: taskType.isEmpty ? capability : taskType))
        }
        self.subtasks = subtasks
    }

    var json: JSONValue { .array(subtasks.map(\.json)) }
}

struct PlanError: Error {
    let reason: String
}
