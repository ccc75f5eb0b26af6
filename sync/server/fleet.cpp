#include "sync/server/fleet.hpp"

#include "core/clock.hpp"
#include "core/utf8.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <iomanip>
#include <ostream>
#include <sstream>

namespace fieldkiosk::sync::server {

using nlohmann::json;
namespace chr = std::chrono;

namespace {

// A count or byte figure from a heartbeat: unknown when negative, at most k_max_heartbeat_figure.
std::optional<std::int64_t> non_negative(const std::optional<std::int64_t>& v) {
    if (!v || *v < 0) return std::nullopt;
    return std::min(*v, k_max_heartbeat_figure);
}

std::string utc_minutes(chr::system_clock::time_point t) {  // "2026-11-28 09:41"
    const auto days = chr::floor<chr::days>(t);
    const chr::year_month_day ymd(days);
    const chr::hh_mm_ss hms(chr::floor<chr::seconds>(t - days));
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02d:%02d", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()), static_cast<int>(hms.hours().count()),
                  static_cast<int>(hms.minutes().count()));
    return buf;
}

std::string or_dash(std::string s) { return s.empty() ? "-" : s; }

// Cuts `s` for a table cell: at most `max` characters (UTF-8 aware), "…" when cut.
std::string cell(std::string_view s, std::size_t max) {
    const std::string_view kept = core::utf8_prefix(s, max);
    if (kept.size() == s.size()) return std::string(s);
    return std::string(kept) + "…";
}

}  // namespace

std::string bounded_text(std::string_view text, std::size_t max_bytes) {
    static constexpr std::string_view k_ellipsis = "…";
    std::string out;
    if (text.size() <= max_bytes) {
        out.assign(text);
    } else if (max_bytes >= k_ellipsis.size()) {
        std::size_t cut = max_bytes - k_ellipsis.size();
        while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
        out.assign(text.substr(0, cut));
        out += k_ellipsis;
    }
    for (char& c : out)  // single bytes only: never touches a multi-byte character
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
    return out;
}

// YYYY-MM-DD with digits where they belong (not a calendar check: a count per kiosk day, never compared with a clock).
bool is_iso_day(std::string_view d) {
    if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
    for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
        if (d[i] < '0' || d[i] > '9') return false;
    return true;
}

KioskSeen kiosk_seen(const protocol::Batch& batch, std::int64_t rejected, std::int64_t retry_later) {
    KioskSeen s;
    s.items = static_cast<std::int64_t>(batch.responses.size());
    s.rejected = rejected;
    s.retry_later = retry_later;
    if (!batch.heartbeat) return s;
    const auto& h = *batch.heartbeat;
    s.heartbeat = true;
    s.app_version = bounded_text(h.app_version, k_max_short_text_bytes);
    s.last_error = bounded_text(h.last_error, k_max_last_error_bytes);
    s.state = bounded_text(h.state.empty() ? std::string("open") : h.state, k_max_state_bytes);
    // Timestamps are the kiosk's words: kept only when they read as ISO 8601 UTC.
    if (parse_utc(h.last_success_at)) s.last_success_at = bounded_text(h.last_success_at, k_max_short_text_bytes);
    if (parse_utc(h.sent_at)) s.sent_at = bounded_text(h.sent_at, k_max_short_text_bytes);
    s.queue_depth = non_negative(h.queue_depth);
    s.quarantined = non_negative(h.quarantined);
    s.free_disk_bytes = non_negative(h.free_disk_bytes);
    json surveys = json::array();
    for (const auto& sv : h.surveys) {
        if (surveys.size() >= k_max_surveys) break;
        surveys.push_back({{"id", bounded_text(sv.id, k_max_survey_field_bytes)},
                           {"version", bounded_text(sv.version, k_max_survey_field_bytes)}});
    }
    s.surveys_json = surveys.dump();
    // Drop-off counts (docs/sync_protocol.md, "Drop-offs"): bounded like the rest; an entry that cannot be a
    // count of one day is left out, never a reason to refuse the batch.
    for (const auto& d : h.dropoffs) {
        if (s.dropoffs.size() >= protocol::k_max_dropoff_counts) break;
        if (d.count < 0 || !is_iso_day(d.day) || d.survey.empty() || d.last_question.empty()) continue;
        s.dropoffs.push_back({bounded_text(d.survey, k_max_survey_field_bytes), bounded_text(d.version, k_max_survey_field_bytes),
                              bounded_text(d.last_question, k_max_survey_field_bytes), bounded_text(d.site, k_max_short_text_bytes),
                              d.day, std::min(d.count, k_max_dropoff_count)});
    }
    return s;
}

std::expected<chr::seconds, std::string> parse_duration(std::string_view text) {
    const std::string shown = "'" + std::string(text) + "'";
    if (text.empty()) return std::unexpected(std::string("a duration is empty; give e.g. 30m, 24h or 3d"));
    std::int64_t n = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc() || end == text.data())
        return std::unexpected(shown + " is not a duration; give a whole number and a unit: 30m, 24h or 3d");
    const std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
    if (unit.empty()) return std::unexpected(shown + " needs a unit: s, m, h or d (e.g. 30m, 24h, 3d)");
    std::int64_t per = 0;
    if (unit == "s")
        per = 1;
    else if (unit == "m")
        per = 60;
    else if (unit == "h")
        per = 3600;
    else if (unit == "d")
        per = 86400;
    else
        return std::unexpected(shown + ": unknown unit '" + std::string(unit) + "'; use s, m, h or d (e.g. 30m, 24h, 3d)");
    if (n <= 0) return std::unexpected(shown + " must be more than zero");
    if (n > 3650 * 86400 / per) return std::unexpected(shown + " is more than ten years");
    return chr::seconds(n * per);
}

std::optional<chr::system_clock::time_point> parse_utc(std::string_view t) {
    // YYYY-MM-DDTHH:MM:SS[.fff…](Z|+00:00)
    const auto digits = [&](std::size_t pos, std::size_t n, int& out) {
        if (pos + n > t.size()) return false;
        int v = 0;
        for (std::size_t i = pos; i < pos + n; ++i) {
            if (t[i] < '0' || t[i] > '9') return false;
            v = v * 10 + (t[i] - '0');
        }
        out = v;
        return true;
    };
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
    if (t.size() < 20 || !digits(0, 4, y) || t[4] != '-' || !digits(5, 2, mo) || t[7] != '-' || !digits(8, 2, d) ||
        (t[10] != 'T' && t[10] != ' ') || !digits(11, 2, h) || t[13] != ':' || !digits(14, 2, mi) || t[16] != ':' ||
        !digits(17, 2, s))
        return std::nullopt;
    std::size_t pos = 19;
    chr::nanoseconds frac{0};
    if (pos < t.size() && t[pos] == '.') {
        ++pos;
        std::int64_t scale = 100'000'000, ns = 0;
        const std::size_t start = pos;
        while (pos < t.size() && t[pos] >= '0' && t[pos] <= '9') {
            ns += (t[pos] - '0') * scale;
            scale /= 10;
            ++pos;
        }
        if (pos == start) return std::nullopt;
        frac = chr::nanoseconds(ns);
    }
    const std::string_view zone = t.substr(pos);
    if (zone != "Z" && zone != "+00:00") return std::nullopt;
    const chr::year_month_day ymd{chr::year(y), chr::month(static_cast<unsigned>(mo)), chr::day(static_cast<unsigned>(d))};
    if (!ymd.ok() || h > 23 || mi > 59 || s > 60) return std::nullopt;
    const auto tp = chr::sys_days(ymd) + chr::hours(h) + chr::minutes(mi) + chr::seconds(s) + frac;
    return chr::time_point_cast<chr::system_clock::duration>(tp);
}

std::string ago(chr::system_clock::time_point then, chr::system_clock::time_point now) {
    const auto secs = chr::duration_cast<chr::seconds>(now - then).count();
    if (secs < -60) return "in the future";  // the server's clock was behind, or was set back
    if (secs < 10) return "just now";
    if (secs < 60) return std::to_string(secs) + " s ago";
    if (secs < 90 * 60) return std::to_string(secs / 60) + " min ago";
    if (secs < 48 * 3600) return std::to_string(secs / 3600) + " hours ago";
    return std::to_string(secs / 86400) + " days ago";
}

std::string human_bytes(std::int64_t bytes) {
    if (bytes < 1000) return std::to_string(bytes) + " B";
    static constexpr const char* k_units[] = {"kB", "MB", "GB", "TB", "PB", "EB"};
    double v = static_cast<double>(bytes);
    std::size_t u = 0;
    v /= 1000;
    while (v >= 1000 && u + 1 < std::size(k_units)) {
        v /= 1000;
        ++u;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, v < 10 ? "%.1f %s" : "%.0f %s", v, k_units[u]);
    return buf;
}

KioskHealth judge(const KioskRecord& k, chr::system_clock::time_point now, chr::seconds quiet_after) {
    KioskHealth h;
    if (k.seen) h.last_seen = parse_utc(k.last_seen);
    if (!k.revoked_at.empty()) {
        h.status = KioskHealth::Status::Revoked;
        return h;
    }
    if (!k.seen) {
        // Never heard from: quiet once its token has existed for longer than quiet_after.
        const auto created = parse_utc(k.token_created_at);
        h.quiet = !created || now - *created > quiet_after;
        h.status = h.quiet ? KioskHealth::Status::Quiet : KioskHealth::Status::NeverSeen;
        return h;
    }
    h.quiet = !h.last_seen || now - *h.last_seen > quiet_after;
    h.status = h.quiet ? KioskHealth::Status::Quiet : KioskHealth::Status::Ok;
    return h;
}

std::string_view to_string(KioskHealth::Status s) {
    switch (s) {
        case KioskHealth::Status::Ok:
            return "ok";
        case KioskHealth::Status::Quiet:
            return "QUIET";
        case KioskHealth::Status::NeverSeen:
            return "never seen";
        case KioskHealth::Status::Revoked:
            return "revoked";
    }
    return "ok";
}

void render_kiosks_text(std::ostream& out, const std::vector<KioskRecord>& kiosks, chr::system_clock::time_point now,
                        chr::seconds quiet_after) {
    using Row = std::array<std::string, 7>;
    std::vector<Row> rows;
    rows.push_back({"KIOSK", "STATUS", "LAST SEEN (UTC)", "APP", "QUEUE", "FREE DISK", "LAST ERROR"});
    std::size_t quiet = 0, active = 0;
    for (const auto& k : kiosks) {
        const auto h = judge(k, now, quiet_after);
        if (h.status != KioskHealth::Status::Revoked) ++active;
        if (h.quiet) ++quiet;
        std::string status(to_string(h.status));
        if (h.status == KioskHealth::Status::Quiet && !k.seen) status = "QUIET (never seen)";
        std::string seen = "never";
        if (h.last_seen)
            seen = utc_minutes(*h.last_seen) + " (" + ago(*h.last_seen, now) + ")";
        else if (k.seen)
            seen = or_dash(k.last_seen);
        const bool hb = !k.heartbeat_at.empty();
        std::string app = hb ? or_dash(k.app_version) : "-";
        if (hb && !k.state.empty() && k.state != "open") app += " [" + k.state + "]";
        rows.push_back({k.name, std::move(status), std::move(seen), cell(app, 32),
                        hb && k.queue_depth ? std::to_string(*k.queue_depth) : "-",
                        hb && k.free_disk_bytes ? human_bytes(*k.free_disk_bytes) : "-",
                        hb ? or_dash(cell(k.last_error, 60)) : "-"});
    }
    std::array<std::size_t, 7> width{};
    for (const auto& r : rows)
        for (std::size_t c = 0; c < r.size(); ++c) width[c] = std::max(width[c], core::utf8_length(r[c]));
    for (const auto& r : rows) {
        std::string line;
        for (std::size_t c = 0; c < r.size(); ++c) {
            const std::size_t pad = width[c] - core::utf8_length(r[c]);
            if (c == 4)
                line += std::string(pad, ' ') + r[c];  // numbers right-aligned
            else if (c + 1 < r.size())
                line += r[c] + std::string(pad, ' ');
            else
                line += r[c];
            if (c + 1 < r.size()) line += "  ";
        }
        while (!line.empty() && line.back() == ' ') line.pop_back();
        out << line << "\n";
    }
    out << kiosks.size() << " kiosk token" << (kiosks.size() == 1 ? "" : "s") << " (" << active << " active), " << quiet
        << " quiet (nothing heard for more than "
        << (quiet_after.count() % 86400 == 0  ? std::to_string(quiet_after.count() / 86400) + "d"
            : quiet_after.count() % 3600 == 0 ? std::to_string(quiet_after.count() / 3600) + "h"
            : quiet_after.count() % 60 == 0   ? std::to_string(quiet_after.count() / 60) + "m"
                                              : std::to_string(quiet_after.count()) + "s")
        << ")\n";
}

void render_kiosks_json(std::ostream& out, const std::vector<KioskRecord>& kiosks, chr::system_clock::time_point now,
                        chr::seconds quiet_after) {
    using ojson = nlohmann::ordered_json;  // keys in the order written: name first
    ojson list = ojson::array();
    std::size_t quiet = 0;
    const auto text_or_null = [](const std::string& s) { return s.empty() ? ojson(nullptr) : ojson(s); };
    const auto count_or_null = [](const std::optional<std::int64_t>& v) { return v ? ojson(*v) : ojson(nullptr); };
    for (const auto& k : kiosks) {
        const auto h = judge(k, now, quiet_after);
        if (h.quiet) ++quiet;
        const bool hb = !k.heartbeat_at.empty();
        ojson surveys = ojson::array();
        if (hb && !k.surveys_json.empty()) {
            ojson parsed = ojson::parse(k.surveys_json, nullptr, false);
            if (parsed.is_array()) surveys = std::move(parsed);
        }
        ojson j = {
            {"name", k.name},
            {"status", h.status == KioskHealth::Status::Ok          ? "ok"
                       : h.status == KioskHealth::Status::Quiet     ? "quiet"
                       : h.status == KioskHealth::Status::NeverSeen ? "never_seen"
                                                                    : "revoked"},
            {"quiet", h.quiet},
            {"revoked", !k.revoked_at.empty()},
            {"token_created_at", text_or_null(k.token_created_at)},
            {"revoked_at", text_or_null(k.revoked_at)},
            {"seen", k.seen},
            {"device_id", text_or_null(k.device_id)},
            {"first_seen", text_or_null(k.first_seen)},
            {"last_seen", text_or_null(k.last_seen)},
            {"seconds_since_last_seen",
             h.last_seen ? ojson(chr::duration_cast<chr::seconds>(now - *h.last_seen).count()) : ojson(nullptr)},
            {"heartbeat_at", text_or_null(k.heartbeat_at)},
            {"app_version", hb ? text_or_null(k.app_version) : ojson(nullptr)},
            {"surveys", std::move(surveys)},
            {"queue_depth", hb ? count_or_null(k.queue_depth) : ojson(nullptr)},
            {"quarantined", hb ? count_or_null(k.quarantined) : ojson(nullptr)},
            {"free_disk_bytes", hb ? count_or_null(k.free_disk_bytes) : ojson(nullptr)},
            {"last_error", hb ? ojson(k.last_error) : ojson(nullptr)},
            {"last_success_at", hb ? text_or_null(k.last_success_at) : ojson(nullptr)},
            {"sent_at", hb ? text_or_null(k.sent_at) : ojson(nullptr)},
            {"state", hb ? text_or_null(k.state) : ojson(nullptr)},
        };
        if (k.seen)
            j["last_batch"] = {{"batch_id", k.last_batch_id},
                               {"items", k.last_batch_items},
                               {"accepted", k.last_batch_accepted},
                               {"duplicate", k.last_batch_duplicate},
                               {"conflict", k.last_batch_conflict},
                               {"rejected", k.last_batch_rejected},
                               {"retry_later", k.last_batch_retry_later}};
        else
            j["last_batch"] = nullptr;
        list.push_back(std::move(j));
    }
    ojson doc = {{"now", core::format_utc(now)},
                 {"quiet_after_seconds", quiet_after.count()},
                 {"quiet", quiet},
                 {"kiosks", std::move(list)}};
    out << doc.dump(2) << "\n";
}

int run_kiosks_report(Storage& storage, chr::system_clock::time_point now, chr::seconds quiet_after, bool as_json,
                      std::ostream& out, std::ostream& err) {
    auto kiosks = storage.kiosks();
    if (!kiosks) {
        err << "fieldkiosk-server: kiosks: " << kiosks.error().message << "\n";
        return 1;
    }
    if (as_json)
        render_kiosks_json(out, *kiosks, now, quiet_after);
    else
        render_kiosks_text(out, *kiosks, now, quiet_after);
    const bool any_quiet =
        std::any_of(kiosks->begin(), kiosks->end(), [&](const KioskRecord& k) { return judge(k, now, quiet_after).quiet; });
    return any_quiet ? k_exit_kiosks_quiet : 0;
}

std::string escape_label_value(std::string_view v) {
    std::string out;
    out.reserve(v.size());
    for (char c : v) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

std::string render_kiosk_metrics(const std::vector<KioskRecord>& kiosks, chr::system_clock::time_point now,
                                 chr::seconds quiet_after) {
    std::ostringstream info, seen, queue, disk, error, quiet_one;
    std::size_t quiet = 0;
    for (const auto& k : kiosks) {
        const auto h = judge(k, now, quiet_after);
        if (h.status == KioskHealth::Status::Revoked) continue;
        if (h.quiet) ++quiet;
        const std::string label = "{kiosk=\"" + escape_label_value(k.name) + "\"}";
        const bool hb = !k.heartbeat_at.empty();
        info << "fieldkiosk_kiosk_info{kiosk=\"" << escape_label_value(k.name) << "\",app_version=\""
             << escape_label_value(hb ? k.app_version : "") << "\",device_id=\"" << escape_label_value(k.device_id) << "\"} 1\n";
        quiet_one << "fieldkiosk_kiosk_quiet" << label << " " << (h.quiet ? 1 : 0) << "\n";
        if (h.last_seen)
            seen << "fieldkiosk_kiosk_last_seen_timestamp_seconds" << label << " "
                 << chr::duration_cast<chr::seconds>(h.last_seen->time_since_epoch()).count() << "\n";
        if (hb && k.queue_depth) queue << "fieldkiosk_kiosk_queue_depth" << label << " " << *k.queue_depth << "\n";
        if (hb && k.free_disk_bytes) disk << "fieldkiosk_kiosk_free_disk_bytes" << label << " " << *k.free_disk_bytes << "\n";
        if (hb) error << "fieldkiosk_kiosk_last_error_present" << label << " " << (k.last_error.empty() ? 0 : 1) << "\n";
    }
    std::ostringstream o;
    o << "# HELP fieldkiosk_kiosk_info A kiosk token that is not revoked, with its last reported app version and device id.\n"
         "# TYPE fieldkiosk_kiosk_info gauge\n"
      << info.str()
      << "# HELP fieldkiosk_kiosk_last_seen_timestamp_seconds When the kiosk's last batch arrived (Unix time; absent: never).\n"
         "# TYPE fieldkiosk_kiosk_last_seen_timestamp_seconds gauge\n"
      << seen.str()
      << "# HELP fieldkiosk_kiosk_queue_depth Responses still queued on the kiosk, from its last heartbeat.\n"
         "# TYPE fieldkiosk_kiosk_queue_depth gauge\n"
      << queue.str()
      << "# HELP fieldkiosk_kiosk_free_disk_bytes Free space on the kiosk's database filesystem, from its last heartbeat.\n"
         "# TYPE fieldkiosk_kiosk_free_disk_bytes gauge\n"
      << disk.str()
      << "# HELP fieldkiosk_kiosk_last_error_present 1 when the kiosk's last heartbeat reported a sync error.\n"
         "# TYPE fieldkiosk_kiosk_last_error_present gauge\n"
      << error.str()
      << "# HELP fieldkiosk_kiosk_quiet 1 when nothing was heard from the kiosk within the server's --quiet-after.\n"
         "# TYPE fieldkiosk_kiosk_quiet gauge\n"
      << quiet_one.str()
      << "# HELP fieldkiosk_kiosks_quiet Active kiosks not heard from within the server's --quiet-after.\n"
         "# TYPE fieldkiosk_kiosks_quiet gauge\n"
      << "fieldkiosk_kiosks_quiet " << quiet << "\n";
    return o.str();
}

}  // namespace fieldkiosk::sync::server
