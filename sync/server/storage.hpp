// fieldkiosk::sync::server::Storage — where the receiver keeps responses, conflicts and kiosk tokens.
//
// Index:
//   ServerError, SResult        every fallible call says so in its type
//   TokenRecord, PreparedItem   inputs and outputs of the storage calls
//   Storage                     the interface; SQLite (sqlite_storage.cpp) and PostgreSQL (pg_storage.cpp)
//   open_storage                picks the implementation from a --db URL
//
// Idempotency lives here: a response id is stored once. The same id with the same content hash is a
// duplicate (acknowledged again, nothing written); with another hash it is a conflict, kept in its own
// table and never overwriting the first. store_batch() is ONE transaction for the whole batch.
// Thread-safety: every implementation is safe to call from many threads (an internal connection pool).
#pragma once

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

// A response that passed validation, ready to store.
struct PreparedItem {
    std::string id, survey, survey_version, completed_at;
    std::string content_hash;  // SHA-256 hex of the canonical payload text
    std::string payload;       // canonical payload text
};

enum class StoreOutcome : std::uint8_t { Accepted, Duplicate, Conflict };

struct BatchContext {
    std::string kiosk;      // the token's name
    std::string device_id;  // the envelope's kiosk_id
    std::string batch_id;
    std::string received_at;  // ISO 8601 UTC
};

struct ExportRow {
    std::string id, kiosk, device_id, survey, survey_version, completed_at, received_at, payload;
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
};

// "sqlite:PATH" or a bare PATH -> SQLite; "postgresql://...", "postgres://..." or "pg:CONNINFO" -> PostgreSQL.
[[nodiscard]] SResult<std::unique_ptr<Storage>> open_storage(std::string_view url);
[[nodiscard]] SResult<std::unique_ptr<Storage>> open_sqlite_storage(const std::string& path);
[[nodiscard]] SResult<std::unique_ptr<Storage>> open_pg_storage(const std::string& conninfo);

}  // namespace fieldkiosk::sync::server
