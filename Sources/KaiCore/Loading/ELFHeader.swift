import Foundation
import Glibc

/// Reads just enough of an ELF header to explain, before dlopen, why a file
/// cannot be a plugin: dlopen's own messages ("invalid ELF header") don't say
/// what the file is or what to do.
struct ELFHeader {
    enum Problem: Equatable {
        case notELF(firstBytes: String)
        case not64Bit
        case notSharedObject
        case wrongMachine(String)
    }

    /// e_machine of the host build, and its name for messages.
    #if arch(x86_64)
    static let hostMachine: UInt16 = 62
    #elseif arch(arm64)
    static let hostMachine: UInt16 = 183
    #else
    static let hostMachine: UInt16 = 0
    #endif

    static func machineName(_ machine: UInt16) -> String {
        switch machine {
        case 3: "x86 (32-bit)"
        case 40: "arm (32-bit)"
        case 62: "x86_64"
        case 183: "aarch64"
        case 243: "riscv"
        default: "machine type \(machine)"
        }
    }

    /// Checks the first 20 bytes of `path`; nil means "looks loadable".
    /// Throws the errno of open/read so the caller can report it.
    static func problem(atPath path: String) -> Problem? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }  // dlopen will report the error
        defer { close(fd) }
        var header = [UInt8](repeating: 0, count: 20)
        let count = header.withUnsafeMutableBytes { read(fd, $0.baseAddress, 20) }
        guard count == 20, header[0] == 0x7f, header[1] == 0x45, header[2] == 0x4c, header[3] == 0x46 else {
            let shown = header.prefix(max(0, min(count, 4)))
            return .notELF(firstBytes: printable(shown))
        }
        guard header[4] == 2 else { return .not64Bit }
        let littleEndian = header[5] == 1
        let type = littleEndian ? UInt16(header[16]) | UInt16(header[17]) << 8 : UInt16(header[17]) | UInt16(header[16]) << 8
        let machine = littleEndian ? UInt16(header[18]) | UInt16(header[19]) << 8 : UInt16(header[19]) | UInt16(header[18]) << 8
        guard machine == hostMachine else { return .wrongMachine(machineName(machine)) }
        guard type == 3 else { return .notSharedObject }  // ET_DYN
        return nil
    }

    private static func printable(_ bytes: ArraySlice<UInt8>) -> String {
        bytes.map { (0x20..<0x7f).contains($0) ? String(UnicodeScalar($0)) : String(format: "\\x%02x", $0) }.joined()
    }
}
