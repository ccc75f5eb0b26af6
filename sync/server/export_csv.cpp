#include "sync/server/export_csv.hpp"

#include "core/csv.hpp"
#include "seal/sealed_box.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <functional>
#include <vector>

namespace fieldkiosk::sync::server {

namespace {

std::string field(std::string_view v) { return core::csv_field(v); }

}  // namespace

std::string csv_header() {
    return "id,kiosk,device_id,survey,survey_version,language,mode,site,started_at,completed_at,received_at,answers,write_ins,"
           "calculated,quality_flags,quality_reasons\r\n";
}

std::string csv_row(const ExportRow& r) {
    auto p = nlohmann::json::parse(r.payload, nullptr, false);
    const auto str = [&](const char* key) -> std::string {
        if (!p.is_object()) return {};
        auto it = p.find(key);
        if (it == p.end()) return {};
        return it->is_string() ? it->get<std::string>() : it->dump();
    };
    // A sealed response: its box in the answers column ("sealed:v1:KEY_ID:BOX"), for `fieldkiosk-server decrypt`.
    const bool sealed = seal::is_sealed(p);
    std::string line;
    bool first = true;
    for (const std::string& v :
         {r.id, r.kiosk, r.device_id, r.survey, r.survey_version, str("language"), str("mode"), str("site"), str("started_at"),
          r.completed_at, r.received_at, sealed ? seal::sealed_cell(p) : str("answers"), str("write_ins"), str("calculated"),
          r.quality_flags, r.quality_reasons}) {
        if (!first) line += ',';
        first = false;
        line += field(v);
    }
    return line + "\r\n";
}

}  // namespace fieldkiosk::sync::server

// ---------------------------------------------------------------------------------------------
// decrypt_csv: the raw text of each field is kept, so that every cell but the three answer columns is
// written back byte for byte; those three are made exactly as csv_row() makes them for an open response.
// ---------------------------------------------------------------------------------------------
namespace fieldkiosk::sync::server {

namespace {

// An export before issue 13's quality flags had 14 columns (no quality_flags, quality_reasons): still read.
constexpr std::size_t k_columns = 16, k_old_columns = 14, k_answers = 11, k_write_ins = 12, k_calculated = 13,
                      k_quality_flags = 14, k_quality_reasons = 15;

// The number of columns of an export whose header is `record` (without its line end): 16, 14 (before the
// quality columns), or 0 when it is not an export's header.
std::size_t export_width(const std::string& record) {
    const std::string header = csv_header();
    const std::string now = header.substr(0, header.size() - 2);
    if (record == now) return k_columns;
    if (record == now.substr(0, now.find(",quality_flags"))) return k_old_columns;
    return 0;
}

// One CSV record as its raw fields (quotes kept). Fields split at commas outside quotes.
std::vector<std::string> raw_fields(std::string_view record) {
    std::vector<std::string> out(1);
    bool quoted = false;
    for (const char c : record) {
        if (c == '"') quoted = !quoted;
        if (c == ',' && !quoted) {
            out.emplace_back();
            continue;
        }
        out.back() += c;
    }
    return out;
}

std::string unquote(std::string_view raw) {
    if (raw.size() < 2 || raw.front() != '"') return std::string(raw);
    std::string out;
    for (std::size_t i = 1; i + 1 < raw.size(); ++i) {
        out += raw[i];
        if (raw[i] == '"') ++i;  // "" -> "
    }
    return out;
}

// The next record (CRLF or LF ended; a line break inside quotes belongs to the field), without its line end.
bool next_record(std::istream& in, std::string& record, std::size_t& line) {
    record.clear();
    std::string part;
    bool any = false;
    while (std::getline(in, part)) {
        ++line;
        any = true;
        record += part;
        if (std::ranges::count(record, '"') % 2 == 0) break;
        record += '\n';
    }
    if (!record.empty() && record.back() == '\r') record.pop_back();
    return any;
}

std::string cell(const nlohmann::json& open, const char* key) {
    auto it = open.find(key);
    if (it == open.end()) return core::csv_field("");
    return core::csv_field(it->is_string() ? it->get<std::string>() : it->dump());
}

// Checks the header of an export on `in`, calls `on_header` with it (without its line end), then `fn(first line,
// raw fields)` for each non-empty record of the header's width (false: stop); a record of another width, or `fn`'s
// error, ends it with that error.
using RecordFn = std::function<std::expected<bool, std::string>(std::size_t line, std::vector<std::string>& raw)>;
std::expected<void, std::string> for_each_record(std::istream& in, const std::function<void(const std::string&)>& on_header,
                                                 const RecordFn& fn) {
    std::string record;
    std::size_t line = 0;
    const std::string header = csv_header();
    const std::size_t width = next_record(in, record, line) ? export_width(record) : 0;
    if (width == 0)
        return std::unexpected("line 1: this is not a fieldkiosk export (its header is not `" +
                               header.substr(0, header.size() - 2) + "`)");
    on_header(record);
    while (true) {
        const std::size_t first_line = line + 1;
        if (!next_record(in, record, line)) break;
        if (record.empty()) continue;
        auto f = raw_fields(record);
        if (f.size() != width)
            return std::unexpected("line " + std::to_string(first_line) + ": has " + std::to_string(f.size()) +
                                   " fields; an export row has " + std::to_string(width));
        auto go_on = fn(first_line, f);
        if (!go_on) return std::unexpected(go_on.error());
        if (!*go_on) break;
    }
    return {};
}

}  // namespace

std::expected<std::size_t, std::string> decrypt_csv(std::istream& in, std::ostream& out, std::span<const seal::KeyPair> keys) {
    std::size_t opened = 0;
    auto done = for_each_record(
        in, [&](const std::string& header) { out << header << "\r\n"; },  // an older export stays as it was
        [&](std::size_t first_line, std::vector<std::string>& f) -> std::expected<bool, std::string> {
            const std::string id = unquote(f[0]);
            const std::string where = "line " + std::to_string(first_line) + " (response " + id + "): ";
            const auto sealed = seal::parse_sealed_cell(unquote(f[k_answers]));
            if (sealed) {
                const nlohmann::json envelope = {{"sealed", {{"key_id", sealed->first}, {"box", sealed->second}}}};
                auto open = seal::open_payload(envelope, keys);
                if (!open) return std::unexpected(where + open.error().message);
                // The row's own cells must be the sealed response's: a row pasted from elsewhere is refused.
                const std::array<std::pair<std::size_t, const char*>, 7> bound{{{0, "id"},
                                                                                {3, "survey"},
                                                                                {4, "survey_version"},
                                                                                {5, "language"},
                                                                                {6, "mode"},
                                                                                {7, "site"},
                                                                                {8, "started_at"}}};
                for (const auto& [col, key] : bound)
                    if (cell(*open, key) != f[col])
                        return std::unexpected(where + "its " + key + " cell differs from the sealed response's: it was altered");
                f[k_answers] = cell(*open, "answers");
                f[k_write_ins] = cell(*open, "write_ins");
                f[k_calculated] = cell(*open, "calculated");
                ++opened;
            }
            for (std::size_t i = 0; i < f.size(); ++i) out << (i ? "," : "") << f[i];
            out << "\r\n";
            if (!out) return std::unexpected(where + "the output could not be written");
            return true;
        });
    if (!done) return std::unexpected(done.error());
    return opened;
}

std::expected<std::size_t, std::string> read_csv_export(std::istream& in, const std::function<bool(const ExportRow&)>& fn) {
    static constexpr std::array<const char*, k_old_columns> k_names{
        "id",   "kiosk",      "device_id",    "survey",      "survey_version", "language",  "mode",
        "site", "started_at", "completed_at", "received_at", "answers",        "write_ins", "calculated"};
    std::size_t rows = 0;
    auto done = for_each_record(
        in, [](const std::string&) {},
        [&](std::size_t first_line, std::vector<std::string>& raw) -> std::expected<bool, std::string> {
            std::vector<std::string> f;
            for (const auto& r : raw) f.push_back(unquote(r));
            const std::string where = "line " + std::to_string(first_line) + " (response " + f[0] + "): ";
            nlohmann::json p = nlohmann::json::object();
            for (std::size_t i : {0, 3, 4, 5, 6, 7, 8, 9}) p[k_names[i]] = f[i];
            if (const auto sealed = seal::parse_sealed_cell(f[k_answers])) {
                p["sealed"] = {{"key_id", sealed->first}, {"box", sealed->second}};
            } else {
                for (std::size_t i : {k_answers, k_write_ins, k_calculated}) {
                    if (f[i].empty()) continue;
                    auto j = nlohmann::json::parse(f[i], nullptr, false);
                    if (!j.is_object()) return std::unexpected(where + k_names[i] + ": not a JSON object");
                    p[k_names[i]] = std::move(j);
                }
            }
            ++rows;
            ExportRow row{f[0], f[1], f[2], f[3], f[4], f[9], f[10], p.dump()};
            if (f.size() == k_columns) {
                row.quality_flags = f[k_quality_flags];
                row.quality_reasons = f[k_quality_reasons];
            }
            return fn(row);
        });
    if (!done) return std::unexpected(done.error());
    return rows;
}

std::expected<std::size_t, std::string> for_each_export_row(std::istream& in, const std::string& name,
                                                            const std::function<bool(const ExportRow&)>& fn) {
    std::string record;
    std::size_t line = 0, rows = 0;
    const std::string header = csv_header();
    const std::size_t width = next_record(in, record, line) ? export_width(record) : 0;
    if (width == 0)
        return std::unexpected(name + ":1: this is not a fieldkiosk export (its header is not `" +
                               header.substr(0, header.size() - 2) + "`)");
    while (true) {
        const std::size_t first_line = line + 1;
        if (!next_record(in, record, line)) break;
        if (record.empty()) continue;
        const auto f = raw_fields(record);
        if (f.size() != width)
            return std::unexpected(name + ":" + std::to_string(first_line) + ": has " + std::to_string(f.size()) +
                                   " fields; an export row has " + std::to_string(width));
        std::vector<std::string> c;
        for (const auto& raw : f) c.push_back(unquote(raw));
        const std::string where = name + ":" + std::to_string(first_line) + " (response " + c[0] + "): ";
        if (seal::parse_sealed_cell(c[k_answers]))
            return std::unexpected(where + "is sealed; open the export with `fieldkiosk-server decrypt --key FILE` first");
        nlohmann::json payload = {{"id", c[0]},   {"survey", c[3]}, {"survey_version", c[4]}, {"language", c[5]},
                                  {"mode", c[6]}, {"site", c[7]},   {"started_at", c[8]},     {"completed_at", c[9]}};
        for (const auto& [col, key] : std::array<std::pair<std::size_t, const char*>, 3>{
                 {{k_answers, "answers"}, {k_write_ins, "write_ins"}, {k_calculated, "calculated"}}}) {
            if (c[col].empty()) continue;
            auto j = nlohmann::json::parse(c[col], nullptr, false);
            if (j.is_discarded() || !j.is_object()) return std::unexpected(where + "column '" + key + "' is not a JSON object");
            payload[key] = std::move(j);
        }
        ++rows;
        ExportRow row{c[0], c[1], c[2], c[3], c[4], c[9], c[10], payload.dump()};
        if (c.size() == k_columns) {
            row.quality_flags = c[k_quality_flags];
            row.quality_reasons = c[k_quality_reasons];
        }
        if (!fn(row)) break;
    }
    return rows;
}

}  // namespace fieldkiosk::sync::server
