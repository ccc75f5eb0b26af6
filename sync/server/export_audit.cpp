#include "sync/server/export_audit.hpp"

#include "sync/server/export_csv.hpp"
#include "sync/server/quality_rows.hpp"

#include <nlohmann/json.hpp>

#include <optional>

namespace fieldkiosk::sync::server {

bool export_audited(Storage& storage, const std::string& survey, const ExportSteps& steps, const ExportAudit& audit,
                    std::int64_t* rows_out, std::string* error) {
    std::int64_t rows = 0;
    std::string why;
    std::optional<ResponseFlags> flags;
    bool written = true;
    if (steps.row && steps.quality) {
        auto f = flag_survey(storage, survey, steps.quality->definition, steps.quality->settings);
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
        auto r = storage.for_each_response(survey, [&](const ExportRow& row) {
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
        });
        if (!r) {
            written = false;
            why = r.error().message;
        }
    }
    if (written && steps.end) written = steps.end(why);
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
    out << "AT (UTC)              WHO                       ACTION   ROWS  WHAT\n";
    for (const auto& e : *entries) {
        std::string who = printable(e.who);
        if (who.size() < 25) who.resize(25, ' ');
        std::string action = printable(e.action);
        if (action.size() < 8) action.resize(8, ' ');
        std::string rows = std::to_string(e.rows);
        if (rows.size() < 5) rows.insert(0, 5 - rows.size(), ' ');
        out << e.at << "  " << who << " " << action << " " << rows << "  " << printable(e.what) << "\n";
    }
    if (entries->empty()) out << "(nothing recorded" << (since.empty() ? "" : " since " + std::string(since)) << ")\n";
    return 0;
}

}  // namespace fieldkiosk::sync::server
