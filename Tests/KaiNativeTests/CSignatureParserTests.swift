import KaiNative
import Testing

/// What the signature parser accepts, how it normalizes it, and the exact
/// reason it gives for each signature Kai cannot call safely.
@Suite struct CSignatureParserTests {
    @Test func parse_normalizesBaseAndStdintTypesForLP64() throws {
        let signature = try CSignatureParser.parse(
            "unsigned long long f(signed char a, unsigned char b, short c, unsigned short d, int e, unsigned g, "
                + "long h, unsigned long i, int8_t j, uint64_t k, size_t l, ssize_t m, float n, double o, bool p, _Bool q)")
        #expect(signature.symbol == "f")
        #expect(signature.returns == .scalar(.uint64, ctype: "unsigned long long"))
        #expect(signature.parameters.map(\.shape) == [
            .scalar(.int8), .scalar(.uint8), .scalar(.int16), .scalar(.uint16), .scalar(.int32), .scalar(.uint32),
            .scalar(.int64), .scalar(.uint64), .scalar(.int8), .scalar(.uint64), .scalar(.uint64), .scalar(.int64),
            .scalar(.float), .scalar(.double), .scalar(.bool), .scalar(.bool),
        ])
    }

    @Test func parse_zlibCrc32_fillsTheLengthFromTheBuffer() throws {
        let signature = try CSignatureParser.parse("unsigned long crc32(unsigned long crc, const unsigned char buf[len], unsigned int len)")
        #expect(signature.parameters.map(\.shape) == [.scalar(.uint64), .bytes(length: "len"), .scalar(.uint32)])
        #expect(signature.parameters[2].fills == "buf")
        #expect(signature.arguments.map(\.name) == ["crc", "buf"])
    }

    @Test func parse_buffersStringsAndReturns() throws {
        let out = try CSignatureParser.parse("void upper(const char *s, char out[64])")
        #expect(out.returns == .void)
        #expect(out.parameters.map(\.shape) == [.string, .output(size: 64)])
        #expect(out.arguments.map(\.name) == ["s"])
        #expect(out.outputs.map(\.name) == ["out"])
        let mean = try CSignatureParser.parse("double mean(const double xs[n], int n)")
        #expect(mean.parameters.map(\.shape) == [.doubles(count: "n"), .scalar(.int32)])
        #expect(try CSignatureParser.parse("const char *zlibVersion(void)").returns == .string)
        #expect(try CSignatureParser.parse("int rand()").parameters.isEmpty)
    }

    static let refusals: [(String, String)] = [
        ("int printf(const char *format, ...)",
         "it is variadic (...): the types of the extra arguments are not known, so kai cannot call it safely. Configure a function with fixed parameters instead."),
        ("double norm(struct point p)",
         "parameter p has type struct point: a struct passed by value is not supported (its layout cannot be known from the signature); pass numbers and text instead."),
        ("struct point origin(void)",
         "the result has type struct point: a struct passed by value is not supported (its layout cannot be known from the signature); pass numbers and text instead."),
        ("void qsort(const double base[n], size_t n, size_t size, int (*compar)(const void *, const void *))",
         "parameter 4 is a function pointer: callbacks are not supported (kai cannot hand C code a function to call)."),
        ("void scale(double xs[n], int n)",
         "parameter xs[n] is not const: kai passes arrays in only, so write const double xs[n] if the function only reads it."),
        ("unsigned long crc32(uLong crc, const unsigned char buf[len], unsigned int len)",
         "parameter crc has unknown type uLong: kai knows the base C types and <stdint.h> types only, not typedefs; write the type it stands for (e.g. unsigned long for zlib's uLong)."),
        ("unsigned long crc32(unsigned long crc, const Bytef *buf, unsigned int len)",
         "parameter buf has unknown type Bytef: kai knows the base C types and <stdint.h> types only, not typedefs; write the type it stands for (e.g. unsigned long for zlib's uLong)."),
        ("int sum(const int *xs, int n)",
         "parameter xs has type const int *: kai cannot size the memory it points to. Pass numbers in as \"const double xs[n]\" or bytes as \"const unsigned char buf[len]\" (n, len: another parameter, which kai fills in), text in as \"const char *s\", text out as \"char out[256]\"."),
        ("void *malloc(size_t size)",
         "the result has type void *: kai cannot size the memory it points to. Pass numbers in as \"const double xs[n]\" or bytes as \"const unsigned char buf[len]\" (n, len: another parameter, which kai fills in), text in as \"const char *s\", text out as \"char out[256]\"."),
        ("char *strdup(const char *s)",
         "the result has type char *: the caller may have to free it, and kai never frees; only const char * (copied, never freed) is returned as text."),
        ("void copy(char *dest, const char *src)",
         "parameter dest has type char *: the function may write through it; write const char *dest for text in, or char dest[SIZE] for text out."),
        ("long double expl(long double x)",
         "the result has type long double, which JSON numbers cannot carry exactly and libffi passes differently per machine; it is not supported."),
        ("int toupper(char c)",
         "parameter c has type char: plain char is signed on some machines and unsigned on others; write signed char or unsigned char (or int8_t, uint8_t)."),
        ("double f(double)",
         "parameter 1 (double) has no name; name every parameter: the names are the tool's argument names."),
        ("unsigned long crc32(unsigned long crc, const unsigned char buf[size], unsigned int len)",
         "the length of buf, size, is not a parameter of the function; name the parameter that holds it in the brackets."),
        ("double mean(const double xs[n], double n)",
         "n, the count of xs, has type double; it must be an integer type."),
        ("void fill(char out[0])", "parameter out[0]: an output buffer holds 1 to 1048576 bytes."),
        ("double sum3(const double xs[3])",
         "parameter xs[3] has type const double: the only fixed-size array kai passes is an output buffer, char xs[SIZE]; arrays in are const double xs[n] with n another parameter."),
        ("double cbrt(double x); system(\"x\")", "unexpected character \";\"; a signature is C: type name(type name, ...)."),
    ]

    @Test(arguments: refusals)
    func parse_refusesWhatItCannotCallSafely_sayingWhy(signature: String, reason: String) {
        #expect(throws: NativeSignatureError(reason)) { try CSignatureParser.parse(signature) }
    }
}
