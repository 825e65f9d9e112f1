import ArgumentParser

/// `kai`: the command-line host. Each subcommand is a small type in its own
/// file; shared options live in HostOptions.
@main
struct Kai: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kai",
        abstract: "Host agents, tools and LLM providers loaded from plugin .so files.",
        discussion: """
            Plugins come from --plugin-path, then KAI_PLUGIN_PATH (both colon-separated \
            lists of .so files or directories), then the bundled plugins next to this executable.
            """,
        version: "0.1.0 (plugin ABI \(PluginABIText.version))",
        subcommands: [PluginsCommand.self, ToolsCommand.self]
    )
}
