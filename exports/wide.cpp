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

namespace {

// One response's cells, column by column (WideTable::row). Holds the parsed payload and, only when a
// calculation is missing from it, the values the survey's calculations see.
class RowCells {
public:
    RowCells(const core::Survey& survey, const std::string& lang, const ResponseRecord& r, std::string* problem)
        : m_survey(survey), m_lang(lang), m_r(r), m_problem(problem) {
        if (m_problem) m_problem->clear();
        m_p = r.payload.empty() ? json::object() : json::parse(r.payload, nullptr, false);
        if (!m_p.is_object()) {
            note("its payload is not a JSON object; its answer cells are empty");
            m_p = json::object();
        }
        // A sealed payload (seal::is_sealed: it has a "sealed" object) carries no readable answer here.
        m_sealed = m_p.contains("sealed") && m_p["sealed"].is_object();
        m_answers = m_sealed ? &k_empty : &object_at("answers");
        m_write_ins = m_sealed ? &k_empty : &object_at("write_ins");
        m_calculated = m_sealed ? &k_empty : &object_at("calculated");
    }

    // The metadata column at `position` (make()'s order: by position, no name compared per row).
    [[nodiscard]] std::string metadata(std::size_t position) const {
        switch (position) {
            case 0: return meta(m_r.id, "id");
            case 1: return meta(m_r.site, "site");
            case 2: return m_r.kiosk;
            case 3: return meta(m_r.mode, "mode");
            case 4: return meta(m_r.language, "language");
            case 5: return meta(m_r.survey_version, "survey_version");
            case 6: return meta(m_r.started_at, "started_at");
            case 7: return meta(m_r.completed_at, "completed_at");
            default: return m_r.received_at;
        }
    }

    [[nodiscard]] bool sealed() const { return m_sealed; }

    std::string answer(const Column& col) {
        auto it = m_answers->find(col.name);
        if (it == m_answers->end()) return {};
        if (col.question->type == core::QuestionType::SelectOne && it->is_string()) return label(*col.question, it->get<std::string>());
        if (col.question->type == core::QuestionType::Rank && it->is_array()) {  // in the resident's order, as ODK's rank
            std::string cell;
            for (const auto& v : *it) {
                if (!cell.empty()) cell += m_lang.empty() ? " " : "; ";
                cell += v.is_string() ? label(*col.question, v.get<std::string>()) : scalar_text(v);
            }
            return cell;
        }
        if (it->is_array() || it->is_object())
            note("question '" + col.name + "': its stored answer does not fit this version's " +
                 std::string(core::to_string(col.question->type)) + " question; written as stored");
        return raw_text(*it);
    }

    // A select_multiple's own column; remembers its choices for the option columns that follow it.
    std::string multi_original(const Column& col) {
        auto it = m_answers->find(col.name);
        m_multi = it != m_answers->end() && it->is_array() ? &*it : nullptr;
        if (it == m_answers->end()) return {};
        if (!it->is_array()) {
            note("question '" + col.name + "': its stored answer is not a list of choices; written as stored");
            return raw_text(*it);
        }
        std::string cell;
        for (const auto& v : *it) {
            if (!cell.empty()) cell += m_lang.empty() ? " " : "; ";
            cell += v.is_string() ? label(*col.question, v.get<std::string>()) : scalar_text(v);
        }
        return cell;
    }

    [[nodiscard]] std::string option(const Column& col) const {
        if (!m_multi) return {};
        const bool chosen = std::ranges::any_of(
            *m_multi, [&](const json& v) { return v.is_string() && v.get_ref<const std::string&>() == col.choice->value; });
        return chosen ? "1" : "0";
    }

    [[nodiscard]] std::string write_in(const Column& col) const {
        auto it = m_write_ins->find(col.question->name);
        return it == m_write_ins->end() ? std::string{} : scalar_text(*it);
    }

    std::string calculated(const Column& col) {
        if (m_sealed) return {};
        if (auto it = m_calculated->find(col.name); it != m_calculated->end()) return scalar_text(*it);
        ensure_values();
        const auto i = m_survey.index_of(col.name);
        return i ? value_text(m_values[*i]) : std::string{};
    }

private:
    void note(const std::string& text) {
        if (m_problem && m_problem->empty()) *m_problem = text;
    }

    [[nodiscard]] std::string meta(const std::string& given, const char* key) const {
        if (!given.empty()) return given;
        auto it = m_p.find(key);
        return it == m_p.end() ? std::string{} : scalar_text(*it);
    }

    const json& object_at(const char* key) const {
        auto it = m_p.find(key);
        return it != m_p.end() && it->is_object() ? *it : k_empty;
    }

    [[nodiscard]] std::string label(const core::Question& q, const std::string& code) const {
        if (m_lang.empty()) return code;
        const core::Choice* c = q.find_choice(code);
        return c ? c->label.get(m_lang, m_survey.default_language) : code;
    }

    // The values the survey's calculations see, by question index; computed once.
    void ensure_values() {
        if (!m_values.empty()) return;
        const auto& qs = m_survey.questions;
        m_values.resize(qs.size());
        for (std::size_t i = 0; i < qs.size(); ++i) {
            const core::Question& q = qs[i];
            if (q.type == core::QuestionType::Calculate) {
                const ValueContext ctx(m_values);
                if (!q.relevant || q.relevant->evaluate_bool(ctx)) m_values[i] = q.calculation->evaluate(ctx);
                continue;
            }
            auto it = m_answers->find(q.name);
            if (it == m_answers->end() || !q.takes_answer()) continue;
            if (auto a = core::answer_from_json(q, *it)) m_values[i] = a->to_value();
        }
    }

    inline static const json k_empty = json::object();
    const core::Survey& m_survey;
    const std::string& m_lang;
    const ResponseRecord& m_r;
    std::string* m_problem;
    json m_p;
    bool m_sealed = false;
    const json* m_answers = nullptr;
    const json* m_write_ins = nullptr;
    const json* m_calculated = nullptr;
    const json* m_multi = nullptr;  // the select_multiple whose option columns come next (make() puts them after it)
    std::vector<core::Value> m_values;
};

}  // namespace

std::vector<std::string> WideTable::row(const ResponseRecord& r, std::string* problem) const {
    RowCells row(*m_survey, m_options.labels, r, problem);
    std::vector<std::string> cells;
    cells.reserve(m_columns.size());
    for (const Column& col : m_columns) {
        switch (col.kind) {
            case ColumnKind::Metadata:
                cells.push_back(row.metadata(cells.size()));
                break;
            case ColumnKind::Sealed:
                cells.emplace_back(row.sealed() ? "1" : "0");
                break;
            case ColumnKind::Quality:
                cells.push_back(col.name == "quality_flags" ? r.quality_flags : r.quality_reasons);
                break;
            case ColumnKind::Answer:
                cells.push_back(row.answer(col));
                break;
            case ColumnKind::MultiOriginal:
                cells.push_back(row.multi_original(col));
                break;
            case ColumnKind::Option:
                cells.push_back(row.option(col));
                break;
            case ColumnKind::WriteIn:
                cells.push_back(row.write_in(col));
                break;
            case ColumnKind::Calculated:
                cells.push_back(row.calculated(col));
                break;
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
