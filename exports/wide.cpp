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

#include "core/json_view.hpp"

#include <algorithm>

namespace fieldkiosk::exports {

namespace jv = core::json_view;

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

// A JSON scalar as a cell: strings decoded, numbers as stored (the receiver stores nlohmann's dump, so as JSON
// writes them), booleans 1/0, null empty.
std::string scalar_text(const jv::Node& j) {
    switch (j.type) {
        case jv::Type::String: return jv::text_of(j);
        case jv::Type::Null: return {};
        case jv::Type::True: return "1";
        case jv::Type::False: return "0";
        default: return std::string(j.raw);
    }
}

// The stored answer as a cell whatever its shape (an old version's answer that no longer fits is kept as written).
std::string raw_text(const jv::Node& j) {
    if (j.type == jv::Type::Object) return std::string(j.raw);
    if (j.type != jv::Type::Array) return scalar_text(j);
    std::string out;
    jv::elements(j, [&](const jv::Node& v) {
        if (!out.empty()) out += ' ';
        out += scalar_text(v);
        return true;
    });
    return out;
}

// An object's members by name (sorted once per row) for the columns' lookups.
class Members {
public:
    void read(const std::optional<jv::Node>& object) {
        m_items.clear();
        if (!object || object->type != jv::Type::Object) return;
        std::string scratch;
        jv::members(*object, [&](std::string_view key, const jv::Node& v) {
            m_items.push_back({std::string(jv::key_text(key, scratch)), v});
            return true;
        });
        // Stored payloads are canonical (names sorted); stable so that a name written twice keeps its last value.
        if (!std::ranges::is_sorted(m_items, {}, &Item::name)) std::ranges::stable_sort(m_items, {}, &Item::name);
    }
    [[nodiscard]] const jv::Node* find(std::string_view name) const {
        auto it = std::ranges::upper_bound(m_items, name, {}, [](const Item& i) -> std::string_view { return i.name; });
        if (it == m_items.begin() || std::prev(it)->name != name) return nullptr;
        return &std::prev(it)->value;
    }

private:
    struct Item {
        std::string name;
        jv::Node value;
    };
    std::vector<Item> m_items;
};

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
        if (!r.payload.empty()) {
            m_p = jv::parse(r.payload);
            if (!m_p || m_p->type != jv::Type::Object) {
                note("its payload is not a JSON object; its answer cells are empty");
                m_p.reset();
            }
        }
        m_top.read(m_p);  // one walk over the payload; the columns then look names up
        // A sealed payload (seal::is_sealed: it has a "sealed" object) carries no readable answer here.
        const jv::Node* sealed = m_top.find("sealed");
        m_sealed = sealed && sealed->type == jv::Type::Object;
        if (!m_sealed) {
            m_answers.read(member("answers"));
            m_write_ins.read(member("write_ins"));
            m_calculated.read(member("calculated"));
        }
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
        const jv::Node* a = m_answers.find(col.name);
        if (!a) return {};
        if (col.question->type == core::QuestionType::SelectOne && a->type == jv::Type::String)
            return label(*col.question, jv::text_of(*a));
        if (col.question->type == core::QuestionType::Rank && a->type == jv::Type::Array)  // in the resident's order, as ODK's rank
            return choices_text(*col.question, *a);
        if (a->type == jv::Type::Array || a->type == jv::Type::Object)
            note("question '" + col.name + "': its stored answer does not fit this version's " +
                 std::string(core::to_string(col.question->type)) + " question; written as stored");
        return raw_text(*a);
    }

    // A select_multiple's own column; remembers its choices for the option columns that follow it.
    std::string multi_original(const Column& col) {
        const jv::Node* a = m_answers.find(col.name);
        m_multi = a && a->type == jv::Type::Array ? a : nullptr;
        if (!a) return {};
        if (!m_multi) {
            note("question '" + col.name + "': its stored answer is not a list of choices; written as stored");
            return raw_text(*a);
        }
        return choices_text(*col.question, *a);
    }

    [[nodiscard]] std::string option(const Column& col) const {
        if (!m_multi) return {};
        bool chosen = false;
        jv::elements(*m_multi, [&](const jv::Node& v) {
            chosen = jv::text_equals(v, col.choice->value);
            return !chosen;
        });
        return chosen ? "1" : "0";
    }

    [[nodiscard]] std::string write_in(const Column& col) const {
        const jv::Node* w = m_write_ins.find(col.question->name);
        return w ? scalar_text(*w) : std::string{};
    }

    std::string calculated(const Column& col) {
        if (m_sealed) return {};
        if (const jv::Node* c = m_calculated.find(col.name)) return scalar_text(*c);
        ensure_values();
        const auto i = m_survey.index_of(col.name);
        return i ? value_text(m_values[*i]) : std::string{};
    }

private:
    [[nodiscard]] std::optional<jv::Node> member(std::string_view name) const {
        const jv::Node* v = m_top.find(name);
        return v ? std::optional<jv::Node>(*v) : std::nullopt;
    }

    void note(const std::string& text) {
        if (m_problem && m_problem->empty()) *m_problem = text;
    }

    [[nodiscard]] std::string meta(const std::string& given, const char* key) const {
        if (!given.empty()) return given;
        const jv::Node* v = m_top.find(key);
        return v ? scalar_text(*v) : std::string{};
    }

    [[nodiscard]] std::string label(const core::Question& q, const std::string& code) const {
        if (m_lang.empty()) return code;
        const core::Choice* c = q.find_choice(code);
        return c ? c->label.get(m_lang, m_survey.default_language) : code;
    }

    // A list of choices as one cell: codes space-separated, or labels separated by "; ".
    [[nodiscard]] std::string choices_text(const core::Question& q, const jv::Node& list) const {
        std::string cell;
        jv::elements(list, [&](const jv::Node& v) {
            if (!cell.empty()) cell += m_lang.empty() ? " " : "; ";
            cell += v.type == jv::Type::String ? label(q, jv::text_of(v)) : scalar_text(v);
            return true;
        });
        return cell;
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
            const jv::Node* a = m_answers.find(q.name);
            if (!a || !q.takes_answer()) continue;
            if (auto answer = core::answer_from_json(q, *a)) m_values[i] = answer->to_value();
        }
    }

    const core::Survey& m_survey;
    const std::string& m_lang;
    const ResponseRecord& m_r;
    std::string* m_problem;
    std::optional<jv::Node> m_p;  // the payload's object, read in place (core/json_view)
    bool m_sealed = false;
    Members m_top, m_answers, m_write_ins, m_calculated;
    const jv::Node* m_multi = nullptr;  // the select_multiple whose option columns come next (make() puts them after it)
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
