import KaiJSON

/// Keywords that apply subschemas or constrain objects and arrays.
extension SchemaCompiler {
    mutating func objectRules(_ keywords: KeywordReader) throws(JSONSchemaError) -> [SchemaRule] {
        var rules: [SchemaRule] = []
        if let names = try keywords.stringList("required") { rules.append(.required(names)) }
        if let members = try memberRule(keywords) { rules.append(.members(members)) }
        if let minimum = try keywords.count("minProperties") { rules.append(.minProperties(minimum)) }
        if let maximum = try keywords.count("maxProperties") { rules.append(.maxProperties(maximum)) }
        if let names = try subschema("propertyNames", of: keywords) { rules.append(.propertyNames(names)) }
        if let dependencies = keywords.schema["dependentRequired"] {
            let message = "\"dependentRequired\" must be an object whose values are arrays of strings"
            guard let object = dependencies.objectValue else { throw keywords.error("dependentRequired", message) }
            var pairs: [(property: String, requires: [String])] = []
            for (property, required) in object {
                guard let names = KeywordReader.strings(in: required) else { throw keywords.error("dependentRequired", message) }
                pairs.append((property, names))
            }
            rules.append(.dependentRequired(pairs))
        }
        return rules
    }

    private mutating func memberRule(_ keywords: KeywordReader) throws(JSONSchemaError) -> MemberRule? {
        let properties = try keywords.schemaMap("properties")
        let patterns = try keywords.schemaMap("patternProperties")
        let additional = try subschema("additionalProperties", of: keywords)
        guard !properties.isEmpty || !patterns.isEmpty || additional != nil else { return nil }
        var rule = MemberRule()
        for (name, schema) in properties {
            rule.properties[name] = try compile(schema, at: keywords.pointer.appending("properties").appending(name))
        }
        for (source, schema) in patterns {
            let here = keywords.pointer.appending("patternProperties").appending(source)
            guard let pattern = SchemaPattern(source) else {
                throw JSONSchemaError(path: here.description, message: "property pattern \(quoted(source)) is not a valid regular expression")
            }
            rule.patterns.append((pattern, try compile(schema, at: here)))
        }
        if let additional {
            rule.additional = additional
            rule.additionalForbidden = isFalseSchema(additional)
        }
        return rule
    }

    mutating func arrayRules(_ keywords: KeywordReader) throws(JSONSchemaError) -> [SchemaRule] {
        var rules: [SchemaRule] = []
        if let items = try itemRule(keywords) { rules.append(.items(items)) }
        if let minimum = try keywords.count("minItems") { rules.append(.minItems(minimum)) }
        if let maximum = try keywords.count("maxItems") { rules.append(.maxItems(maximum)) }
        if try keywords.bool("uniqueItems") == true { rules.append(.uniqueItems) }
        let minimum = try keywords.count("minContains")
        let maximum = try keywords.count("maxContains")
        if let node = try subschema("contains", of: keywords) {
            rules.append(.contains(ContainsRule(node: node, minimum: minimum ?? 1, maximum: maximum, hasExplicitMinimum: minimum != nil)))
        }
        return rules
    }

    /// 2020-12 spells a tuple `prefixItems` + `items`; draft-07 spells it
    /// `items: [...]` + `additionalItems`. Both compile to the same rule.
    private mutating func itemRule(_ keywords: KeywordReader) throws(JSONSchemaError) -> ItemRule? {
        var rule = ItemRule()
        var restKeyword = "items"
        if case .array = keywords.schema["items"] {
            rule.prefix = try subschemaList("items", of: keywords) ?? []
            restKeyword = "additionalItems"
        } else {
            rule.prefix = try subschemaList("prefixItems", of: keywords) ?? []
        }
        if let rest = try subschema(restKeyword, of: keywords) {
            rule.rest = rest
            rule.restKeyword = restKeyword
            rule.restForbidden = isFalseSchema(rest)
        }
        guard !rule.prefix.isEmpty || rule.rest != nil else { return nil }
        return rule
    }

    mutating func combinatorRules(_ keywords: KeywordReader) throws(JSONSchemaError) -> [SchemaRule] {
        var rules: [SchemaRule] = []
        if let nodes = try subschemaList("allOf", of: keywords) { rules.append(.allOf(nodes)) }
        if let nodes = try subschemaList("anyOf", of: keywords) { rules.append(.anyOf(nodes)) }
        if let nodes = try subschemaList("oneOf", of: keywords) { rules.append(.oneOf(nodes)) }
        if let node = try subschema("not", of: keywords) { rules.append(.not(node)) }
        if let condition = try subschema("if", of: keywords) {
            let then = try subschema("then", of: keywords)
            let otherwise = try subschema("else", of: keywords)
            rules.append(.conditional(if: condition, then: then, else: otherwise))
        }
        return rules
    }
}
