// fieldkiosk::exports wide table.
//
// Index:
//   ValueContext   EvalContext over one response's values (calculations the payload lacks)
//   WideTable      make(): the columns; row(): the cells
//   csv_line
#include "exports/wide.hpp"

#include "core/answer.hpp"
#include "core/csv.hpp"
#include "core/expression.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace fieldkiosk::exports {

using nlohmann::json;

namespace {

// ---------------------------------------------------------------------------------------------
// ValueContext
// ---------------------------------------------------------------------------------------------
class ValueContext final : public core::EvalContext {
public:
    explicit ValueContext(const std::vector<core::Value>& values) : m_values(values) {}
    [[nodiscard]] const core::Value& value_of(std::uint32_t slot) const override {
        return slot < m_values.size() ? m_values[slot] : m_empty;
    }
    [[nodiscard]] const core::Value& self() const override { return m_empty; }

private:
    const std::vector<core::Value>& m_values;
    core::Value m_empty;
};

bool has_other(const core::Question& q) {
    return std::ranges::any_of(q.choices, [](const core::Choice& c) { return c.other; });
}

// A JSON scalar as a cell: strings as they are, numbers and booleans as JSON writes them.
std::string scalar_text(const json& j) {
    if (j.is_string()) return j.get<std::string>();
    if (j.is_null()) return {};
    if (j.is_boolean()) return j.get<bool>() ? "1" : "0";
    return j.dump();
}

// The stored answer as a cell whatever its shape (an old version's answer that no longer fits is kept as written).
std::string raw_text(const json& j) {
    if (!j.is_array()) return j.is_object() ? j.dump() : scalar_text(j);
    std::string out;
    for (const auto& v : j) {
        if (!out.empty()) out += ' ';
        out += scalar_text(v);
    }
    return out;
}

// A calculated value as response_to_json writes it, as text.
std::string value_text(const core::Value& v) {
    if (v.kind() == core::Value::Kind::Boolean) return v.to_bool() ? "1" : "0";
    return v.to_string();
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// WideTable
// ---------------------------------------------------------------------------------------------
std::expected<WideTable, std::string> WideTable::make(core::SurveyPtr survey, WideOptions options) {
    if (!survey) return std::unexpected(std::string("no survey given"));
    if (!options.labels.empty() && !survey->has_language(options.labels)) {
        std::string known;
        for (const auto& l : survey->languages) known += (known.empty() ? "" : ", ") + l.code;
        return std::unexpected("survey '" + survey->id + "' version " + survey->version + " has no language '" + options.labels +
                               "' (it has " + known + ")");
    }
    WideTable t;
    for (const char* m :
         {"id", "site", "kiosk", "mode", "language", "survey_version", "started_at", "completed_at", "received_at"})
        t.m_columns.push_back({m, ColumnKind::Metadata, nullptr, nullptr});
    t.m_columns.push_back({"sealed", ColumnKind::Sealed, nullptr, nullptr});
    t.m_columns.push_back({"quality_flags", ColumnKind::Quality, nullptr, nullptr});
    t.m_columns.push_back({"quality_reasons", ColumnKind::Quality, nullptr, nullptr});
    for (const auto& q : survey->questions) {
        if (q.type == core::QuestionType::Note) continue;
        if (q.type == core::QuestionType::Calculate) {
            t.m_columns.push_back({q.name, ColumnKind::Calculated, &q, nullptr});
            continue;
        }
        if (q.type == core::QuestionType::SelectMultiple) {
            t.m_columns.push_back({q.name, ColumnKind::MultiOriginal, &q, nullptr});
            for (const auto& c : q.choices) t.m_columns.push_back({q.name + "/" + c.value, ColumnKind::Option, &q, &c});
        } else {
            t.m_columns.push_back({q.name, ColumnKind::Answer, &q, nullptr});
        }
        if (has_other(q)) t.m_columns.push_back({q.name + "_other", ColumnKind::WriteIn, &q, nullptr});
    }
    t.m_survey = std::move(survey);
    t.m_options = std::move(options);
    return t;
}

std::vector<std::string> WideTable::header() const {
    std::vector<std::string> out;
    out.reserve(m_columns.size());
    for (const auto& c : m_columns) out.push_back(c.name);
    return out;
}

std::vector<std::string> WideTable::row(const ResponseRecord& r, std::string* problem) const {
    if (problem) problem->clear();
    const auto note = [problem](const std::string& text) {
        if (problem && problem->empty()) *problem = text;
    };
    json p = r.payload.empty() ? json::object() : json::parse(r.payload, nullptr, false);
    if (!p.is_object()) {
        note("its payload is not a JSON object; its answer cells are empty");
        p = json::object();
    }
    // A sealed payload (seal::is_sealed: it has a "sealed" object) carries no readable answer here.
    const bool sealed = p.contains("sealed") && p["sealed"].is_object();
    const auto meta = [&](const std::string& given, const char* key) -> std::string {
        if (!given.empty()) return given;
        auto it = p.find(key);
        return it == p.end() ? std::string{} : scalar_text(*it);
    };
    static const json k_empty = json::object();
    const auto object_at = [&](const char* key) -> const json& {
        auto it = p.find(key);
        return it != p.end() && it->is_object() ? *it : k_empty;
    };
    const json& answers = sealed ? k_empty : object_at("answers");
    const json& write_ins = sealed ? k_empty : object_at("write_ins");
    const json& calculated = sealed ? k_empty : object_at("calculated");

    // The values the survey's calculations see, by question index; computed once, only when a calculation is missing.
    const auto& qs = m_survey->questions;
    std::vector<core::Value> values;
    const auto ensure_values = [&] {
        if (!values.empty()) return;
        values.resize(qs.size());
        for (std::size_t i = 0; i < qs.size(); ++i) {
            const core::Question& q = qs[i];
            if (q.type == core::QuestionType::Calculate) {
                const ValueContext ctx(values);
                if (!q.relevant || q.relevant->evaluate_bool(ctx)) values[i] = q.calculation->evaluate(ctx);
                continue;
            }
            auto it = answers.find(q.name);
            if (it == answers.end() || !q.takes_answer()) continue;
            if (auto a = core::answer_from_json(q, *it)) values[i] = a->to_value();
        }
    };

    const std::string& lang = m_options.labels;
    const auto label = [&](const core::Question& q, const std::string& code) -> std::string {
        if (lang.empty()) return code;
        const core::Choice* c = q.find_choice(code);
        return c ? c->label.get(lang, m_survey->default_language) : code;
    };

    std::vector<std::string> cells;
    cells.reserve(m_columns.size());
    const json* multi = nullptr;  // the select_multiple whose option columns come next (make() puts them after it)
    for (const Column& col : m_columns) {
        switch (col.kind) {
            case ColumnKind::Metadata: {
                // The first nine columns, in make()'s order (by position: no name compared per row).
                switch (cells.size()) {
                    case 0:
                        cells.push_back(meta(r.id, "id"));
                        break;
                    case 1:
                        cells.push_back(meta(r.site, "site"));
                        break;
                    case 2:
                        cells.push_back(r.kiosk);
                        break;
                    case 3:
                        cells.push_back(meta(r.mode, "mode"));
                        break;
                    case 4:
                        cells.push_back(meta(r.language, "language"));
                        break;
                    case 5:
                        cells.push_back(meta(r.survey_version, "survey_version"));
                        break;
                    case 6:
                        cells.push_back(meta(r.started_at, "started_at"));
                        break;
                    case 7:
                        cells.push_back(meta(r.completed_at, "completed_at"));
                        break;
                    default:
                        cells.push_back(r.received_at);
                        break;
                }
                break;
            }
            case ColumnKind::Sealed:
                cells.emplace_back(sealed ? "1" : "0");
                break;
            case ColumnKind::Quality:
                cells.push_back(col.name == "quality_flags" ? r.quality_flags : r.quality_reasons);
                break;
            case ColumnKind::Answer: {
                auto it = answers.find(col.name);
                if (it == answers.end()) {
                    cells.emplace_back();
                } else if (col.question->type == core::QuestionType::SelectOne && it->is_string()) {
                    cells.push_back(label(*col.question, it->get<std::string>()));
                } else {
                    if (it->is_array() || it->is_object())
                        note("question '" + col.name + "': its stored answer does not fit this version's " +
                             std::string(core::to_string(col.question->type)) + " question; written as stored");
                    cells.push_back(raw_text(*it));
                }
                break;
            }
            case ColumnKind::MultiOriginal: {
                auto it = answers.find(col.name);
                multi = it != answers.end() && it->is_array() ? &*it : nullptr;  // for its option columns, next
                if (it == answers.end()) {
                    cells.emplace_back();
                } else if (!it->is_array()) {
                    note("question '" + col.name + "': its stored answer is not a list of choices; written as stored");
                    cells.push_back(raw_text(*it));
                } else {
                    std::string cell;
                    for (const auto& v : *it) {
                        if (!cell.empty()) cell += lang.empty() ? " " : "; ";
                        cell += v.is_string() ? label(*col.question, v.get<std::string>()) : scalar_text(v);
                    }
                    cells.push_back(std::move(cell));
                }
                break;
            }
            case ColumnKind::Option: {
                if (!multi) {
                    cells.emplace_back();
                } else {
                    const bool chosen = std::ranges::any_of(*multi, [&](const json& v) {
                        return v.is_string() && v.get_ref<const std::string&>() == col.choice->value;
                    });
                    cells.emplace_back(chosen ? "1" : "0");
                }
                break;
            }
            case ColumnKind::WriteIn: {
                auto it = write_ins.find(col.question->name);
                cells.push_back(it == write_ins.end() ? std::string{} : scalar_text(*it));
                break;
            }
            case ColumnKind::Calculated: {
                if (sealed) {
                    cells.emplace_back();
                    break;
                }
                if (auto it = calculated.find(col.name); it != calculated.end()) {
                    cells.push_back(scalar_text(*it));
                    break;
                }
                ensure_values();
                const auto i = m_survey->index_of(col.name);
                cells.push_back(i ? value_text(values[*i]) : std::string{});
                break;
            }
        }
    }
    return cells;
}

std::string csv_line(const std::vector<std::string>& cells) {
    std::string line;
    line.reserve(cells.size() * 8);
    for (std::size_t i = 0; i < cells.size(); ++i) {
        if (i) line += ',';
        line += core::csv_field(cells[i]);
    }
    line += "\r\n";
    return line;
}

}  // namespace fieldkiosk::exports
