/// Parses one C function signature as an operator writes it in kai.yaml
/// (`unsigned long crc32(unsigned long crc, const unsigned char buf[len],
/// unsigned int len)`) into what Kai can call, refusing whatever it cannot
/// call safely: varargs, structs by value, callbacks, pointers it cannot
/// size, unknown types (typedefs such as uLong included).
public enum CSignatureParser {
    /// The largest `char out[N]` Kai allocates for one call.
    public static let maxOutputSize = 1 << 20

    public static func parse(_ text: String) throws(NativeSignatureError) -> NativeSignature {
        var tokens = try CTokens(text)
        let returnType = try typeSpec(&tokens)
        guard case .identifier(let symbol)? = tokens.next() else {
            throw NativeSignatureError("expected the function's name after its return type \(returnType.text).")
        }
        guard tokens.take("(") else { throw NativeSignatureError("expected \"(\" after the function name \(symbol).") }
        let declared = try parameterList(&tokens)
        guard tokens.peek == nil else {
            throw NativeSignatureError("unexpected \(tokens.peek!.text) after the parameter list; write one signature: type name(parameters).")
        }
        let returns = try self.returns(returnType)
        return NativeSignature(symbol: symbol, returns: returns, parameters: try resolve(declared))
    }

    /// A parameter as declared, before lengths are matched to buffers.
    struct Declared {
        var type: CTypeSpec
        var name: String
        /// `[256]` or `[len]`.
        var bound: CToken?
    }

    private static func parameterList(_ tokens: inout CTokens) throws(NativeSignatureError) -> [Declared] {
        if tokens.take(")") { return [] }
        if case .identifier("void")? = tokens.peek, tokens.peek(1)?.text == ")" {
            _ = tokens.next(); _ = tokens.next()
            return []
        }
        var declared: [Declared] = []
        while true {
            if tokens.take("...") {
                throw NativeSignatureError("it is variadic (...): the types of the extra arguments are not known, so kai "
                    + "cannot call it safely. Configure a function with fixed parameters instead.")
            }
            let position = declared.count + 1
            let type = try typeSpec(&tokens)
            if tokens.peek?.text == "(" {
                throw NativeSignatureError("parameter \(position) is a function pointer: callbacks are not supported "
                    + "(kai cannot hand C code a function to call).")
            }
            guard case .identifier(let name)? = tokens.peek else {
                throw NativeSignatureError("parameter \(position) (\(type.text)) has no name; name every parameter: "
                    + "the names are the tool's argument names.")
            }
            _ = tokens.next()
            var bound: CToken?
            if tokens.take("[") {
                bound = tokens.next()
                guard bound != nil, tokens.take("]") else {
                    throw NativeSignatureError("parameter \(name): expected a size or a parameter's name and \"]\" in its brackets.")
                }
            }
            declared.append(Declared(type: type, name: name, bound: bound))
            if tokens.take(")") { return declared }
            guard tokens.take(",") else {
                throw NativeSignatureError("expected \",\" or \")\" after parameter \(name), found \(tokens.peek?.text ?? "the end").")
            }
        }
    }

    /// Type words and qualifiers, then pointer stars (a `const` after a star
    /// is accepted and ignored: it binds the pointer, not the data).
    private static func typeSpec(_ tokens: inout CTokens) throws(NativeSignatureError) -> CTypeSpec {
        var spec = CTypeSpec()
        while case .identifier(let word)? = tokens.peek {
            if CTypeSpec.qualifiers.contains(word) {
                if word == "const" { spec.isConst = true }
            } else if CTypeSpec.keywords.contains(word), spec.typedefName == nil, spec.tagged == nil {
                spec.words.append(word)
            } else if ["struct", "union", "enum"].contains(word), spec.words.isEmpty, spec.typedefName == nil {
                _ = tokens.next()
                guard case .identifier(let tag)? = tokens.peek else { throw NativeSignatureError("expected a tag after \(word).") }
                spec.tagged = "\(word) \(tag)"
            } else if spec.words.isEmpty, spec.typedefName == nil, spec.tagged == nil {
                spec.typedefName = word
            } else {
                break
            }
            _ = tokens.next()
        }
        guard !spec.words.isEmpty || spec.typedefName != nil || spec.tagged != nil else {
            throw NativeSignatureError("expected a type, found \(tokens.peek?.text ?? "the end").")
        }
        while tokens.take("*") {
            spec.stars += 1
            while tokens.take("const") {}
        }
        return spec
    }

    private static func returns(_ type: CTypeSpec) throws(NativeSignatureError) -> NativeReturn {
        if type.isVoid { return .void }
        if type.stars == 1, type.isPlainChar {
            guard type.isConst else {
                throw NativeSignatureError("the result has type char *: the caller may have to free it, and kai "
                    + "never frees; only const char * (copied, never freed) is returned as text.")
            }
            return .string
        }
        if type.stars > 0 {
            if case .failure(let error) = type.scalar("the result"), type.tagged != nil || type.typedefName != nil,
               !error.message.contains("passed by value") { throw error }
            throw .unsizedPointer("the result", type.text)
        }
        switch type.scalar("the result") {
        case .success(let scalar): return .scalar(scalar, ctype: type.text)
        case .failure(let error): throw error
        }
    }
}
