import Foundation
import GRDB
import KaiCore

/// A row of `call_log`: one routed call (tool or provider), newest read back by `logs`.
///
/// `arguments` and `result` are nil unless payload logging was on when the
/// call was recorded; the sizes are always there.
public struct CallLogRecord: Codable, FetchableRecord, MutablePersistableRecord, Sendable, Equatable {
    public static let databaseTableName = "call_log"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    public var id: Int64?
    public var tool: String
    public var plugin: String
    public var kind: String
    public var taskType: String?
    /// Seconds since 1970.
    public var startedAt: Double
    public var durationNs: Int64
    /// ResultCode's raw value.
    public var resultCode: Int32
    public var errorKind: String?
    public var depth: Int
    public var argumentsSize: Int
    public var resultSize: Int
    public var arguments: Data?
    public var result: Data?
    /// Provider calls only (nil for tools, and for what a provider did not
    /// report): the model that answered, tokens in and out, the cost in US
    /// dollars from the configured prices, and the time to the first token.
    public var model: String?
    public var inputTokens: Int64?
    public var outputTokens: Int64?
    public var costUsd: Double?
    public var ttftNs: Int64?
    /// Routed provider calls: the hops before this attempt, as JSON
    /// [{"target","error_kind","message"}] (RouteHop.parse reads it); nil for none.
    public var route: String?

    public var code: KaiCore.ResultCode { KaiCore.ResultCode(plugin: resultCode) }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}
