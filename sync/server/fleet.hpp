// fieldkiosk::sync::server fleet health — what the receiver keeps about each kiosk (the `kiosks` table),
// and how it tells an operator which kiosks have gone quiet: `fieldkiosk-server kiosks` and /metrics.
//
// Index:
//   Heartbeat bounds     bounded_text(), kiosk_seen(): a heartbeat made safe to store (never a reason to refuse a batch)
//   Durations and times  parse_duration ("30m", "24h", "3d"), parse_utc (ISO 8601 UTC), ago ("3 days ago"), human_bytes
//   KioskHealth          one kiosk judged at a moment: quiet or not, and why
//   Reports              render_kiosks_text / render_kiosks_json (the `kiosks` verb), run_kiosks_report (its exit status)
//   Metrics              escape_label_value, render_kiosk_metrics (Prometheus text for GET /metrics)
//
// A kiosk is QUIET when it is active (its token not revoked) and nothing was heard from it within
// `quiet_after`: its last batch is older than that, or it was never heard from and its token is older than
// that (a kiosk provisioned an hour ago is not yet quiet). Revoked tokens are listed, never quiet.
// Thread-safety: free functions on values; safe from any thread.
#pragma once

#include "sync/protocol/wire.hpp"
#include "sync/server/storage.hpp"

#include <chrono>
#include <cstdint>
#include <expected>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fieldkiosk::sync::server {

// --- Heartbeat bounds: what one kiosk can make the server store ---
inline constexpr std::size_t k_max_last_error_bytes = 1000;
inline constexpr std::size_t k_max_short_text_bytes = 100;  // app_version, device id, timestamps
inline constexpr std::size_t k_max_state_bytes = 16;
inline constexpr std::size_t k_max_surveys = 100;
inline constexpr std::size_t k_max_survey_field_bytes = 64;
inline constexpr std::int64_t k_max_dropoff_count = 1'000'000'000;  // per key and day; more is taken as this
[[nodiscard]] bool is_iso_day(std::string_view day);               // "2026-11-28": the shape only

// `text` with control characters (C0, DEL) turned into spaces — they would corrupt a terminal or a
// PostgreSQL TEXT column (NUL) — and cut to at most `max_bytes` on a UTF-8 boundary, ending in "…" when cut.
[[nodiscard]] std::string bounded_text(std::string_view text, std::size_t max_bytes);
// What `batch` tells about its kiosk, bounded: absurd numbers (negative counts or disk) become unknown,
// long strings are cut, a missing heartbeat leaves `heartbeat` false. `rejected` and `retry_later` are the
// validator's counts for this batch.
[[nodiscard]] KioskSeen kiosk_seen(const protocol::Batch& batch, std::int64_t rejected, std::int64_t retry_later);

// --- Durations and times ---
// "90s", "30m", "24h", "3d" (a positive whole number and one unit). The error names what is wrong.
[[nodiscard]] std::expected<std::chrono::seconds, std::string> parse_duration(std::string_view text);
// "2026-11-28T09:41:07.123Z" (fraction optional, "Z" or "+00:00"); nullopt when not of that form.
[[nodiscard]] std::optional<std::chrono::system_clock::time_point> parse_utc(std::string_view text);
// "just now", "45 s ago", "12 min ago", "5 hours ago", "3 days ago"; "in the future" for clock skew.
[[nodiscard]] std::string ago(std::chrono::system_clock::time_point then, std::chrono::system_clock::time_point now);
// "950 B", "12.3 MB", "1.8 GB" (powers of 1000, as df -H).
[[nodiscard]] std::string human_bytes(std::int64_t bytes);

// --- One kiosk judged at `now` ---
struct KioskHealth {
    enum class Status : std::uint8_t { Ok, Quiet, NeverSeen, Revoked };  // NeverSeen: active, not yet quiet
    Status status = Status::Ok;
    bool quiet = false;
    std::optional<std::chrono::system_clock::time_point> last_seen;
};
[[nodiscard]] KioskHealth judge(const KioskRecord& k, std::chrono::system_clock::time_point now,
                                std::chrono::seconds quiet_after);
[[nodiscard]] std::string_view to_string(KioskHealth::Status s);  // "ok", "QUIET", "never seen", "revoked"

// --- Reports: `fieldkiosk-server kiosks` ---
// Exit statuses of the `kiosks` verb: 0 every active kiosk heard from in time, 3 at least one is quiet,
// 1 the database could not be read. (2: a bad command line.)
inline constexpr int k_exit_kiosks_quiet = 3;
void render_kiosks_text(std::ostream& out, const std::vector<KioskRecord>& kiosks, std::chrono::system_clock::time_point now,
                        std::chrono::seconds quiet_after);
void render_kiosks_json(std::ostream& out, const std::vector<KioskRecord>& kiosks, std::chrono::system_clock::time_point now,
                        std::chrono::seconds quiet_after);
// Reads storage.kiosks(), writes the report (JSON or text) to `out`, errors to `err`; returns the exit status.
[[nodiscard]] int run_kiosks_report(Storage& storage, std::chrono::system_clock::time_point now, std::chrono::seconds quiet_after,
                                    bool json, std::ostream& out, std::ostream& err);

// --- Metrics ---
// A Prometheus label value: backslash, double quote and newline escaped (\\, \", \n).
[[nodiscard]] std::string escape_label_value(std::string_view v);
// The per-kiosk families for GET /metrics, from one kiosks() read (revoked kiosks are left out).
[[nodiscard]] std::string render_kiosk_metrics(const std::vector<KioskRecord>& kiosks, std::chrono::system_clock::time_point now,
                                               std::chrono::seconds quiet_after);

}  // namespace fieldkiosk::sync::server
