// XLSForm -> survey JSON (docs/xlsform.md, "Import").
//
// Index: Problem · Table (a sheet with its header) · Importer: languages, settings, choices, survey rows,
// questions, validation by the loader (diagnostics traced back to cells) · entry points
// Over 600 lines on purpose: one Importer walks the workbook's sheets and keeps every cell's place for its
// messages; each sheet and each kind of column is its own short step.
#include "core/xlsform/import.hpp"

#include "core/loader.hpp"
#include "core/survey.hpp"
#include "core/xlsform/header.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <set>

namespace fieldkiosk::xlsform {

using detail::Column;
using detail::lower;
using detail::trim;
using json = nlohmann::ordered_json;

constexpr std::size_t k_no_column = static_cast<std::size_t>(-1);

std::string Problem::to_string() const {
    std::string out = file + ": ";
    if (!sheet.empty()) {
        out += sheet;
        if (row > 0) out += "!" + (column == k_no_column ? std::to_string(row) : cell_ref(row, column));
        if (!header.empty()) out += " (" + header + ")";
        out += ": ";
    }
    if (warning) out += "warning: ";
    return out + message;
}

bool ImportResult::ok() const {
    return std::ranges::none_of(problems, [](const Problem& p) { return !p.warning; });
}

namespace {

// A sheet and its header row.
struct Table {
    const Sheet* sheet = nullptr;
    std::vector<Column> columns;
    explicit operator bool() const { return sheet != nullptr; }
    [[nodiscard]] const Column* column(std::string_view field, std::string_view language = "") const {
        for (const auto& c : columns)
            if (c.field == field && c.language == language) return &c;
        return nullptr;
    }
    [[nodiscard]] const Column* any_column(std::string_view field) const {
        for (const auto& c : columns)
            if (c.field == field) return &c;
        return nullptr;
    }
    [[nodiscard]] std::string get(std::size_t row, std::string_view field) const {
        const auto* c = column(field);
        return c == nullptr ? std::string() : trim(sheet->at(row, c->index));
    }
};

// Where a question or choice came from, to trace the loader's diagnostics back to cells.
struct Origin {
    std::size_t row = 0;
    std::string sheet;
};

class Importer {
public:
    Importer(const Workbook& wb, std::filesystem::path file) : m_wb(wb), m_file(std::move(file)) {}
    ImportResult run();

private:
    void error(const Table& t, std::size_t row, const Column* c, std::string message, bool warning = false) {
        m_result.problems.push_back(Problem{.file = m_file.string(),
                                            .sheet = t ? t.sheet->name : std::string(),
                                            .row = row,
                                            .column = c ? c->index : k_no_column,
                                            .header = c ? c->raw : std::string(),
                                            .message = std::move(message),
                                            .warning = warning});
    }
    void warn(const Table& t, std::size_t row, const Column* c, std::string message) { error(t, row, c, std::move(message), true); }

    void read_languages();
    void read_settings();
    void read_choices();
    void read_sources();
    void read_survey();
    bool read_question(std::size_t row, const std::string& type, const std::string& relevant_prefix, json& q);
    // The steps of read_question: the type column's words, the columns every question may have, a range's
    // parameters, a select's list. Each reports at the row's cell; false: the question is refused.
    std::optional<std::vector<std::string>> read_type(std::size_t row, const std::string& type_text, std::string& kind);
    void read_common(std::size_t row, const std::string& base, const std::string& kind, const std::string& prefix, json& q);
    bool read_range(std::size_t row, json& q);
    bool read_choice_list(std::size_t row, const std::vector<std::string>& words, json& q);
    json localized(const Table& t, std::size_t row, std::string_view field);
    void fill_translations();
    void validate();
    void locate(const core::Diagnostic& d);

    const Workbook& m_wb;
    std::filesystem::path m_file;
    ImportResult m_result;
    Table m_survey, m_choices, m_settings, m_sources;
    std::string m_default;                               // default language code
    std::vector<detail::LanguageName> m_languages;       // in order of first appearance
    std::map<std::string, std::string> m_language_of;   // header suffix as written -> code
    std::set<std::string> m_draft;                       // languages with missing texts
    json m_choice_lists = json::object();
    std::map<std::string, std::vector<std::size_t>> m_choice_rows;  // list -> row of each choice
    json m_questions = json::array();
    std::map<std::string, std::size_t> m_question_rows;  // name -> survey row
    json m_meta = json::object();                        // title, description, ... from settings
};

json Importer::localized(const Table& t, std::size_t row, std::string_view field) {
    json out = json::object();
    for (const auto& c : t.columns) {
        if (c.field != field) continue;
        auto text = trim(t.sheet->at(row, c.index));
        if (text.empty()) continue;
        const auto& code = m_language_of[c.language];
        if (c.language.empty() && out.contains(code)) continue;  // an explicit language column wins
        out[code] = text;
    }
    return out;
}

// Languages come from the headers' suffixes ("label::English (en)", legacy "label:English"); a header
// without one is the default language (settings default_language, else English).
void Importer::read_languages() {
    const auto add = [&](const detail::LanguageName& l) {
        if (std::ranges::none_of(m_languages, [&](const auto& x) { return x.code == l.code; })) m_languages.push_back(l);
    };
    std::optional<detail::LanguageName> def;
    if (m_settings) {
        const auto* c = m_settings.column("default_language");
        if (const auto text = m_settings.get(2, "default_language"); !text.empty()) {
            def = detail::parse_language(text);
            if (!def) error(m_settings, 2, c, "'" + text + "' is not a language: write it as in the headers, like 'English (en)'");
        }
    }
    bool plain = false;
    for (const Table* t : {&m_survey, &m_choices, &m_settings}) {
        if (!*t) continue;
        for (const auto& c : t->columns) {
            if (c.language.empty()) {
                plain = plain || c.field == "label" || c.field == "hint";
                continue;
            }
            auto l = detail::parse_language(c.language);
            if (!l) {
                error(*t, 1, &c, "cannot tell the language code of '" + c.language +
                                     "': write the header as '" + c.field + "::" + c.language + " (code)', like 'label::Kiswahili (sw)'");
                continue;
            }
            m_language_of[c.language] = l->code;
            add(*l);
        }
    }
    if (!def) {
        if (plain || m_languages.empty()) def = detail::LanguageName{.code = "en", .name = "English"};
        else def = m_languages.front();
    }
    m_default = def->code;
    m_language_of[""] = m_default;
    if (std::ranges::none_of(m_languages, [&](const auto& x) { return x.code == m_default; }))
        m_languages.insert(m_languages.begin(), *def);
}

void Importer::read_settings() {
    if (!m_settings) return;
    const auto& s = m_settings;
    const auto* pk = s.column("public_key");
    if (pk && !s.get(2, "public_key").empty())
        error(s, 2, pk, "the kiosk does not encrypt responses with a public key: remove it (the kiosk's sync uses TLS)");
    if (const auto* c = s.column("instance_name"); c && !s.get(2, "instance_name").empty())
        warn(s, 2, c, "ignored: the kiosk names each response by its own id");
    if (const auto* c = s.column("submission_url"); c && !s.get(2, "submission_url").empty())
        warn(s, 2, c, "ignored: a kiosk sends its responses where its [sync] settings say");
    m_meta["title"] = localized(s, 2, "form_title");
    m_meta["description"] = localized(s, 2, "description");
    if (auto v = s.get(2, "estimated_minutes"); !v.empty()) {
        int n = 0;
        const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
        if (ec != std::errc() || end != v.data() + v.size() || n < 1 || n > 60)
            error(s, 2, s.column("estimated_minutes"), "must be a whole number of minutes from 1 to 60, not '" + v + "'");
        else
            m_meta["estimated_minutes"] = n;
    }
    if (auto v = s.get(2, "enabled"); !v.empty()) {
        if (auto b = detail::parse_yes_no(v)) m_meta["enabled"] = *b;
        else error(s, 2, s.column("enabled"), "must be yes or no, not '" + v + "'");
    }
    std::string drafts = s.get(2, "draft_languages");
    for (std::size_t i = 0; i < drafts.size();) {
        const auto e = std::min(drafts.find(' ', i), drafts.size());
        if (e > i) m_draft.insert(drafts.substr(i, e - i));
        i = e + 1;
    }
}

void Importer::read_sources() {
    if (!m_sources) return;
    json list = json::array();
    for (std::size_t r = 2; r <= m_sources.sheet->rows.size(); ++r) {
        if (m_sources.get(r, "id").empty()) continue;
        json s = json::object();
        for (const char* k : {"id", "instrument", "source", "url", "licence"}) s[k] = m_sources.get(r, k);
        list.push_back(std::move(s));
    }
    if (!list.empty()) m_meta["sources"] = std::move(list);
}

void Importer::read_choices() {
    if (!m_choices) return;
    const auto* list_col = m_choices.column("list_name");
    const auto* name_col = m_choices.column("name");
    if (list_col == nullptr || name_col == nullptr) {
        if (m_choices.sheet->rows.size() <= 1) return;  // an empty choices sheet: nothing to read
        error(m_choices, 1, nullptr, "the choices sheet needs the columns list_name and name");
        return;
    }
    for (const auto& c : m_choices.columns)
        if (detail::refused_columns().contains(c.field) && c.field != "choice_filter")
            for (std::size_t r = 2; r <= m_choices.sheet->rows.size(); ++r)
                if (!trim(m_choices.sheet->at(r, c.index)).empty()) {
                    error(m_choices, r, &c, detail::refused_columns().at(c.field));
                    break;
                }
    // Every other column with a name an expression can use ("county") becomes a property of each choice that has
    // a value in it; a choice_filter reads it (docs/xlsform.md, "Choice filters"). Headers no filter could name
    // ("Notes for translators") are ignored with a warning.
    static const std::set<std::string, std::less<>> k_choice_columns = {"list_name", "name", "label", "exclusive", "other"};
    std::vector<const Column*> property_columns;
    for (const auto& c : m_choices.columns) {
        if (k_choice_columns.contains(c.field) || detail::refused_columns().contains(c.field)) continue;
        const bool nameable = !c.raw.empty() && c.language.empty() &&
                              std::ranges::all_of(c.raw, [](char ch) { return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_'; }) &&
                              !(c.raw[0] >= '0' && c.raw[0] <= '9');
        if (nameable) property_columns.push_back(&c);
        else warn(m_choices, 1, &c, "ignored: a choice_filter can read only columns named with lower-case letters, digits and '_'");
    }
    for (std::size_t r = 2; r <= m_choices.sheet->rows.size(); ++r) {
        const auto list = m_choices.get(r, "list_name");
        const auto value = m_choices.get(r, "name");
        if (list.empty() && value.empty()) continue;
        if (list.empty()) {
            error(m_choices, r, list_col, "a choice needs the name of its list");
            continue;
        }
        if (value.empty()) {
            error(m_choices, r, name_col, "a choice needs a name (the value stored in the response)");
            continue;
        }
        json choice = {{"value", value}, {"label", localized(m_choices, r, "label")}};
        for (const char* flag : {"exclusive", "other"}) {
            const auto text = m_choices.get(r, flag);
            const auto b = detail::parse_yes_no(text);
            if (!b) error(m_choices, r, m_choices.column(flag), "must be yes or no, not '" + text + "'");
            else if (*b) choice[flag] = true;
        }
        json properties = json::object();  // the other columns, which a choice_filter reads by name
        for (const Column* c : property_columns)
            if (auto text = trim(m_choices.sheet->at(r, c->index)); !text.empty()) properties[c->raw] = text;
        if (!properties.empty()) choice["properties"] = std::move(properties);
        m_choice_lists[list].push_back(std::move(choice));
        m_choice_rows[list].push_back(r);
    }
}

void Importer::read_survey() {
    const auto* type_col = m_survey.column("type");
    const auto* name_col = m_survey.column("name");
    if (type_col == nullptr || name_col == nullptr) {
        error(m_survey, 1, nullptr, "the survey sheet needs the columns type and name");
        return;
    }
    for (const auto& c : m_survey.columns)
        if (auto it = detail::refused_columns().find(c.field); it != detail::refused_columns().end())
            for (std::size_t r = 2; r <= m_survey.sheet->rows.size(); ++r)
                if (!trim(m_survey.sheet->at(r, c.index)).empty()) {
                    error(m_survey, r, &c, it->second);
                    break;
                }
    struct Group {
        std::size_t row;
        std::string relevant;
    };
    std::vector<Group> groups;
    for (std::size_t r = 2; r <= m_survey.sheet->rows.size(); ++r) {
        const auto type = lower(m_survey.get(r, "type"));
        const auto name = m_survey.get(r, "name");
        if (type.empty()) {
            if (!name.empty()) error(m_survey, r, type_col, "'" + name + "' has no type");
            continue;
        }
        std::string prefix;
        for (const auto& g : groups)
            if (!g.relevant.empty()) prefix += (prefix.empty() ? "(" : " and (") + g.relevant + ")";
        if (type == "begin group" || type == "begin_group") {
            groups.push_back({r, m_survey.get(r, "relevant")});
            continue;
        }
        if (type == "end group" || type == "end_group") {
            if (groups.empty()) error(m_survey, r, type_col, "'end group' without a 'begin group' above it");
            else groups.pop_back();
            continue;
        }
        if (detail::metadata_types().contains(type)) {
            warn(m_survey, r, type_col, "'" + type + "' is not imported: the kiosk records each response's times and kiosk itself");
            continue;
        }
        if (auto it = detail::refused_types().find(type); it != detail::refused_types().end()) {
            error(m_survey, r, type_col, "'" + type + "': " + it->second);
            continue;
        }
        json q = json::object();
        if (read_question(r, type, prefix, q)) {
            m_question_rows.emplace(name, r);
            m_questions.push_back(std::move(q));
        }
    }
    for (const auto& g : groups) error(m_survey, g.row, type_col, "this group has no 'end group'");
}

bool Importer::read_question(std::size_t row, const std::string& type_text, const std::string& prefix, json& q) {
    std::string kind;
    const auto words = read_type(row, type_text, kind);
    if (!words) return false;
    const std::string& base = words->front();
    q["type"] = kind;
    q["name"] = m_survey.get(row, "name");
    if (q["name"].get_ref<const std::string&>().empty()) {
        error(m_survey, row, m_survey.column("name"), "every question needs a name");
        return false;
    }
    read_common(row, base, kind, prefix, q);
    if (const bool select = kind.starts_with("select_") || kind == "rank"; !select && !m_survey.get(row, "choice_filter").empty())
        error(m_survey, row, m_survey.column("choice_filter"), "only a select_one, select_multiple or rank question filters its choices");
    if (base == "range") {
        if (!read_range(row, q)) return false;
    } else if (!m_survey.get(row, "parameters").empty()) {
        error(m_survey, row, m_survey.column("parameters"), "the kiosk takes parameters only for range questions");
    }
    return !(kind.starts_with("select_") || kind == "rank") || read_choice_list(row, *words, q);
}

// "select_one LIST [or_other]" (and the older "select one from LIST"), or a single word: the words, with
// `kind` the survey format's type.
std::optional<std::vector<std::string>> Importer::read_type(std::size_t row, const std::string& type_text, std::string& kind) {
    const Column* type_col = m_survey.column("type");
    std::vector<std::string> words;
    for (std::size_t i = 0; i < type_text.size();) {
        const auto e = std::min(type_text.find_first_of(" \t", i), type_text.size());
        if (e > i) words.push_back(type_text.substr(i, e - i));
        i = e + 1;
    }
    if (words.size() >= 2 && words[0] == "select" && (words[1] == "one" || words[1] == "multiple")) {
        words[0] = "select_" + words[1];  // "select one LIST", and the older "select one from LIST"
        words.erase(words.begin() + 1, words.begin() + (words.size() >= 3 && words[2] == "from" ? 3 : 2));
    }
    const std::string& base = words.front();
    if (base.starts_with("select_") && base != "select_one" && base != "select_multiple") {
        error(m_survey, row, type_col, "'" + base + "': the kiosk reads no external files; put the choices in the choices sheet");
        return std::nullopt;
    }
    static const std::map<std::string, std::string, std::less<>> k_types = {
        {"select_one", "select_one"}, {"select_multiple", "select_multiple"}, {"integer", "integer"}, {"int", "integer"},
        {"decimal", "decimal"},       {"text", "text"},                       {"string", "text"},      {"note", "note"},
        {"calculate", "calculate"},   {"range", "scale"},                     {"acknowledge", "acknowledge"},
        {"date", "date"},             {"rank", "rank"}};
    const auto kind_it = k_types.find(base);
    if (kind_it == k_types.end()) {
        error(m_survey, row, type_col, "'" + type_text + "' is not a question type the kiosk can ask (it asks select_one, select_multiple, integer, decimal, text, range, note, calculate, acknowledge, date and rank)");
        return std::nullopt;
    }
    const bool select = kind_it->second.starts_with("select_") || kind_it->second == "rank";  // rank LIST, as a select
    const bool rank = kind_it->second == "rank";  // every choice takes a place: no write-in
    if (select != (words.size() >= 2) || words.size() > 3 || (words.size() == 3 && (words[2] != "or_other" || rank))) {
        error(m_survey, row, type_col, select ? "write '" + base + " LIST' (the list's name in the choices sheet)" +
                                                    (rank ? std::string() : std::string(", optionally followed by 'or_other'"))
                                              : "'" + base + "' takes nothing after it");
        return std::nullopt;
    }
    kind = kind_it->second;
    return words;
}

// label, hint, required (+ message), relevant (under the enclosing groups' `prefix`), constraint (+ message),
// calculation, default, appearance, max_length, source.
void Importer::read_common(std::size_t row, const std::string& base, const std::string& kind, const std::string& prefix,
                           json& q) {
    if (auto l = localized(m_survey, row, "label"); !l.empty()) q["label"] = std::move(l);
    if (auto h = localized(m_survey, row, "hint"); !h.empty()) q["hint"] = std::move(h);
    const auto required = m_survey.get(row, "required");
    if (const auto b = detail::parse_yes_no(required); !b)
        error(m_survey, row, m_survey.column("required"), "the kiosk takes required as yes or no, not '" + required + "'");
    else if (*b)
        q["required"] = true;
    if (auto m = localized(m_survey, row, "required_message"); !m.empty()) q["required_message"] = std::move(m);
    if (auto rel = m_survey.get(row, "relevant"); !rel.empty() || !prefix.empty())
        q["relevant"] = prefix.empty() ? rel : rel.empty() ? prefix : prefix + " and (" + rel + ")";
    if (auto c = m_survey.get(row, "constraint"); !c.empty()) q["constraint"] = c;
    if (auto m = localized(m_survey, row, "constraint_message"); !m.empty()) q["constraint_message"] = std::move(m);
    if (auto calc = m_survey.get(row, "calculation"); !calc.empty()) {
        if (base == "calculate") q["calculation"] = calc;
        else error(m_survey, row, m_survey.column("calculation"), "the kiosk calculates only in calculate rows");
    }
    if (auto d = m_survey.get(row, "default"); !d.empty()) q["default"] = d;
    if (auto a = m_survey.get(row, "appearance"); !a.empty()) {
        const auto app = core::appearance_from_string(lower(a));
        const auto allowed = core::appearances_for(*core::question_type_from_string(kind));
        if (app && std::ranges::find(allowed, *app) != allowed.end()) q["appearance"] = lower(a);
        else warn(m_survey, row, m_survey.column("appearance"), "'" + a + "' is not an appearance the kiosk has for " + kind + "; the question is shown the kiosk's usual way");
    }
    if (auto len = m_survey.get(row, "max_length"); !len.empty()) {
        int n = 0;
        const auto [end, ec] = std::from_chars(len.data(), len.data() + len.size(), n);
        if (ec != std::errc() || end != len.data() + len.size()) error(m_survey, row, m_survey.column("max_length"), "must be a whole number");
        else q["max_length"] = n;
    }
    if (auto src = m_survey.get(row, "source"); !src.empty()) q["source"] = src;
}

// A range as the kiosk's scale: "start=1 end=5 step=1" in parameters, at most 11 whole numbers.
bool Importer::read_range(std::size_t row, json& q) {
    const auto params = m_survey.get(row, "parameters");
    std::map<std::string, std::string> p = {{"start", "1"}, {"end", "10"}, {"step", "1"}};
    for (std::size_t i = 0; i < params.size();) {
        const auto e = std::min(params.find_first_of(" ,;\t", i), params.size());
        const auto kv = params.substr(i, e - i);
        if (const auto eq = kv.find('='); eq != std::string::npos) p[lower(trim(kv.substr(0, eq)))] = trim(kv.substr(eq + 1));
        i = e + 1;
    }
    int start = 0, end = 0;
    const auto as_int = [](const std::string& s, int& out) {
        const auto [e, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
        return ec == std::errc() && e == s.data() + s.size();
    };
    if (!as_int(p["start"], start) || !as_int(p["end"], end) || p["step"] != "1" || end <= start || end - start > 10) {
        error(m_survey, row, m_survey.column("parameters"), "the kiosk asks a range as a row of at most 11 whole numbers: write 'start=1 end=5 step=1' (step 1, end above start, at most 10 apart)");
        return false;
    }
    q["min"] = start;
    q["max"] = end;
    auto min_label = localized(m_survey, row, "min_label");
    auto max_label = localized(m_survey, row, "max_label");
    q["min_label"] = min_label.empty() ? json{{m_default, p["start"]}} : min_label;
    q["max_label"] = max_label.empty() ? json{{m_default, p["end"]}} : max_label;
    return true;
}

// A select's choices: the named list of the choices sheet, with "other" added for or_other.
bool Importer::read_choice_list(std::size_t row, const std::vector<std::string>& words, json& q) {
    const Column* type_col = m_survey.column("type");
    const auto& list = words[1];
    if (!m_choice_lists.contains(list)) {
        error(m_survey, row, type_col, "there is no list named '" + list + "' in the choices sheet");
        return false;
    }
    if (words.size() == 3) {  // or_other, as pyxform expands it: an "other" choice at the end
        json choices = m_choice_lists[list];
        json other_label = json::object();
        for (const auto& l : m_languages) other_label[l.code] = "Other";
        choices.push_back({{"value", "other"}, {"label", other_label}, {"other", true}});
        q["choices"] = std::move(choices);
    } else {
        q["choices"] = list;
    }
    if (auto filter = m_survey.get(row, "choice_filter"); !filter.empty()) q["choice_filter"] = filter;
    return true;
}

// A text missing in some language takes the default language's text, and that language is marked draft
// (docs/survey_format.md: draft = needs a translator's review), so that nothing is lost and the kiosk
// never shows an empty label.
void Importer::fill_translations() {
    std::map<std::string, std::size_t> filled;
    const auto fill = [&](json& text) {
        if (!text.is_object() || text.empty()) return;
        const std::string fallback = text.contains(m_default) ? text[m_default].get<std::string>() : text.begin().value().get<std::string>();
        for (const auto& l : m_languages)
            if (!text.contains(l.code)) {
                text[l.code] = fallback;
                ++filled[l.code];
            }
    };
    static constexpr std::array k_texts = {"label", "hint", "required_message", "constraint_message", "min_label", "max_label"};
    for (auto& q : m_questions) {
        for (const char* k : k_texts)
            if (q.contains(k)) fill(q[k]);
        if (q.contains("choices") && q["choices"].is_array())
            for (auto& c : q["choices"]) fill(c["label"]);
    }
    for (auto& [name, list] : m_choice_lists.items())
        for (auto& c : list) fill(c["label"]);
    for (const char* k : {"title", "description"}) fill(m_meta[k]);
    for (const auto& [code, n] : filled) {
        m_draft.insert(code);
        warn(Table{}, 0, nullptr, "language '" + code + "' lacks " + std::to_string(n) + " text" + (n == 1 ? "" : "s") +
                                      ": the " + m_default + " text is used and the language is marked draft (needs a translator's review)");
    }
}

// Builds the survey JSON and runs the real loader over it; each diagnostic is traced back to the cell
// the value came from (the question's row and the field's column; a choice's row in the choices sheet;
// the settings row for the survey's own fields).
void Importer::validate() {
    json survey = json::object();
    survey["$schema"] = "schema/survey.schema.json";
    const auto stem = m_file.stem().string();
    std::string id = m_settings ? m_settings.get(2, "form_id") : std::string();
    if (id.empty()) {  // the file name, made into an id (only when the author gave none)
        for (const char c : lower(stem)) id += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
        if (id.empty() || !std::isalpha(static_cast<unsigned char>(id[0]))) id = "form_" + id;
    }
    survey["survey"] = id;
    std::string version = m_settings ? m_settings.get(2, "version") : std::string();
    if (version.empty()) {
        version = "1";
        warn(m_settings, m_settings ? 2 : 0, nullptr, "no version in the settings: the survey's version is \"1\"");
    }
    survey["version"] = version;
    if (m_meta.contains("enabled")) survey["enabled"] = m_meta["enabled"];
    survey["default_language"] = m_default;
    json langs = json::array();
    for (const auto& l : m_languages)
        langs.push_back({{"code", l.code}, {"name", l.name}, {"status", m_draft.contains(l.code) ? "draft" : "complete"}});
    survey["languages"] = std::move(langs);
    json title = m_meta["title"];
    if (title.empty())
        for (const auto& l : m_languages) title[l.code] = stem;
    survey["title"] = title;
    survey["description"] = m_meta["description"].empty() ? title : m_meta["description"];
    if (m_meta.contains("estimated_minutes")) {
        survey["estimated_minutes"] = m_meta["estimated_minutes"];
    } else {
        std::size_t shown = 0;
        for (const auto& q : m_questions) shown += q["type"] != "calculate";
        const int minutes = static_cast<int>(std::clamp<std::size_t>((shown + 3) / 4, 1, 60));
        survey["estimated_minutes"] = minutes;
        warn(m_settings, m_settings ? 2 : 0, nullptr, "no estimated_minutes in the settings: " + std::to_string(minutes) +
                                                           " minute(s) assumed from " + std::to_string(shown) + " questions; state the true time");
    }
    if (m_meta.contains("sources")) survey["sources"] = m_meta["sources"];
    if (!m_choice_lists.empty()) survey["choice_lists"] = m_choice_lists;
    survey["questions"] = m_questions;

    auto json_name = m_file;
    json_name.replace_extension(".json");
    const auto loaded = core::load_survey_text(survey.dump(), json_name);
    for (const auto& d : loaded.diagnostics) locate(d);
    if (loaded.ok()) m_result.survey = std::move(survey);
}

void Importer::locate(const core::Diagnostic& d) {
    const auto head_of = [](std::string_view field) { return std::string(field.substr(0, field.find_first_of(".["))); };
    const auto column_for = [&](const Table& t, std::string_view field) -> const Column* {
        const auto head = head_of(field);
        const auto dot = field.find('.');
        if (dot != std::string_view::npos) {  // "label.fr": the column of that language
            const auto code = std::string(field.substr(dot + 1));
            for (const auto& c : t.columns)
                if (c.field == head && m_language_of[c.language] == code) return &c;
        }
        if (const auto* c = t.any_column(head)) return c;
        return nullptr;
    };
    if (auto it = m_question_rows.find(d.question); !d.question.empty() && it != m_question_rows.end()) {
        const auto head = head_of(d.field);
        const Column* c = head == "choices" || head == "type" || head == "min" || head == "max" ? m_survey.column("type")
                          : head == "calculation"                                                ? m_survey.any_column("calculation")
                                                                                                 : column_for(m_survey, d.field);
        if (head == "min" || head == "max") c = m_survey.column("parameters");
        if (c == nullptr && head.empty()) c = m_survey.column("name");
        error(m_survey, it->second, c, d.message);
        return;
    }
    if (d.question.empty() && d.field.starts_with("choice_lists.")) {
        const auto rest = d.field.substr(13);
        const auto br = rest.find('[');
        const auto list = rest.substr(0, br);
        std::size_t index = 0;
        if (br != std::string::npos) std::from_chars(rest.data() + br + 1, rest.data() + rest.size(), index);
        const auto rows = m_choice_rows.find(list);
        const std::size_t row = rows != m_choice_rows.end() && index < rows->second.size() ? rows->second[index] : 0;
        const auto close = rest.find("].");
        const Column* c = close == std::string::npos ? m_choices.column("list_name") : column_for(m_choices, rest.substr(close + 2));
        if (close != std::string::npos && rest.substr(close + 2).starts_with("properties."))
            c = m_choices.any_column(rest.substr(close + 2 + 11));  // "properties.county": the county column
        if (close != std::string::npos && rest.substr(close + 2) == "value") c = m_choices.column("name");
        error(m_choices, row, c, d.message);
        return;
    }
    static const std::map<std::string, std::string, std::less<>> k_settings = {
        {"survey", "form_id"}, {"version", "version"}, {"title", "form_title"}, {"default_language", "default_language"},
        {"estimated_minutes", "estimated_minutes"}, {"description", "description"}};
    const auto head = head_of(d.field);
    if (auto it = k_settings.find(head); it != k_settings.end() && m_settings) {
        error(m_settings, 2, column_for(m_settings, it->second + d.field.substr(head.size())), d.message);
        return;
    }
    error(m_settings ? m_settings : m_survey, m_settings ? 2 : 0, nullptr, (d.field.empty() ? "" : d.field + ": ") + d.message);
}

ImportResult Importer::run() {
    m_survey = Table{m_wb.find("survey"), {}};
    if (!m_survey && m_wb.sheets.size() == 1) m_survey.sheet = &m_wb.sheets.front();  // a one-sheet workbook
    if (!m_survey) {
        m_result.problems.push_back({.file = m_file.string(), .message = "the workbook has no sheet named 'survey'"});
        return std::move(m_result);
    }
    m_choices.sheet = m_wb.find("choices");
    m_settings.sheet = m_wb.find("settings");
    m_sources.sheet = m_wb.find("sources");
    for (Table* t : {&m_survey, &m_choices, &m_settings, &m_sources})
        if (*t) t->columns = detail::read_header(*t->sheet);
    for (Table* t : {&m_survey, &m_choices, &m_settings}) {
        if (!*t) continue;
        std::map<std::string, const Column*> seen;
        for (const auto& c : t->columns)
            if (auto [it, fresh] = seen.emplace(c.field + "::" + c.language, &c); !fresh)
                error(*t, 1, &c, "a second '" + c.raw + "' column (the first is column " + column_name(it->second->index) + ")");
    }
    read_languages();
    read_settings();
    read_sources();
    read_choices();
    read_survey();
    fill_translations();
    if (!m_result.ok()) return std::move(m_result);
    validate();
    return std::move(m_result);
}

}  // namespace

ImportResult import_workbook(const Workbook& wb, const std::filesystem::path& file) { return Importer(wb, file).run(); }

ImportResult import_file(const std::filesystem::path& file) {
    auto wb = read_workbook(file);
    if (!wb) {
        ImportResult r;
        r.problems.push_back({.file = file.string(), .message = wb.error()});
        return r;
    }
    return import_workbook(*wb, file);
}

}  // namespace fieldkiosk::xlsform
