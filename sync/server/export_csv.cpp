#include "sync/server/export_csv.hpp"

#include "core/csv.hpp"

#include <nlohmann/json.hpp>

namespace fieldkiosk::sync::server {

namespace {

std::string field(std::string_view v) { return core::csv_field(v); }

}  // namespace

std::string csv_header() {
    return "id,kiosk,device_id,survey,survey_version,language,mode,site,started_at,completed_at,received_at,answers,write_ins,"
           "calculated\r\n";
}

std::string csv_row(const ExportRow& r) {
    auto p = nlohmann::json::parse(r.payload, nullptr, false);
    const auto str = [&](const char* key) -> std::string {
        if (!p.is_object()) return {};
        auto it = p.find(key);
        if (it == p.end()) return {};
        return it->is_string() ? it->get<std::string>() : it->dump();
    };
    std::string line;
    bool first = true;
    for (const std::string& v :
         {r.id, r.kiosk, r.device_id, r.survey, r.survey_version, str("language"), str("mode"), str("site"), str("started_at"),
          r.completed_at, r.received_at, str("answers"), str("write_ins"), str("calculated")}) {
        if (!first) line += ',';
        first = false;
        line += field(v);
    }
    return line + "\r\n";
}

}  // namespace fieldkiosk::sync::server
