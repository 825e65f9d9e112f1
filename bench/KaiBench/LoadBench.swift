import KaiCore

/// Times `PluginHost.load` of one plugin at a time: dlopen, kai_plugin_entry,
/// describe, manifest decode + validation, schema compilation, tool index.
///
/// dlopen caches a library by path, so each file is measured once per
/// process; run.py runs this process several times and takes medians.
enum LoadBench {
    static func run(paths: [String]) {
        // Warm FileManager, Logger and the allocator. Costs paid on the first
        // plugin a process loads (e.g. compiling the manifest schema) stay in:
        // run.py puts a sacrificial plugin first and reports it on its own.
        _ = PluginHost.load(from: SearchPathCatalog(entries: [], bundledDirectory: nil))

        var rows: [String] = []
        for path in paths {
            let started = Bench.now()
            let host = PluginHost.load(from: SearchPathCatalog(entries: [path], bundledDirectory: nil))
            let elapsed = Bench.now() - started
            if let failure = host.failures.first { Bench.fail("could not load \(failure)") }
            guard let plugin = host.plugins.first else { Bench.fail("\(path): no plugin loaded") }
            rows.append("{\"path\": \(Bench.quoted(path)), \"id\": \(Bench.quoted(plugin.id)), "
                + "\"tools\": \(plugin.manifest.capabilities.count), \"load_ns\": \(elapsed)}")
        }
        print("{\"plugins\": [" + rows.joined(separator: ", ") + "]}")
    }
}
