extension CSignatureParser {
    /// Maps each declared parameter to how Kai passes it, then ties every
    /// buffer to the integer parameter Kai fills with its length.
    static func resolve(_ declared: [Declared]) throws(NativeSignatureError) -> [NativeParameter] {
        var parameters: [NativeParameter] = []
        for d in declared {
            guard !parameters.contains(where: { $0.name == d.name }) else {
                throw NativeSignatureError("two parameters are named \(d.name).")
            }
            let ctype = d.type.text + (d.bound.map { "[\($0.text)]" } ?? "")
            parameters.append(NativeParameter(name: d.name, ctype: ctype, shape: try shape(d)))
        }
        for (index, parameter) in parameters.enumerated() {
            let length: String, what: String
            switch parameter.shape {
            case .bytes(let name): (length, what) = (name, "length")
            case .doubles(let name): (length, what) = (name, "count")
            default: continue
            }
            guard let target = parameters.firstIndex(where: { $0.name == length }) else {
                throw NativeSignatureError("the \(what) of \(parameter.name), \(length), is not a parameter of the function; "
                    + "name the parameter that holds it in the brackets.")
            }
            guard case .scalar(let scalar) = parameters[target].shape, scalar.isInteger else {
                throw NativeSignatureError("\(length), the \(what) of \(parameter.name), has type \(parameters[target].ctype); "
                    + "it must be an integer type.")
            }
            guard parameters[target].fills == nil else {
                throw NativeSignatureError("\(length) is the \(what) of two buffers; each buffer needs a parameter of its own.")
            }
            parameters[target].fills = parameters[index].name
        }
        return parameters
    }

    private static func shape(_ d: Declared) throws(NativeSignatureError) -> NativeParameter.Shape {
        let place = "parameter \(d.name)"
        switch d.bound {
        case nil:
            if d.type.stars == 0 {
                switch d.type.scalar(place) {
                case .success(let scalar): return .scalar(scalar)
                case .failure(let error): throw error
                }
            }
            if d.type.stars == 1, d.type.isPlainChar {
                guard d.type.isConst else {
                    throw NativeSignatureError("\(place) has type char *: the function may write through it; write "
                        + "const char *\(d.name) for text in, or char \(d.name)[SIZE] for text out.")
                }
                return .string
            }
            if d.type.tagged == nil, d.type.typedefName != nil, case .failure(let error) = d.type.scalar(place) { throw error }
            throw .unsizedPointer(place, d.type.text)
        case .number(let size)?:
            guard d.type.stars == 0, d.type.isPlainChar, !d.type.isConst else {
                throw NativeSignatureError("\(place)[\(size)] has type \(d.type.text): the only fixed-size array kai passes "
                    + "is an output buffer, char \(d.name)[SIZE]; arrays in are const double \(d.name)[n] with n another parameter.")
            }
            guard (1...maxOutputSize).contains(size) else {
                throw NativeSignatureError("\(place)[\(size)]: an output buffer holds 1 to \(maxOutputSize) bytes.")
            }
            return .output(size: size)
        case .identifier(let length)?:
            guard d.type.stars == 0 else { throw .unsizedPointer(place, d.type.text + " []") }
            let isByte = d.type.words == ["unsigned", "char"] || d.type.words == ["char"] || d.type.typedefName == "uint8_t"
            guard isByte || d.type.words == ["double"] else {
                if d.type.tagged == nil, d.type.typedefName != nil, case .failure(let error) = d.type.scalar(place) { throw error }
                throw NativeSignatureError("\(place)[\(length)] has type \(d.type.text): arrays in are const double "
                    + "\(d.name)[\(length)] (numbers) or const unsigned char \(d.name)[\(length)] (bytes) only.")
            }
            guard d.type.isConst else {
                throw NativeSignatureError("\(place)[\(length)] is not const: kai passes arrays in only, so write "
                    + "const \(d.type.words.joined(separator: " "))\(d.type.typedefName ?? "") \(d.name)[\(length)] if the function only reads it.")
            }
            return isByte ? .bytes(length: length) : .doubles(count: length)
        case .punctuation(let mark)?:
            throw NativeSignatureError("\(place): expected a size or a parameter's name in its brackets, found \(mark).")
        }
    }
}
