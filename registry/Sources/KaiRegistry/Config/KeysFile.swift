import Foundation
import KaiJSON

/// The user's API keys, stored by `kai keys set NAME`: a JSON object of
/// names to values at `${XDG_CONFIG_HOME:-~/.config}/kai/keys.json`, mode
/// 0600 in a 0700 directory. SecretResolver falls back to it when the
/// environment variable a secret names is unset.
///
/// Values never reach error text or descriptions: errors name the file and
/// the problem only.
public struct KeysFile: Sendable, Equatable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// The keys file of this environment's user.
    public init(environment: [String: String]) {
        self.init(path: Self.defaultPath(environment: environment))
    }

    /// `$XDG_CONFIG_HOME/kai/keys.json` (an absolute XDG_CONFIG_HOME only),
    /// else `$HOME/.config/kai/keys.json`: beside the default operator config.
    public static func defaultPath(environment: [String: String]) -> String {
        let configHome = absoluteVariable("XDG_CONFIG_HOME", in: environment) ?? homeDirectory(environment) + "/.config"
        return configHome + "/kai/keys.json"
    }

    /// Every stored key, name to value; empty when there is no file.
    ///
    /// - Throws: `.insecurePermissions` when group or others may read or
    ///   write the file or it is not this user's; `.unreadable`;
    ///   `.invalidValue` when it is not a JSON object of strings.
    public func load() throws(ConfigError) -> [String: String] {
        guard let bytes = try readPrivately() else { return [:] }
        guard let object = (try? JSONParser.parse(bytes))?.objectValue else {
            throw ConfigError(.invalidValue, file: path, at: nil,
                "the keys file is not a JSON object of names to strings. Fix it, or remove it and store the keys again with `kai keys set NAME`.")
        }
        var keys: [String: String] = [:]
        for (name, value) in object {
            guard let text = value.stringValue else {
                throw ConfigError(.invalidValue, file: path, at: nil,
                    "key \(name) in the keys file is not a string. Store it again with `kai keys set \(name)`.")
            }
            keys[name] = text
        }
        return keys
    }

    /// The stored key names, sorted.
    public func names() throws(ConfigError) -> [String] {
        try load().keys.sorted()
    }

    /// Stores `value` under `name`, replacing the file atomically (0600;
    /// its directory is created 0700).
    public func set(_ name: String, to value: String) throws(ConfigError) {
        var keys = try load()
        keys[name] = value
        let directory = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw ConfigError(.writeFailed, file: path, at: nil,
                "cannot create the directory \(directory): \((error as NSError).localizedDescription). Check its permissions.")
        }
        let object = JSONValue.object(JSONObject(keys.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) }))
        try AtomicFile.write(object.serialized(pretty: true, sortedKeys: true) + "\n", to: path, mode: 0o600)
    }

    /// The file's bytes, or nil when it does not exist; refuses a file that
    /// is not private to this user (checked on the open descriptor, so a
    /// swapped file cannot slip between the check and the read).
    private func readPrivately() throws(ConfigError) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { return nil }
            throw ConfigError(.unreadable, file: path, at: nil,
                "cannot read the keys file: \(String(cString: strerror(errno))). Check its permissions (chmod 600 \(path)).")
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw ConfigError(.unreadable, file: path, at: nil, "cannot stat the keys file: \(String(cString: strerror(errno))).")
        }
        if status.st_uid != geteuid() {
            throw ConfigError(.insecurePermissions, file: path, at: nil,
                "the keys file belongs to uid \(status.st_uid), not to you (uid \(geteuid())), so kai will not read keys from it. Remove it and store the keys again with `kai keys set NAME`.")
        }
        let mode = status.st_mode & 0o777
        if mode & 0o077 != 0 {
            throw ConfigError(.insecurePermissions, file: path, at: nil,
                "the keys file is open to other users (mode \(String(mode, radix: 8))), so kai will not read keys from it. Make it private: chmod 600 \(path)")
        }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else {
                throw ConfigError(.unreadable, file: path, at: nil, "cannot read the keys file: \(String(cString: strerror(errno))).")
            }
            if count == 0 { return bytes }
            bytes += buffer[0 ..< count]
        }
    }
}
