// fieldkiosk::storage::ResponseStore — the kiosk's durable store: completed responses and their
// outbox, kiosk identity, assisted-mode drafts, and drop-off counts that hold no answers.
//
// Index:
//   OutboxState, OutboxItem, ItemResult   a response's life after completion (docs/storage.md)
//   Stats, SurveyStats, Dropoff           what `fieldkiosk-ctl stats` and the admin screen show
//   Draft, DraftInfo                      unfinished assisted interviews
//   ResponseStore                         open(), save_completed(), outbox, drafts, stats, check()
//
// One database file per kiosk. Every method is one transaction; save_completed() returns only when
// the response and its outbox row are durable on disk (WAL, synchronous=FULL).
// Thread-safety: one ResponseStore per thread (each opens its own SQLite connection to the same file).
#pragma once

#include "core/answer.hpp"
#include "core/clock.hpp"
#include "seal/sealed_box.hpp"
#include "storage/database.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace fieldkiosk::storage {

// A response's life:  completed ──save_completed()──▶ queued ──next_batch()──▶ (sending, in memory)
//   ──server answer──▶ acknowledged | rejected | conflict;  a failed send leaves it queued, deferred.
enum class OutboxState : std::uint8_t { Queued, Acknowledged, Rejected, Conflict };
[[nodiscard]] std::string_view to_string(OutboxState s);

struct OutboxItem {
    std::string response_id;
    std::string survey_id;
    std::string encoding;  // "json", or "sealed-box-v1" (seal/sealed_box.hpp): the payload is then a sealed envelope
    std::string payload;   // the response as stored
    int attempts = 0;
};

struct ItemResult {
    enum class Outcome : std::uint8_t { Accepted, Duplicate, Conflict, Rejected, Retry };
    std::string response_id;
    Outcome outcome = Outcome::Accepted;
    std::string reason;  // Conflict / Rejected: the server's words, kept for the operator
};

struct BatchLimits {
    int max_count = 100;
    std::size_t max_bytes = 512 * 1024;  // a single larger response is still sent, alone
};

struct OutboxCounts {
    std::int64_t queued = 0, acknowledged = 0, rejected = 0, conflict = 0;
    std::optional<std::string> oldest_queued_completed_at;  // ISO 8601, if anything is queued
};

struct Dropoff {
    std::string survey_id, last_question;
    std::int64_t count = 0;
};

// One drop-off as the kiosk records it (no answer, no time of day beyond the row's own `at`).
struct DropoffAt {
    std::string survey_id, survey_version, last_question, site;
};

// Drop-offs counted per day (ResponseStore::dropoff_days).
struct DropoffDay {
    std::string survey_id, survey_version, last_question, site, day;  // day: YYYY-MM-DD (UTC)
    std::int64_t count = 0;
};

struct SurveyStats {
    std::string survey_id;
    std::int64_t completed_today = 0;  // by the kiosk's local date
    std::int64_t completed_total = 0;
};

struct Stats {
    std::vector<SurveyStats> surveys;
    OutboxCounts outbox;
    std::vector<Dropoff> dropoffs;  // by survey, then by count descending
    std::int64_t drafts = 0;
};

struct DraftInfo {
    std::string id, survey_id, worker, site, saved_at;
};

struct Draft {
    DraftInfo info;
    std::string state;  // Session::snapshot() as JSON text
};

struct StoredResponse {
    std::string id, survey_id, survey_version, completed_at, encoding;
    std::optional<std::string> payload;  // nullopt once purged by retention (a tombstone)
    OutboxState state = OutboxState::Queued;
};

struct CheckReport {
    bool ok = true;
    std::vector<std::string> problems;  // one line each, for an operator
    std::int64_t responses = 0;
};

class ResponseStore {
public:
    static constexpr int k_schema_version = 2;

    // Opens (creating if needed) the store at `path`, migrating it to k_schema_version. Makes the kiosk
    // id on first open. Refuses a database written by a newer program (StoreError::Kind::Schema).
    [[nodiscard]] static Result<ResponseStore> open(const std::filesystem::path& path, const core::Clock& clock);

    [[nodiscard]] const std::string& kiosk_id() const { return m_kiosk_id; }
    [[nodiscard]] Result<std::string> site();
    [[nodiscard]] Result<void> set_site(std::string_view site);
    // Small operator state that must survive a restart (e.g. the admin PIN lock-out). Never answers.
    [[nodiscard]] Result<std::optional<std::string>> setting(std::string_view key);
    [[nodiscard]] Result<void> set_setting(std::string_view key, std::string_view value);

    // Writes the response and its outbox row in one transaction; returns when both are on disk.
    // Saving the same response again is a no-op; a different response with the same id is refused.
    // When `response.sealed_to` is set the answers are sealed to that key first (encoding "sealed-box-v1"):
    // the plain answers never reach the database file or its WAL (docs/storage.md, "Sealed answers").
    [[nodiscard]] Result<void> save_completed(const core::Response& response);
    // Optional: does the slow half of sealing (X25519) now, for the next sealed save to `to`, so that
    // save_completed() then seals in microseconds. The kiosk calls it when a resident starts a sealed survey.
    // A failure is ignored here: the save then seals in full (and reports any error itself).
    void prepare_seal(const core::Encryption& to);

    // Oldest first, up to the limits, skipping items deferred past `now` and those not queued.
    [[nodiscard]] Result<std::vector<OutboxItem>> next_batch(BatchLimits limits);
    // Applies the server's per-item answers in one transaction. Accepted/Duplicate -> acknowledged;
    // Conflict/Rejected -> kept aside with the reason (never deleted); Retry -> stays queued.
    [[nodiscard]] Result<void> apply_results(std::span<const ItemResult> results);
    // Keeps items queued but not offered by next_batch() until `until` (back-off after a failed send).
    [[nodiscard]] Result<void> defer(std::span<const std::string> response_ids, std::chrono::system_clock::time_point until);
    [[nodiscard]] Result<OutboxCounts> outbox_counts();
    // Quarantined items (rejected / conflict) with the server's reasons, for the admin screen and export.
    [[nodiscard]] Result<std::vector<std::pair<std::string, std::string>>> quarantined();

    // Drop-off in kiosk mode: the survey, its version, the last question reached and the site; never an answer.
    [[nodiscard]] Result<void> record_dropoff(const DropoffAt& dropoff);
    // Drop-offs counted per survey, version, last question, site and UTC day (the `at` date), newest days first,
    // at most `max_rows` rows: what the heartbeat carries to the receiver (counts only; a replay is harmless
    // since the receiver keeps the larger of two counts for the same day).
    [[nodiscard]] Result<std::vector<DropoffDay>> dropoff_days(std::size_t max_rows);

    // Drafts (assisted mode).
    [[nodiscard]] Result<void> save_draft(const Draft& draft);
    [[nodiscard]] Result<std::vector<DraftInfo>> list_drafts();
    [[nodiscard]] Result<std::optional<Draft>> load_draft(std::string_view id);
    [[nodiscard]] Result<void> discard_draft(std::string_view id);

    [[nodiscard]] Result<Stats> stats();
    // Calls `fn` for each stored response of `survey_id` (all surveys if empty), oldest first.
    [[nodiscard]] Result<void> for_each_response(std::string_view survey_id,
                                                 const std::function<void(const StoredResponse&)>& fn);
    // Retention: drops the payloads of responses acknowledged before `before`, keeping a tombstone row.
    [[nodiscard]] Result<std::int64_t> purge_acknowledged(std::chrono::system_clock::time_point before);
    // PRAGMA integrity_check and foreign_key_check, plus the store's own invariants.
    [[nodiscard]] Result<CheckReport> check();

    [[nodiscard]] Database& database() { return m_db; }

private:
    ResponseStore(Database db, const core::Clock& clock) : m_db(std::move(db)), m_clock(&clock) {}
    [[nodiscard]] Result<void> migrate();
    [[nodiscard]] Result<void> load_identity();
    [[nodiscard]] std::string now_text() const;

    Database m_db;
    const core::Clock* m_clock;
    std::string m_kiosk_id;
    std::optional<seal::PreparedSeal> m_next_seal;  // prepare_seal()'s work, used up by the next sealed save
};

// The default database path: $XDG_DATA_HOME/fieldkiosk/kiosk.db, else ~/.local/share/fieldkiosk/kiosk.db.
[[nodiscard]] std::filesystem::path default_database_path();

}  // namespace fieldkiosk::storage
