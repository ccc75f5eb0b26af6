// fieldkiosk::sync::protocol — the wire types of protocol v1 and their JSON codec (docs/sync_protocol.md).
//
// Index:
//   k_version, paths     protocol version and the endpoints
//   WireItem, Batch      what a kiosk sends: POST /v1/batches
//   Heartbeat            the kiosk's health, optional in a Batch (additive in protocol 1)
//   ItemStatus, ItemAnswer, BatchAnswer   the server's per-item answer (200)
//   ErrorBody            a whole-request answer (400, 401, 413, 429, 503)
//   Limits               what the server accepts (GET /v1/limits, also inside GET /v1/health)
//   encode_* / decode_*  JSON text <-> types; decoders never throw and say what was wrong
//
// Thread-safety: free functions on values; safe from any thread.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fieldkiosk::sync::protocol {

inline constexpr int k_version = 1;
inline constexpr std::string_view k_batches_path = "/v1/batches";
inline constexpr std::string_view k_health_path = "/v1/health";
inline constexpr std::string_view k_limits_path = "/v1/limits";
// Survey updates: GET k_surveys_path (index), GET k_surveys_path + "/ID/VERSION" (one definition, its
// SHA-256 in k_survey_sha256_header). docs/sync_protocol.md, "Survey updates".
inline constexpr std::string_view k_surveys_path = "/v1/surveys";
inline constexpr std::string_view k_survey_sha256_header = "X-Fieldkiosk-Sha256";

// One completed response. `payload` is the response's JSON (core::response_to_json) when encoding is
// "json"; the server compares content by the canonical text of `payload` (keys sorted, no spaces).
struct WireItem {
    std::string id;              // the response's UUID
    std::string survey;          // survey id
    std::string survey_version;  // survey version the response was collected with
    std::string encoding = "json";
    nlohmann::json payload;
};

// The kiosk's health, riding on the first batch of a drain, or alone on a batch with zero responses when
// the queue is empty (docs/sync_protocol.md, "Heartbeat"). Additive in protocol 1: a server that predates
// it ignores the key. decode_batch() is lenient here: a member of the wrong type is left at its default
// (a heartbeat must never break a batch); the receiver bounds lengths and values (sync/server/fleet.hpp).
struct SurveyVersion {
    std::string id, version;
    bool operator==(const SurveyVersion&) const = default;
};
// Drop-offs (a resident left a survey unfinished at a kiosk) counted per survey, version, last question, site
// and UTC day: counts only, never an answer. The kiosk sends its whole tally (newest days first, capped) with
// every heartbeat; the receiver keeps the larger of the stored and sent count for each key, so a replay or a
// reordered heartbeat never counts a drop-off twice (docs/sync_protocol.md, "Drop-offs").
struct DropoffCount {
    std::string survey, version, last_question, site, day;  // day: YYYY-MM-DD
    std::int64_t count = 0;
    bool operator==(const DropoffCount&) const = default;
};
inline constexpr std::size_t k_max_dropoff_counts = 2000;  // per heartbeat; the kiosk sends the newest days first

struct Heartbeat {
    std::string app_version;                      // "fieldkiosk 0.5.0", "fieldkiosk-ctl 0.5.0"
    std::vector<SurveyVersion> surveys;           // the surveys the kiosk offers now, with their versions
    std::optional<std::int64_t> queue_depth;      // responses still to send
    std::optional<std::int64_t> quarantined;      // rejected + conflict, kept on the kiosk
    std::optional<std::int64_t> free_disk_bytes;  // of the filesystem holding the kiosk's database
    std::string last_error;                       // plain words; empty when the last attempt worked
    std::string last_success_at;                  // ISO 8601 UTC; empty: never (absent on the wire)
    std::string sent_at;                          // ISO 8601 UTC, the kiosk's clock
    std::string state = "open";                   // "open" or "closed" (opening hours)
    std::vector<DropoffCount> dropoffs;           // absent on the wire when empty
};

struct Batch {
    int protocol = k_version;
    std::string kiosk_id;  // the device's id (storage::ResponseStore::kiosk_id)
    std::string batch_id;  // UUID per attempt; for logs and metrics only, never for deduplication
    std::vector<WireItem> responses;  // may be empty: a heartbeat-only batch
    std::optional<Heartbeat> heartbeat;
};

// RetryLater ("retry_later", additive in protocol 1): the server cannot judge the item yet (it does not
// know the survey or that version of it); the kiosk keeps it queued and sends it again after a back-off.
enum class ItemStatus : std::uint8_t { Accepted, Duplicate, Conflict, Rejected, RetryLater };
inline constexpr std::size_t k_item_status_count = 5;
[[nodiscard]] std::string_view to_string(ItemStatus s);
[[nodiscard]] std::optional<ItemStatus> item_status_from_string(std::string_view s);

struct ItemAnswer {
    std::string id;
    ItemStatus status = ItemStatus::Accepted;
    std::string reason;  // Rejected / Conflict / RetryLater: plain words for the operator; empty otherwise
};

struct BatchAnswer {
    int protocol = k_version;
    std::string batch_id;
    std::vector<ItemAnswer> results;  // one per item sent, in the order sent
    std::string kiosk;  // the name the server knows the token by (additive in protocol 1; "" from older servers)
};

// Whole-request answers carry {"error": code, "message": words}. Codes: "malformed", "unauthorized",
// "too_large", "rate_limited", "unavailable", "unsupported_protocol", "internal".
struct ErrorBody {
    std::string error;
    std::string message;
    std::optional<std::size_t> item;  // 400 only: index (in "responses") of the response that made the batch unreadable
};

// The `reason` of a RetryLater item the server does not know the survey or version of starts with this.
inline constexpr std::string_view k_reason_unknown_survey_version = "unknown_survey_version";

struct Limits {
    std::size_t max_body_bytes = 8u << 20;           // as sent (compressed, if gzip)
    std::size_t max_decompressed_bytes = 32u << 20;  // after gzip
    std::size_t max_items = 1000;                    // responses per batch
    double rate_per_second = 20;                     // batches per kiosk, sustained
    int rate_burst = 40;                             // batches per kiosk, burst
};

struct DecodeError {
    std::string message;  // what was wrong, for the 400 answer and for logs
    std::optional<std::size_t> item;  // decode_batch: the index of the response at fault, when one is
};
template <class T>
using Decoded = std::expected<T, DecodeError>;

[[nodiscard]] std::string encode(const Batch& b);
[[nodiscard]] Decoded<Batch> decode_batch(std::string_view text);
[[nodiscard]] nlohmann::json to_json(const Heartbeat& h);
[[nodiscard]] Heartbeat heartbeat_from_json(const nlohmann::json& j);  // lenient: never fails (see Heartbeat)
[[nodiscard]] std::string encode(const BatchAnswer& a);
[[nodiscard]] Decoded<BatchAnswer> decode_batch_answer(std::string_view text);
[[nodiscard]] std::string encode(const ErrorBody& e);
[[nodiscard]] Decoded<ErrorBody> decode_error(std::string_view text);
[[nodiscard]] nlohmann::json to_json(const Limits& l);
[[nodiscard]] Decoded<Limits> decode_limits(std::string_view text);

// The canonical text of a payload: what the server hashes and stores (nlohmann's dump(): keys sorted).
[[nodiscard]] std::string canonical(const nlohmann::json& payload);

}  // namespace fieldkiosk::sync::protocol
