// fieldkiosk::sync::server::Storage — where the receiver keeps responses, conflicts and kiosk tokens.
//
// Index:
//   ServerError, SResult        every fallible call says so in its type
//   TokenRecord, PreparedItem   inputs and outputs of the storage calls
//   KioskSeen, KioskRecord      fleet health: what a batch tells about its kiosk; one row of kiosks()
//   Storage                     the interface; ONE implementation for SQLite and PostgreSQL (sql_storage.cpp)
//                               over a narrow connection interface and two adapters (sql_connection.hpp)
//   open_storage                picks the implementation from a --db URL
//
// Idempotency lives here: a response id is stored once. The same id with the same content hash is a
// duplicate (acknowledged again, nothing written); with another hash it is a conflict, kept in its own
// table and never overwriting the first. store_batch() is ONE transaction for the whole batch.
// Thread-safety: every implementation is safe to call from many threads (an internal connection pool).
#pragma once

#include <algorithm>
#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace fieldkiosk::sync::server {

class SqlConnection;

struct ServerError {
    enum class Kind : std::uint8_t {
        Open,      // cannot open or create the database (path, URL, credentials)
        Busy,      // the database is locked or overloaded; the client may retry later (503)
        Exists,    // add-kiosk: an active token already has this name
        NotFound,  // revoke-kiosk: no such name
        Other,
    };
    Kind kind = Kind::Other;
    std::string message;
};
template <class T>
using SResult = std::expected<T, ServerError>;

struct TokenRecord {
    std::string name;
    std::string role;  // "kiosk" (may POST batches) or "admin" (may export)
    std::string token_hash;
};

// One drop-off count as a kiosk reported it (docs/sync_protocol.md, "Drop-offs"): per survey, version, last
// question, site and UTC day. Stored per device (the envelope's kiosk_id), keeping the larger of two counts.
struct DropoffTally {
    std::string survey, version, last_question, site, day;
    std::int64_t count = 0;
    bool operator==(const DropoffTally&) const = default;
};
// A stored tally with the kiosk (token name) that reported it.
struct DropoffRecord {
    std::string kiosk;
    DropoffTally tally;
};

// A response that passed validation, ready to store.
struct PreparedItem {
    std::string id, survey, survey_version, completed_at;
    std::string content_hash;  // SHA-256 hex of the canonical payload text
    std::string payload;       // canonical payload text
};

enum class StoreOutcome : std::uint8_t { Accepted, Duplicate, Conflict };

// What one batch tells about its kiosk (the `kiosks` table, sync/server/fleet.hpp). Counts not decided by
// the storage (rejected, retry_later: the validator's) come in; store_batch() adds accepted, duplicate and
// conflict. Heartbeat members are already bounded (fleet.hpp's bounded()).
struct KioskSeen {
    std::int64_t items = 0, rejected = 0, retry_later = 0;  // items: responses in the batch
    bool heartbeat = false;  // false: only last_seen and the batch counts change; the last heartbeat stays
    std::string app_version, surveys_json, last_error, last_success_at, sent_at, state;
    std::optional<std::int64_t> queue_depth, quarantined, free_disk_bytes;
    std::vector<DropoffTally> dropoffs;  // the heartbeat's drop-off counts, bounded (fleet.hpp's kiosk_seen())
};

// What one batch moved on its kiosk: the heartbeat's queue depth was taken before the batch; the stored
// figure is after it (the storage uses this, so that the `kiosks` list does not show a drained queue as full).
// The most a heartbeat's count or byte figure is taken as (10^15: no kiosk queues, quarantines or has free
// that much). kiosk_seen() clamps to it, and the stored figures stay at or below it (saturating arithmetic,
// here and in the storage's SQL, which takes this constant as a parameter), so that no sum can overflow a
// 64-bit integer (UB in C++, "bigint out of range" in PostgreSQL, which would fail every later batch of that kiosk).
inline constexpr std::int64_t k_max_heartbeat_figure = 1'000'000'000'000'000;

struct KioskQueueMove {
    std::int64_t left = 0;         // items that left the kiosk's queue: every answer but retry_later
    std::int64_t quarantined = 0;  // of those, kept aside on the kiosk: rejected + conflict
    [[nodiscard]] std::optional<std::int64_t> queue_after(std::optional<std::int64_t> before) const {
        if (!before) return before;
        return *before > left ? *before - left : 0;
    }
    // before + quarantined, at most k_max_heartbeat_figure (both are non-negative).
    [[nodiscard]] std::optional<std::int64_t> quarantined_after(std::optional<std::int64_t> before) const {
        if (!before) return before;
        const std::int64_t b = std::min(*before, k_max_heartbeat_figure);
        const std::int64_t q = std::clamp<std::int64_t>(quarantined, 0, k_max_heartbeat_figure);
        return std::min(b + q, k_max_heartbeat_figure);  // each at most 10^15: the sum cannot overflow
    }
};
[[nodiscard]] inline KioskQueueMove queue_move(const KioskSeen& s, std::int64_t conflicts) {
    return {s.items - s.retry_later, s.rejected + conflicts};
}

struct BatchContext {
    std::string kiosk;      // the token's name
    std::string device_id;  // the envelope's kiosk_id
    std::string batch_id;
    std::string received_at;          // ISO 8601 UTC
    const KioskSeen* seen = nullptr;  // set: the kiosk's row is updated in the same transaction
};

// One kiosk token and what was last heard from it (Storage::kiosks()). Empty text / nullopt: not known.
struct KioskRecord {
    std::string name, token_created_at, revoked_at;  // revoked_at empty: the token is active
    bool seen = false;                               // false: never heard from (no row in `kiosks`)
    std::string device_id, first_seen, last_seen, last_batch_id;
    std::int64_t last_batch_items = 0, last_batch_accepted = 0, last_batch_duplicate = 0, last_batch_conflict = 0,
                 last_batch_rejected = 0, last_batch_retry_later = 0;
    std::string heartbeat_at;  // when the last heartbeat arrived (server time); empty: none yet
    std::string app_version, surveys_json, last_error, last_success_at, sent_at, state;
    std::optional<std::int64_t> queue_depth, quarantined, free_disk_bytes;
};

struct ExportRow {
    std::string id, kiosk, device_id, survey, survey_version, completed_at, received_at, payload;
    // Not stored: filled by an export from the quality flags computed when it runs (quality_rows.hpp), or read
    // back from an export's quality_flags and quality_reasons cells. Empty: no flag.
    std::string quality_flags, quality_reasons;
};

// One line of the audit log: who read what out of the receiver, and when (docs/operations.md, "Audit log").
struct AuditEntry {
    std::string at;      // ISO 8601 UTC, the receiver's clock
    std::string who;     // the token's name, or "command line (user NAME)"
    std::string action;  // "export", ...
    std::string what;    // e.g. "survey 'food' as CSV over HTTP"
    std::int64_t rows = 0;
    bool operator==(const AuditEntry&) const = default;
};

struct StorageCounts {
    std::int64_t responses = 0, conflicts = 0, active_tokens = 0;
};

class Storage {
public:
    virtual ~Storage() = default;
    [[nodiscard]] virtual std::string_view backend() const = 0;  // "sqlite" or "postgresql"

    // Adds a token (only its hash). A revoked name may be reused; an active one is refused (Exists).
    [[nodiscard]] virtual SResult<void> add_token(std::string_view name, std::string_view role, std::string_view hash,
                                                  std::string_view at) = 0;
    // Revokes the named token; NotFound when no active token has that name.
    [[nodiscard]] virtual SResult<void> revoke_token(std::string_view name, std::string_view at) = 0;
    // The active token whose hash is `hash`, if any.
    [[nodiscard]] virtual SResult<std::optional<TokenRecord>> find_token(std::string_view hash) = 0;

    // Stores a batch in one transaction; returns one outcome per item, in order. `before_commit`, when
    // set, runs inside the transaction just before COMMIT (fault injection in tests).
    [[nodiscard]] virtual SResult<std::vector<StoreOutcome>> store_batch(const BatchContext& ctx,
                                                                         std::span<const PreparedItem> items,
                                                                         const std::function<void()>& before_commit) = 0;
    // Every stored response of `survey`, oldest received first, one row at a time (not buffered).
    // Stops early, successfully, when `fn` returns false.
    [[nodiscard]] virtual SResult<void> for_each_response(std::string_view survey,
                                                          const std::function<bool(const ExportRow&)>& fn) = 0;
    [[nodiscard]] virtual SResult<StorageCounts> counts() = 0;
    // How many times `id` is stored (0 or 1 by construction; tests check it anyway) and its conflicts.
    [[nodiscard]] virtual SResult<std::int64_t> copies_of(std::string_view id) = 0;
    // The latest received_at of `survey`'s responses ("" when none): one index lookup, for caches of figures
    // (the dashboard) that must notice new responses without counting them all.
    [[nodiscard]] virtual SResult<std::string> latest_received(std::string_view survey) = 0;
    // Every drop-off count reported for `survey`, summed over the devices of each kiosk name, by kiosk, version,
    // last question, site and day.
    [[nodiscard]] virtual SResult<std::vector<DropoffRecord>> dropoffs(std::string_view survey) = 0;
    // Every kiosk-role token (active and revoked) with what was last heard from it, by name: ONE query,
    // cheap enough for each /metrics scrape.
    [[nodiscard]] virtual SResult<std::vector<KioskRecord>> kiosks() = 0;

    // The audit log: appends one entry; every entry at or after `since` (ISO 8601 UTC; empty: all), oldest first.
    [[nodiscard]] virtual SResult<void> record_audit(const AuditEntry& entry) = 0;
    [[nodiscard]] virtual SResult<std::vector<AuditEntry>> audit_entries(std::string_view since) = 0;

    // For what the receiver keeps derived from the responses (kept_figures.hpp, written once for both databases
    // like this file's implementation): runs `fn` on one pooled connection; with `write`, inside one write
    // transaction, committed when `fn` succeeds and rolled back otherwise.
    [[nodiscard]] virtual SResult<void> with_sql(bool write, const std::function<SResult<void>(SqlConnection&)>& fn) = 0;
};

// "sqlite:PATH" or a bare PATH -> SQLite; "postgresql://...", "postgres://..." or "pg:CONNINFO" -> PostgreSQL.
[[nodiscard]] SResult<std::unique_ptr<Storage>> open_storage(std::string_view url);
// For the reports (`kiosks`, `process`): the SQLite file a --db URL names when it does not exist (opening it would
// create an empty database and report zeros); nullopt when it exists or the URL is PostgreSQL's.
[[nodiscard]] std::optional<std::string> missing_sqlite_file(std::string_view url);
[[nodiscard]] SResult<std::unique_ptr<Storage>> open_sqlite_storage(const std::string& path);
[[nodiscard]] SResult<std::unique_ptr<Storage>> open_pg_storage(const std::string& conninfo);

}  // namespace fieldkiosk::sync::server
