#include "sync/server/export_audit.hpp"

#include "core/utf8.hpp"
#include "sync/server/export_csv.hpp"
#include "sync/server/kept_figures.hpp"
#include "sync/server/quality_rows.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <optional>

namespace fieldkiosk::sync::server {

bool export_audited(Storage& storage, const std::string& survey, const ExportSteps& steps, const ExportAudit& audit,
                    std::int64_t* rows_out, std::string* error) {
    std::int64_t rows = 0;
    std::string why;
    std::optional<ResponseFlags> flags;  // without a definition: computed here, in memory
    bool kept = false;                   // the rows come with their kept flags
    bool written = true;
    if (steps.row && steps.quality && steps.quality->definition) {
        auto k = refresh_kept(storage, KeptRequest{steps.quality->definition, nullptr, steps.quality->settings});
        kept = k.has_value();
        if (!k) {
            written = false;
            why = "the quality flags could not be computed: " + k.error().message;
        }
    } else if (steps.row && steps.quality) {
        auto f = flag_survey(storage, survey, nullptr, steps.quality->settings);
        if (f) {
            flags.emplace(std::move(*f));
        } else {
            written = false;
            why = "the quality flags could not be computed: " + f.error().message;
        }
    }
    written = written && (!steps.begin || steps.begin(why));
    if (written && steps.row) {
        ExportRow flagged;
        const auto each = [&](const ExportRow& row) {
            const QualityResult* q = flags ? flags->find(row.id) : nullptr;
            if (q == nullptr) {
                written = steps.row(row, why);
            } else {
                flagged = row;
                flagged.quality_flags = flag_names(q->flags);
                flagged.quality_reasons = q->reasons;
                written = steps.row(flagged, why);
            }
            rows += written ? 1 : 0;
            return written;
        };
        auto r = kept ? for_each_response_with_flags(storage, survey, each) : storage.for_each_response(survey, each);
        if (!r) {
            written = false;
            why = r.error().message;
        }
    }
    if (written && steps.end) written = steps.end(why);
    if (written && audit.flush) written = audit.flush(why);
    if (steps.written) rows = steps.written();
    if (!written && why.empty()) why = "the output could not be written";
    if (rows_out) *rows_out = rows;
    AuditEntry entry{core::format_utc(audit.clock.wall_now()), audit.who, "export", audit.what + (written ? "" : " (cut short)"),
                     rows};
    if (auto logged = audit.storage.record_audit(entry); !logged) {
        if (error) *error = "the export could not be recorded in the audit log: " + logged.error().message;
        return false;
    }
    if (error && !written) *error = why;
    return written;
}

bool export_csv_to(Storage& storage, const std::string& survey, const std::function<bool(const std::string&)>& write,
                   const ExportAudit& audit, const ExportQuality& quality, std::string* error, std::int64_t* rows) {
    const ExportSteps steps{[&](std::string&) { return write(csv_header()); },
                            [&](const ExportRow& row, std::string&) { return write(csv_row(row)); },
                            {},
                            &quality};
    return export_audited(storage, survey, steps, audit, rows, error);
}

namespace {

std::string printable(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
    return out;
}

}  // namespace

int run_audit_report(Storage& storage, std::string_view since, bool json, std::ostream& out, std::ostream& err) {
    auto entries = storage.audit_entries(since);
    if (!entries) {
        err << "fieldkiosk-server: audit: " << entries.error().message << "\n";
        return 1;
    }
    if (json) {
        nlohmann::json list = nlohmann::json::array();
        for (const auto& e : *entries)
            list.push_back({{"at", e.at}, {"who", e.who}, {"action", e.action}, {"what", e.what}, {"rows", e.rows}});
        out << nlohmann::json{{"audit", std::move(list)}}.dump(2) << "\n";
        return 0;
    }
    // Columns as wide as their longest entry (within bounds), so that "dashboard sign-in refused" does not push
    // the row count and the description out of line; a longer one is cut with "…" (the JSON keeps it whole).
    const auto width = [&](auto field, std::size_t at_least, std::size_t at_most) {
        std::size_t w = at_least;
        for (const auto& e : *entries) w = std::max(w, core::utf8_length(printable(field(e))));
        return std::min(w, at_most);
    };
    const std::size_t who_w = width([](const AuditEntry& e) { return e.who; }, 3, 40);
    const std::size_t action_w = width([](const AuditEntry& e) { return e.action; }, 6, 28);
    const auto cell = [](const std::string& text, std::size_t w) {
        std::string s = printable(text);
        const std::size_t n = core::utf8_length(s);
        if (n > w) return std::string(core::utf8_prefix(s, w - 1)) + "…";
        return s + std::string(w - n, ' ');
    };
    out << cell("AT (UTC)", 26) << cell("WHO", who_w) << "  " << cell("ACTION", action_w) << "   ROWS  WHAT\n";
    for (const auto& e : *entries) {
        std::string rows = std::to_string(e.rows);
        if (rows.size() < 7) rows.insert(0, 7 - rows.size(), ' ');
        out << cell(e.at, 26) << cell(e.who, who_w) << "  " << cell(e.action, action_w) << rows << "  " << printable(e.what) << "\n";
    }
    if (entries->empty()) out << "(nothing recorded" << (since.empty() ? "" : " since " + std::string(since)) << ")\n";
    return 0;
}

}  // namespace fieldkiosk::sync::server
