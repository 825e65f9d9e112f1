/// Why a plugin file could not be loaded, with a message that names the file,
/// the problem, and the fix. The host reports it and goes on with the others.
public struct PluginLoadError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        case fileNotFound
        case notARegularFile
        case notELF(firstBytes: String)
        case not64Bit
        case notSharedObject
        case wrongArchitecture(found: String)
        case dlopenFailed(String)
        case missingEntry
        case abiMajorMismatch(plugin: UInt32)
        case entryReturnedNull
        case descriptorTooSmall(UInt32)
        case newerMinor(plugin: UInt32)
        case nullFunction(String)
        case describeFailed(ResultCode, String)
        case manifestNotJSON(String)
        case manifestInvalid([String])
        case manifestMinorMismatch(manifest: Int64, descriptor: UInt32)
        case duplicateCapability(String)
        case invalidSchema(capability: String, field: String, String)
        case duplicatePluginID(String, firstPath: String)
        case configInvalid([String])
        /// The operator's settings for the plugin cannot be used (a secret
        /// that is not set, a config that breaks its schema), as the catalog
        /// found: its message already names the file, line and fix.
        case settingsUnusable(String)
        case createFailed(ResultCode, String)
        case idMismatch(expected: String, found: String)
        /// A failure remembered by the scan cache: the message as first
        /// reported. The file is retried when it or the host changes.
        case previousScan(String)
        /// A load failure a helper process (the scan helper or a worker)
        /// reported: its message, as the helper wrote it.
        case failedInHelper(String)
        /// The scan helper died of a signal while reading this file.
        case scanCrashed(signal: Int32)
        /// The scan helper exited (the plugin called exit()) while reading this file.
        case scanExited(status: Int32)
        /// The scan helper did not answer for this file within the deadline.
        case scanTimedOut(seconds: Double)
        /// The host shut the plugin down; a late call does not recreate it.
        case shutDown
    }

    public let path: String
    public let reason: Reason

    public init(path: String, reason: Reason) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(message)" }

    /// The problem and the fix, without the path.
    public var message: String {
        let host = "\(ABIVersion.major).\(ABIVersion.minor)"
        switch reason {
        case .fileNotFound:
            return "file not found. Check the path given in --plugin-path or KAI_PLUGIN_PATH."
        case .notARegularFile:
            return "not a regular file. Give the path of a plugin's .so file or of a directory holding them."
        case .notELF(let bytes):
            return "not an ELF shared object (it starts with \"\(bytes)\"). A plugin is a .so built with -shared -fPIC."
        case .not64Bit:
            return "a 32-bit ELF file; this host is 64-bit. Rebuild the plugin for \(ELFHeader.machineName(ELFHeader.hostMachine))."
        case .notSharedObject:
            return "an ELF file but not a shared object. Link the plugin with -shared -fPIC."
        case .wrongArchitecture(let found):
            return "built for \(found), but this host is \(ELFHeader.machineName(ELFHeader.hostMachine)). Rebuild the plugin for this architecture."
        case .dlopenFailed(let detail):
            return "dlopen failed: \(detail). Check that the libraries it needs are installed (ldd shows them)."
        case .missingEntry:
            return "does not export \(ABIVersion.entrySymbol), so it is not a Kai plugin. Define KAI_EXPORT const kai_plugin *\(ABIVersion.entrySymbol)(uint32_t) (see plugin-sdk/README.md)."
        case .abiMajorMismatch(let plugin):
            return "built for Kai plugin ABI \(plugin), but this host speaks ABI \(ABIVersion.major). Use a build of the plugin for ABI \(ABIVersion.major), or a Kai that speaks ABI \(plugin)."
        case .entryReturnedNull:
            return "\(ABIVersion.entrySymbol) returned NULL: the plugin refuses to run with host ABI \(host). Upgrade Kai or the plugin."
        case .descriptorTooSmall(let size):
            return "its kai_plugin descriptor declares struct_size \(size), smaller than ABI 1.0's. Set struct_size = sizeof(kai_plugin)."
        case .newerMinor(let plugin):
            return "needs plugin ABI \(ABIVersion.major).\(plugin), but this host speaks \(host). Upgrade Kai, or rebuild the plugin against the \(host) headers."
        case .nullFunction(let name):
            return "the descriptor's required function \"\(name)\" is NULL. Set describe, create, destroy and invoke in kai_plugin."
        case .describeFailed(let code, let detail):
            return "describe() failed with \(code): \(detail)"
        case .manifestNotJSON(let detail):
            return "its manifest is not valid JSON: \(detail). describe() must write one JSON object."
        case .manifestInvalid(let violations):
            return "its manifest does not match plugin-sdk/schema/manifest.schema.json:\n" + violations.map { "  \($0)" }.joined(separator: "\n")
        case .manifestMinorMismatch(let manifest, let descriptor):
            return "its manifest says abiMinor \(manifest) but its descriptor says \(descriptor). Make them equal."
        case .duplicateCapability(let name):
            return "its manifest declares capability \"\(name)\" more than once. Capability names must be unique within a plugin."
        case .invalidSchema(let capability, let field, let detail):
            return "the \(field) of \"\(capability)\" is not a valid JSON Schema: \(detail)"
        case .duplicatePluginID(let id, let firstPath):
            return "plugin id \"\(id)\" is already loaded from \(firstPath); this copy is skipped. Give each plugin its own id."
        case .settingsUnusable(let problem):
            return "its settings in the operator config cannot be used:\n  " + problem.replacingOccurrences(of: "\n", with: "\n  ")
        case .configInvalid(let violations):
            return "its configuration does not match the plugin's configSchema:\n" + violations.map { "  \($0)" }.joined(separator: "\n")
        case .createFailed(let code, let detail):
            return "create() failed with \(code): \(detail)"
        case .idMismatch(let expected, let found):
            return "the configuration expects plugin id \"\(expected)\", but the file's manifest says \"\(found)\". Fix the id in the configuration or point it at the right file."
        case .previousScan(let message), .failedInHelper(let message):
            return message
        case .scanCrashed(let signal):
            return "crashed with \(WorkerExit.describe(signal: signal)) while being scanned (in dlopen, its entry function or describe()). Kai skips it until the file changes."
        case .scanExited(let status):
            return "exited with status \(status) while being scanned (in dlopen, its entry function or describe()). Kai skips it until the file changes."
        case .scanTimedOut(let seconds):
            return "did not answer within \(seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)) s while being scanned (its entry function or describe() hangs). Kai skips it until the file changes."
        case .shutDown:
            return "the plugin was shut down (its host is stopping) and takes no more calls."
        }
    }
}

extension PluginLoadError.Reason {
    /// The plugin's configuration, not its code, is what failed.
    public var isAboutConfig: Bool {
        switch self {
        case .configInvalid, .settingsUnusable: true
        default: false
        }
    }
}
