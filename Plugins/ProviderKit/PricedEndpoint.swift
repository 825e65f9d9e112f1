/// An endpoint with configured prices (price_input_per_1m,
/// price_output_per_1m): every HTTP provider reports a call's cost the same way.
package protocol PricedEndpoint {
    var priceInputPerMillion: Double? { get }
    var priceOutputPerMillion: Double? { get }
}

extension PricedEndpoint {
    /// The call's cost from the configured prices; nil when neither is set.
    package func cost(input: Int64, output: Int64) -> Double? {
        guard priceInputPerMillion != nil || priceOutputPerMillion != nil else { return nil }
        return Double(input) / 1e6 * (priceInputPerMillion ?? 0) + Double(output) / 1e6 * (priceOutputPerMillion ?? 0)
    }
}
