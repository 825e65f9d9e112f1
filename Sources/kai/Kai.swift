import ArgumentParser

/// `kai`: the command-line host. Each subcommand is a small type in its own
/// file; shared options live in HostOptions.
@main
struct Kai: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kai",
        abstract: "Host agents, tools and LLM providers loaded from plugin .so files.",
        discussion: """
            Plugins come from the operator config (--config, KAI_CONFIG, or $XDG_CONFIG_HOME/kai/kai.yaml, \
            written on first use with the bundled plugins enabled), plus --plugin-path and KAI_PLUGIN_PATH. \
            Every call is recorded in the registry database.
            """,
        version: "0.1.0 (plugin ABI \(PluginABIText.version))",
        subcommands: [PluginsCommand.self, ToolsCommand.self, RegistryCommand.self, LogsCommand.self, SandboxCommand.self, EvalCommand.self, DoctorCommand.self, KeysCommand.self, ProvidersCommand.self, ModelsCommand.self, PromptCommand.self, ChatCommand.self, RunCommand.self, SessionsCommand.self, ApprovalsCommand.self, McpCommand.self]
    )
}
