import CKaiABI
import Foundation
import Glibc

/// A plugin's shared object, opened and negotiated: its descriptor and raw
/// manifest. Nothing here is ever unloaded (see plugin-sdk/include/kai/kai_plugin.h).
///
/// `@unchecked Sendable`: the descriptor is an immutable copy, and its
/// function pointers point into a library that stays mapped for the life of
/// the process (RTLD_NODELETE, never dlclose).
final class PluginLibrary: @unchecked Sendable {
    let path: String
    let descriptor: kai_plugin
    let manifestBytes: [UInt8]

    private init(path: String, descriptor: kai_plugin, manifestBytes: [UInt8]) {
        self.path = path
        self.descriptor = descriptor
        self.manifestBytes = manifestBytes
    }

    /// Opens `path` (absolute) and runs the load steps of kai_plugin.h up to
    /// describe(). Every failure names its cause.
    static func open(path: String) throws(PluginLoadError) -> PluginLibrary {
        func fail(_ reason: PluginLoadError.Reason) -> PluginLoadError {
            PluginLoadError(path: path, reason: reason)
        }
        try checkFile(path)
        if let problem = ELFHeader.problem(atPath: path) {
            switch problem {
            case .notELF(let bytes): throw fail(.notELF(firstBytes: bytes))
            case .not64Bit: throw fail(.not64Bit)
            case .notSharedObject: throw fail(.notSharedObject)
            case .wrongMachine(let name): throw fail(.wrongArchitecture(found: name))
            }
        }
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE) else {
            throw fail(.dlopenFailed(lastDLError()))
        }
        guard let symbol = dlsym(handle, ABIVersion.entrySymbol) else {
            if let other = otherMajor(handle) { throw fail(.abiMajorMismatch(plugin: other)) }
            throw fail(.missingEntry)
        }
        let entry = unsafeBitCast(symbol, to: kai_plugin_entry_fn.self)
        guard let raw = entry(ABIVersion.minor) else { throw fail(.entryReturnedNull) }
        let descriptor = try copyDescriptor(raw, fail: fail)
        let manifest = try describe(descriptor, fail: fail)
        return PluginLibrary(path: path, descriptor: descriptor, manifestBytes: manifest)
    }

    private static func checkFile(_ path: String) throws(PluginLoadError) {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw PluginLoadError(path: path, reason: errno == ENOENT ? .fileNotFound : .dlopenFailed(String(cString: strerror(errno))))
        }
        guard info.st_mode & S_IFMT == S_IFREG else { throw PluginLoadError(path: path, reason: .notARegularFile) }
    }

    /// A plugin built for another ABI major exports kai_plugin_entry_vN
    /// instead; finding one turns "missing symbol" into a useful message.
    private static func otherMajor(_ handle: UnsafeMutableRawPointer) -> UInt32? {
        (2...9).first { dlsym(handle, "kai_plugin_entry_v\($0)") != nil }.map(UInt32.init)
    }

    /// Copies min(plugin's size, ours) into zeroed storage, so a plugin built
    /// against an older or newer 1.x header reads correctly.
    private static func copyDescriptor(
        _ raw: UnsafePointer<kai_plugin>, fail: (PluginLoadError.Reason) -> PluginLoadError
    ) throws(PluginLoadError) -> kai_plugin {
        let declared = UnsafeRawPointer(raw).load(as: UInt32.self)
        let required = UInt32(MemoryLayout<kai_plugin>.offset(of: \kai_plugin.get_extension)!)
        guard declared >= required else { throw fail(.descriptorTooSmall(declared)) }
        var copy = kai_plugin()
        withUnsafeMutableBytes(of: &copy) { target in
            target.copyMemory(from: UnsafeRawBufferPointer(start: raw, count: min(Int(declared), target.count)))
        }
        if copy.abi_major != ABIVersion.major { throw fail(.abiMajorMismatch(plugin: copy.abi_major)) }
        if copy.abi_minor > ABIVersion.minor { throw fail(.newerMinor(plugin: copy.abi_minor)) }
        if copy.describe == nil { throw fail(.nullFunction("describe")) }
        if copy.create == nil { throw fail(.nullFunction("create")) }
        if copy.destroy == nil { throw fail(.nullFunction("destroy")) }
        if copy.invoke == nil { throw fail(.nullFunction("invoke")) }
        return copy
    }

    private static func describe(
        _ descriptor: kai_plugin, fail: (PluginLoadError.Reason) -> PluginLoadError
    ) throws(PluginLoadError) -> [UInt8] {
        let collector = OutputCollector(limit: 4 << 20)
        let code = collector.withOutput { descriptor.describe($0) }
        guard code == KAI_OK else {
            throw fail(.describeFailed(ResultCode(plugin: code), ErrorDetails.describe(collector.errorDetails)))
        }
        return collector.bytes
    }

    private static func lastDLError() -> String {
        guard let message = dlerror() else { return "unknown error" }
        return String(cString: message)
    }
}
