#include "results/indicator.hpp"

#include "results/tabulate.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace fieldkiosk::results {

using nlohmann::json;

std::string_view to_string(IndicatorKind k) {
    switch (k) {
        case IndicatorKind::Proportion:
            return "proportion";
        case IndicatorKind::Mean:
            return "mean";
        case IndicatorKind::OptionShares:
            return "option_shares";
    }
    return "proportion";
}

namespace {

const std::vector<std::string> k_file_keys = {"$schema", "survey", "description", "indicators"};
const std::vector<std::string> k_indicator_keys = {"id",       "mission", "kind",  "population", "base",    "numerator", "value",
                                                   "question", "exclude", "label", "caption",    "compare", "headline"};

std::string join(const std::vector<std::string>& v, std::string_view sep = ", ") {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : std::string(sep)) + s;
    return out;
}

bool valid_id(std::string_view id) {
    if (id.empty() || id.size() > 64) return false;
    return std::ranges::all_of(id, [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
    });
}

class Checker {
public:
    Checker(std::filesystem::path file, const core::Survey* survey) : m_file(std::move(file)), m_survey(survey) {}

    void report(const std::string& where, const std::string& field, std::string message) {
        m_diags.push_back({m_file.string(), where, field, std::move(message)});
    }
    std::vector<core::Diagnostic> take() { return std::move(m_diags); }
    [[nodiscard]] bool ok() const { return m_diags.empty(); }

    std::optional<core::LocalizedText> text(const json& ind, const std::string& where, const char* field) {
        auto it = ind.find(field);
        if (it == ind.end()) {
            report(where, field, "is missing: give a text per language, e.g. {\"en\": \"...\"}");
            return std::nullopt;
        }
        if (!it->is_object()) {
            report(where, field, "must be an object of language code -> text, e.g. {\"en\": \"...\"}");
            return std::nullopt;
        }
        std::map<std::string, std::string, std::less<>> texts;
        for (const auto& [lang, t] : it->items()) {
            if (!t.is_string() || t.get<std::string>().empty()) {
                report(where, std::string(field) + "." + lang, "must be a non-empty text");
                continue;
            }
            texts[lang] = t.get<std::string>();
        }
        if (!texts.contains("en")) report(where, field, "has no English text: give at least {\"en\": \"...\"}");
        return core::LocalizedText(std::move(texts));
    }

    // Parses and binds an expression to the survey's question slots; reports unknown names and choice
    // literals that a question does not have (they could never match).
    std::optional<core::Expression> expression(const json& ind, const std::string& where, const char* field, bool required) {
        auto it = ind.find(field);
        if (it == ind.end()) {
            if (required)
                report(where, field,
                       "is missing: give an expression in the survey expression language, e.g. ${fresh_produce_nearby} = 'yes'");
            return std::nullopt;
        }
        if (!it->is_string() || it->get<std::string>().empty()) {
            report(where, field, "must be a non-empty expression text, e.g. ${fresh_produce_nearby} = 'yes'");
            return std::nullopt;
        }
        auto parsed = core::Expression::parse(it->get<std::string>());
        if (!parsed) {
            report(where, field, "column " + std::to_string(parsed.error().column) + ": " + parsed.error().message);
            return std::nullopt;
        }
        if (parsed->uses_self()) {
            report(where, field, "uses '.', which means nothing here: name the question, e.g. ${ward}");
            return std::nullopt;
        }
        const auto missing = parsed->bind([&](std::string_view name) -> std::optional<std::uint32_t> {
            if (auto i = m_survey->index_of(name)) return static_cast<std::uint32_t>(*i);
            return std::nullopt;
        });
        for (const auto& name : missing) {
            report(where, field,
                   "names ${" + name + "}, which is not a question or calculated value of survey '" + m_survey->id + "'" +
                       nearest(name));
        }
        if (!missing.empty()) return std::nullopt;
        check_literals(*parsed, where, field);
        return std::move(*parsed);
    }

    void check_literals(const core::Expression& e, const std::string& where, const char* field) {
        const auto& nodes = e.nodes();
        const auto question_of = [&](std::uint32_t i) -> const core::Question* {
            return nodes[i].op == core::Expression::Op::Ref ? m_survey->find(nodes[i].text) : nullptr;
        };
        const auto check = [&](std::uint32_t ref, std::uint32_t lit) {
            const core::Question* q = question_of(ref);
            if (!q || !q->is_select() || nodes[lit].op != core::Expression::Op::String || nodes[lit].text.empty()) return;
            if (q->find_choice(nodes[lit].text)) return;
            std::vector<std::string> values;
            for (const auto& c : q->choices) values.push_back(c.value);
            report(where, field,
                   "compares ${" + q->name + "} with '" + nodes[lit].text + "', which is not one of its choice values (" +
                       join(values) + "), so it can never match");
        };
        for (const auto& n : nodes) {
            using Op = core::Expression::Op;
            if (n.op == Op::Eq || n.op == Op::Ne) {
                check(n.a, n.b);
                check(n.b, n.a);
            } else if (n.op == Op::Selected) {
                check(n.a, n.b);
            }
        }
    }

    std::string nearest(std::string_view name) const {
        // The question whose name shares the longest prefix: most typos keep the start ("fies_helthy").
        std::size_t best = 0;
        std::string pick;
        for (const auto& q : m_survey->questions) {
            std::size_t k = 0;
            while (k < name.size() && k < q.name.size() && name[k] == q.name[k]) ++k;
            if (k > best) {
                best = k;
                pick = q.name;
            }
        }
        return best >= 3 ? " (did you mean ${" + pick + "}?)" : "";
    }

private:
    std::filesystem::path m_file;
    const core::Survey* m_survey;
    std::vector<core::Diagnostic> m_diags;
};

// The text as JSON, or where the parser stopped (line and column of that byte).
std::expected<json, core::Diagnostic> parse_located(std::string_view json_text, const std::string& fname) {
    try {
        return json::parse(json_text);
    } catch (const json::parse_error& e) {
        int line = 1, column = 1;
        for (std::size_t i = 0; i + 1 < e.byte && i < json_text.size(); ++i) {
            if (json_text[i] == '\n') {
                ++line;
                column = 1;
            } else {
                ++column;
            }
        }
        return std::unexpected(core::Diagnostic{fname, "", "", "is not valid JSON: " + std::string(e.what()), line, column});
    }
}

// Option shares: the select_multiple question and its options, less those in "exclude".
void read_option_shares(Checker& c, const json& ind, const std::string& where, const core::Survey& survey, Indicator& out) {
    if (ind.contains("numerator")) c.report(where, "numerator", "belongs to a proportion; option shares name a question");
    const std::string qname = ind.value("question", std::string{});
    const core::Question* q = survey.find(qname);
    if (!q || q->type != core::QuestionType::SelectMultiple) {
        c.report(where, "question",
                 qname.empty() ? "is missing: name a select_multiple question of survey '" + survey.id + "'"
                               : "'" + qname + "' is not a select_multiple question of survey '" + survey.id + "'" + c.nearest(qname));
        return;
    }
    out.question = qname;
    out.question_slot = static_cast<std::uint32_t>(*survey.index_of(qname));
    std::vector<std::string> exclude;
    if (auto it = ind.find("exclude"); it != ind.end()) {
        if (!it->is_array()) {
            c.report(where, "exclude", "must be a list of choice values of '" + qname + "'");
        } else {
            for (const auto& v : *it) {
                const std::string value = v.is_string() ? v.get<std::string>() : v.dump();
                if (!q->find_choice(value)) c.report(where, "exclude", "'" + value + "' is not a choice value of '" + qname + "'");
                exclude.push_back(value);
            }
        }
    }
    for (const auto& ch : q->choices)
        if (std::ranges::find(exclude, ch.value) == exclude.end()) out.options.push_back(ch.value);
}

// kind, population, base, and what the kind counts: a numerator, a value, or a question's options.
void read_measure(Checker& c, const json& ind, const std::string& where, const core::Survey& survey, Indicator& out) {
    const std::string kind = ind.value("kind", std::string{});
    if (kind == "proportion")
        out.kind = IndicatorKind::Proportion;
    else if (kind == "mean")
        out.kind = IndicatorKind::Mean;
    else if (kind == "option_shares")
        out.kind = IndicatorKind::OptionShares;
    else
        c.report(where, "kind", "'" + kind + "' is not a kind: use proportion, mean or option_shares");
    out.population = c.expression(ind, where, "population", false);
    auto base = c.expression(ind, where, "base", true);
    if (base) out.base = std::move(*base);
    if (out.kind == IndicatorKind::Proportion) {
        out.numerator = c.expression(ind, where, "numerator", true);
        if (ind.contains("value") || ind.contains("question"))
            c.report(where, ind.contains("value") ? "value" : "question", "belongs to another kind; a proportion has a numerator");
    } else if (out.kind == IndicatorKind::Mean) {
        out.value = c.expression(ind, where, "value", true);
        if (ind.contains("numerator")) c.report(where, "numerator", "belongs to a proportion; a mean has a value");
        // A mean of one scale question takes the scale's range: its interval is clipped to it.
        if (out.value)
            if (const auto& refs = out.value->references(); refs.size() == 1)
                if (const auto* q = survey.find(refs.front()); q && q->type == core::QuestionType::Scale) {
                    out.scale_min = q->scale_min;
                    out.scale_max = q->scale_max;
                }
    } else if (out.kind == IndicatorKind::OptionShares) {
        read_option_shares(c, ind, where, survey, out);
    }
}

// label, caption, compare, headline.
void read_presentation(Checker& c, const json& ind, const std::string& where, Indicator& out) {
    if (auto t = c.text(ind, where, "label")) out.label = std::move(*t);
    if (auto t = c.text(ind, where, "caption")) out.caption = std::move(*t);
    if (auto it = ind.find("compare"); it != ind.end()) {
        const std::string b = it->is_string() ? it->get<std::string>() : it->dump();
        if (!is_breakdown(b))
            c.report(where, "compare", "'" + b + "' is not a breakdown; use one of " + join(breakdown_names()));
        else
            out.compare = b;
    }
    if (auto it = ind.find("headline"); it != ind.end()) {
        if (!it->is_boolean())
            c.report(where, "headline", "must be true or false");
        else
            out.headline = it->get<bool>();
    }
}

// One entry of "indicators" (the i-th); nullopt when it is not an object. `ids`: the ids so far.
std::optional<Indicator> read_indicator(Checker& c, const json& ind, std::size_t i, const core::Survey& survey,
                                        std::set<std::string>& ids) {
    std::string where = "indicators[" + std::to_string(i) + "]";
    if (!ind.is_object()) {
        c.report(where, "", "must be an object with id, mission, kind, base, label, caption");
        return std::nullopt;
    }
    Indicator out;
    if (auto it = ind.find("id"); it == ind.end() || !it->is_string() || !valid_id(it->get<std::string>())) {
        c.report(where, "id", "is missing or not valid: use letters, digits, '_' and '.', e.g. \"F1\" or \"F4_healthy\"");
    } else {
        out.id = it->get<std::string>();
        where = out.id;
        if (!ids.insert(out.id).second) c.report(where, "id", "is used twice in this file; give each indicator its own id");
    }
    for (const auto& [key, v] : ind.items())
        if (std::ranges::find(k_indicator_keys, key) == k_indicator_keys.end())
            c.report(where, key, "is not an indicator field; valid fields are " + join(k_indicator_keys));
    if (auto it = ind.find("mission"); it == ind.end() || !it->is_string() || it->get<std::string>().empty())
        c.report(where, "mission", "is missing: name the mission, e.g. \"food\", \"safety\", \"youth\" or \"wellbeing\"");
    else
        out.mission = it->get<std::string>();
    read_measure(c, ind, where, survey, out);
    read_presentation(c, ind, where, out);
    return out;
}

}  // namespace

std::expected<IndicatorSet, std::vector<core::Diagnostic>> parse_indicator_text(std::string_view json_text,
                                                                                const std::filesystem::path& file,
                                                                                const SurveyLookup& surveys) {
    const std::string fname = file.string();
    auto parsed = parse_located(json_text, fname);
    if (!parsed) return std::unexpected(std::vector{parsed.error()});
    const json& root = *parsed;
    std::vector<core::Diagnostic> diags;
    const auto fail = [&](std::string field, std::string message) {
        diags.push_back({fname, "", std::move(field), std::move(message)});
        return std::unexpected(std::move(diags));
    };
    if (!root.is_object()) return fail("", "must be an object: {\"survey\": \"food\", \"indicators\": [...]} (docs/results.md)");
    for (const auto& [key, v] : root.items())
        if (std::ranges::find(k_file_keys, key) == k_file_keys.end())
            diags.push_back({fname, "", key, "is not a field of an indicator file; valid fields are " + join(k_file_keys)});
    if (!root.contains("survey") || !root["survey"].is_string())
        return fail("survey", "is missing: name the survey the indicators read, e.g. \"survey\": \"food\"");
    const std::string survey_id = root["survey"].get<std::string>();
    core::SurveyPtr survey = surveys ? surveys(survey_id) : nullptr;
    if (!survey) return fail("survey", "'" + survey_id + "' is not a known survey: name one in the surveys folder");
    if (!root.contains("indicators") || !root["indicators"].is_array() || root["indicators"].empty())
        return fail("indicators", "is missing or empty: give a list of indicators");

    Checker c(file, survey.get());
    IndicatorSet set{file, survey, {}};
    std::set<std::string> ids;
    const auto& list = root["indicators"];
    for (std::size_t i = 0; i < list.size(); ++i)
        if (auto ind = read_indicator(c, list[i], i, *survey, ids)) set.indicators.push_back(std::move(*ind));
    auto found = c.take();
    diags.insert(diags.end(), found.begin(), found.end());
    if (!diags.empty()) return std::unexpected(std::move(diags));
    return set;
}

std::expected<IndicatorSet, std::vector<core::Diagnostic>> load_indicator_file(const std::filesystem::path& file,
                                                                               const SurveyLookup& surveys) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return std::unexpected(std::vector<core::Diagnostic>{{file.string(), "", "", "cannot be read (does it exist?)"}});
    std::ostringstream s;
    s << in.rdbuf();
    return parse_indicator_text(s.str(), file, surveys);
}

const IndicatorSet* IndicatorCatalog::for_survey(std::string_view survey_id) const {
    for (const auto& s : sets)
        if (s.survey && s.survey->id == survey_id) return &s;
    return nullptr;
}

IndicatorCatalog load_indicator_files(const std::vector<std::filesystem::path>& files, const SurveyLookup& surveys) {
    IndicatorCatalog out;
    std::map<std::string, std::string> seen;  // id -> file
    for (const auto& f : files) {
        ++out.files_checked;
        auto set = load_indicator_file(f, surveys);
        if (!set) {
            out.diagnostics.insert(out.diagnostics.end(), set.error().begin(), set.error().end());
            continue;
        }
        bool clash = false;
        for (const auto& ind : set->indicators)
            if (auto [it, fresh] = seen.emplace(ind.id, f.string()); !fresh) {
                out.diagnostics.push_back({f.string(), ind.id, "id", "is also used by " + it->second + "; ids must be unique"});
                clash = true;
            }
        if (!clash) out.sets.push_back(std::move(*set));
    }
    return out;
}

IndicatorCatalog load_indicator_dir(const std::filesystem::path& dir, const SurveyLookup& surveys) {
    std::vector<std::filesystem::path> files;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec))
        if (e.path().extension() == ".json") files.push_back(e.path());
    std::ranges::sort(files);
    auto out = load_indicator_files(files, surveys);
    if (ec) out.diagnostics.push_back({dir.string(), "", "", "cannot be read: " + ec.message()});
    return out;
}

}  // namespace fieldkiosk::results
