// Over 600 lines on purpose: one Loader reads a survey file, its includes and its choice lists and then
// checks the questions against one another, all sharing the diagnostics list and the include stack; each
// kind of key is its own short step below.
//
// Index:
//   helpers          text, JSON reading with line:column, edit distance for "did you mean"
//   Loader           one survey (or block) file, its includes, and the cross-question checks
//   public functions load_survey_file, load_survey_text, validate_block_file, load_paths
#include "core/loader.hpp"

#include "core/base64.hpp"

#include "core/session.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>
#include <system_error>
#include <utility>

namespace fieldkiosk::core {

using nlohmann::json;
namespace fs = std::filesystem;

// ---------------------------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------------------------
namespace {

constexpr std::size_t k_max_file_bytes = 4u << 20;  // a survey file is a few tens of KiB
constexpr std::size_t k_max_include_depth = 8;
constexpr int k_max_nesting = 64;  // JSON nesting; copying or comparing deeper trees recurses deeply

// The byte offset where `text` first nests [ and { deeper than `limit` (outside strings), if it does.
std::optional<std::size_t> nesting_beyond(std::string_view text, int limit) {
    int depth = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > limit) return i;
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return std::nullopt;
}

std::string join(const std::vector<std::string>& items, std::string_view sep = ", ") {
    std::string out;
    for (const auto& s : items) {
        if (!out.empty()) out += sep;
        out += s;
    }
    return out;
}

bool matches_name(std::string_view s) {
    if (s.empty() || s.size() > 64 || !(s[0] >= 'a' && s[0] <= 'z')) return false;
    return std::ranges::all_of(s, [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

bool matches_choice_value(std::string_view s) {
    if (s.empty() || s.size() > 64) return false;
    return std::ranges::all_of(s, [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
}

bool matches_language_code(std::string_view s) {
    // BCP 47 as the surveys use it (the schema's pattern): 2-3 lower-case letters, then subtags of 2 to 8
    // letters or digits after '-': a script ("zh-Hans"), a region ("pt-BR"), or both ("zh-Hans-CN").
    std::size_t i = 0;
    while (i < s.size() && s[i] >= 'a' && s[i] <= 'z') ++i;
    if (i < 2 || i > 3) return false;
    while (i < s.size()) {
        if (s[i] != '-') return false;
        const std::size_t start = ++i;
        while (i < s.size() && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9')))
            ++i;
        if (i - start < 2 || i - start > 8) return false;
    }
    return true;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t prev = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t cur = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] == b[j - 1] ? 0u : 1u)});
            prev = cur;
        }
    }
    return row[b.size()];
}

// " (did you mean 'x'?)" when one candidate is close, else "".
std::string suggestion(std::string_view wrong, const std::vector<std::string>& candidates) {
    std::string best;
    std::size_t best_d = 3;
    for (const auto& c : candidates) {
        const auto d = edit_distance(wrong, c);
        if (d < best_d) {
            best_d = d;
            best = c;
        }
    }
    return best.empty() ? std::string{} : " (did you mean '" + best + "'?)";
}

fs::path canonical_or_same(const fs::path& p) {
    std::error_code ec;
    auto c = fs::weakly_canonical(p, ec);
    return ec ? p : c;
}

std::string type_name(const json& j) {
    switch (j.type()) {
        case json::value_t::null:
            return "null";
        case json::value_t::object:
            return "an object";
        case json::value_t::array:
            return "a list";
        case json::value_t::string:
            return "text";
        case json::value_t::boolean:
            return "true/false";
        case json::value_t::number_integer:
        case json::value_t::number_unsigned:
        case json::value_t::number_float:
            return "a number";
        default:
            return "an unsupported value";
    }
}

const std::vector<std::string> k_survey_keys = {"$schema",           "survey",    "version",      "enabled",
                                                "default_language",  "languages", "title",        "description",
                                                "estimated_minutes", "sources",   "choice_lists", "questions",
                                                "encryption"};
const std::vector<std::string> k_block_keys = {"$schema", "block", "languages", "sources", "choice_lists", "questions"};
const std::vector<std::string> k_question_keys = {"type",        "name",       "label",
                                                  "hint",        "required",   "required_message",
                                                  "relevant",    "constraint", "constraint_message",
                                                  "calculation", "choices",    "appearance",
                                                  "default",     "max_length", "min",
                                                  "max",         "min_label",  "max_label",
                                                  "source",      "choice_filter"};
const std::vector<std::string> k_choice_keys = {"value", "label", "exclusive", "other", "properties"};
// Names a choice property cannot take: what a choice has already, and the choices sheet's own columns.
const std::vector<std::string> k_reserved_properties = {"name", "value", "label", "list_name", "exclusive", "other",
                                                        "image", "audio", "video"};
const std::vector<std::string> k_source_keys = {"id", "instrument", "source", "url", "licence"};

// "a select_one", "an integer"
std::string a_type(QuestionType t) {
    const std::string name(to_string(t));
    return (t == QuestionType::Integer || t == QuestionType::Acknowledge ? "an " : "a ") + name;
}

std::vector<std::string> type_names() {
    std::vector<std::string> out;
    for (auto t : {QuestionType::SelectOne, QuestionType::SelectMultiple, QuestionType::Integer, QuestionType::Decimal,
                   QuestionType::Text, QuestionType::Scale, QuestionType::Note, QuestionType::Calculate,
                   QuestionType::Acknowledge, QuestionType::Date, QuestionType::Rank})
        out.emplace_back(to_string(t));
    return out;
}

}  // namespace

std::string Diagnostic::to_string() const {
    std::string out = file;
    if (line > 0) { out += ":" + std::to_string(line) + ":" + std::to_string(column); }
    out += ": ";
    if (!question.empty() || !field.empty()) {
        out += question;
        if (!question.empty() && !field.empty()) out += ".";
        out += field;
        out += ": ";
    }
    out += message;
    return out;
}

// ---------------------------------------------------------------------------------------------
// Loader
// ---------------------------------------------------------------------------------------------
namespace {

class Loader {
public:
    // Reads and parses a JSON file. On failure records a diagnostic and returns nullopt.
    std::optional<json> read_json(const fs::path& path, const std::optional<std::string>& text_in = std::nullopt) {
        const std::string file = path.string();
        std::string text;
        if (text_in) {
            text = *text_in;
        } else {
            std::error_code ec;
            if (fs::is_directory(path, ec)) {
                report(file, "", "", "is a folder, not a survey file");
                return std::nullopt;
            }
            const auto size = fs::file_size(path, ec);
            if (ec) {
                report(file, "", "", "cannot be read: " + ec.message());
                return std::nullopt;
            }
            if (size > k_max_file_bytes) {
                report(file, "", "",
                       "is " + std::to_string(size) + " bytes; a survey file may be at most " + std::to_string(k_max_file_bytes) +
                           " bytes");
                return std::nullopt;
            }
            std::ifstream in(path, std::ios::binary);
            if (!in) {
                report(file, "", "", "cannot be opened for reading");
                return std::nullopt;
            }
            std::ostringstream ss;
            ss << in.rdbuf();
            text = std::move(ss).str();
        }
        if (text.size() > k_max_file_bytes) {
            report(file, "", "", "is too large for a survey file");
            return std::nullopt;
        }
        if (auto too_deep = nesting_beyond(text, k_max_nesting)) {
            report(file, "", "",
                   "nests lists and objects more than " + std::to_string(k_max_nesting) + " deep (at byte " +
                       std::to_string(*too_deep) + "); a survey needs far less");
            return std::nullopt;
        }
        try {
            return json::parse(text);
        } catch (const json::parse_error& e) {
            // Byte offset -> 1-based line and column (columns count UTF-8 code points).
            const std::size_t at = std::min<std::size_t>(e.byte == 0 ? 0 : e.byte - 1, text.size());
            int line = 1, col = 1;
            for (std::size_t i = 0; i < at; ++i) {
                const auto c = static_cast<unsigned char>(text[i]);
                if (c == '\n') {
                    ++line;
                    col = 1;
                } else if ((c & 0xC0u) != 0x80u)
                    ++col;
            }
            std::string what = e.what();
            // nlohmann: "[json.exception.parse_error.101] parse error at line 3, column 5: syntax error while parsing ..."
            if (auto p = what.find("syntax error"); p != std::string::npos)
                what = what.substr(p);
            else if (auto q = what.find("]"); q != std::string::npos)
                what = what.substr(q + 2);
            Diagnostic d{file, "", "", "invalid JSON: " + what, line, col};
            m_diags.push_back(std::move(d));
            return std::nullopt;
        } catch (const json::exception& e) {
            // e.g. out_of_range 406 "number overflow parsing '2e6244'": valid JSON syntax that cannot be held.
            std::string what = e.what();
            if (auto q = what.find("] "); q != std::string::npos) what = what.substr(q + 2);
            report(file, "", "", "cannot be read as JSON: " + what);
            return std::nullopt;
        }
    }

    // Loads a whole survey from `root` (already parsed) found in `path`.
    SurveyPtr load_survey(const json& root, const fs::path& path) {
        const std::string file = path.string();
        auto survey = std::make_shared<Survey>();
        survey->file = path;
        if (!root.is_object()) {
            report(
                file, "", "",
                "must be a JSON object with \"survey\", \"version\", \"languages\" and \"questions\"; found " + type_name(root));
            return nullptr;
        }
        check_keys(root, k_survey_keys, file, "", "", "a survey file");

        survey->id = required_string(root, "survey", file, "", "survey");
        if (!survey->id.empty() && !matches_name(survey->id))
            report(
                file, "", "survey",
                "'" + survey->id + "' is not a valid survey id: use lower-case letters, digits and '_', starting with a letter");
        survey->version = required_string(root, "version", file, "", "version");
        if (auto it = root.find("enabled"); it != root.end()) {
            if (it->is_boolean())
                survey->enabled = it->get<bool>();
            else
                report(file, "", "enabled", "must be true or false, not " + type_name(*it));
        }
        parse_languages(root, file, *survey);
        if (auto it = root.find("default_language"); it != root.end()) {
            if (!it->is_string())
                report(file, "", "default_language", "must be a language code in quotes, like \"en\"");
            else
                survey->default_language = it->get<std::string>();
        } else if (!survey->languages.empty()) {
            survey->default_language = survey->languages.front().code;
        }
        if (!survey->default_language.empty() && !survey->languages.empty() && !survey->has_language(survey->default_language))
            report(file, "", "default_language",
                   "'" + survey->default_language + "' is not one of the declared languages (" + join(m_languages) + ")");
        survey->title = localized(root, "title", file, "", "title", true);
        survey->description = localized(root, "description", file, "", "description", true);
        if (auto it = root.find("estimated_minutes"); it == root.end()) {
            report(file, "", "estimated_minutes", "is missing: say how many minutes the survey really takes (1 to 60)");
        } else if (!it->is_number_integer() || it->get<std::int64_t>() < 1 || it->get<std::int64_t>() > 60) {
            report(file, "", "estimated_minutes", "must be a whole number of minutes from 1 to 60");
        } else {
            survey->estimated_minutes = static_cast<int>(it->get<std::int64_t>());
        }
        parse_sources(root, file);
        parse_choice_lists(root, file);
        parse_encryption(root, file, *survey);

        m_include_stack.push_back(canonical_or_same(path));
        expand_questions(root, path, file);
        m_include_stack.pop_back();

        survey->sources = m_sources;
        survey->questions = std::move(m_questions);
        finish(*survey);
        if (!m_diags.empty()) return nullptr;
        return survey;
    }

    // Validates a block on its own, in its own declared languages.
    void check_block(const json& root, const fs::path& path) {
        const std::string file = path.string();
        if (!root.is_object()) {
            report(file, "", "",
                   "must be a JSON object with \"block\", \"languages\" and \"questions\"; found " + type_name(root));
            return;
        }
        check_keys(root, k_block_keys, file, "", "", "a block file");
        const auto id = required_string(root, "block", file, "", "block");
        if (!id.empty() && !matches_name(id))
            report(file, "", "block", "'" + id + "' is not a valid block id: use lower-case letters, digits and '_'");
        m_languages = block_languages(root, file);
        parse_sources(root, file);
        parse_choice_lists(root, file);
        m_include_stack.push_back(canonical_or_same(path));
        expand_questions(root, path, file);
        m_include_stack.pop_back();
        Survey s;
        s.file = path;
        s.questions = std::move(m_questions);
        finish(s);
    }

    std::vector<Diagnostic> take_diagnostics() { return std::move(m_diags); }
    bool has_errors() const { return !m_diags.empty(); }

private:
    void report(const std::string& file, const std::string& question, const std::string& field, std::string message) {
        m_diags.push_back(Diagnostic{file, question, field, std::move(message), 0, 0});
    }

    void check_keys(const json& obj, const std::vector<std::string>& allowed, const std::string& file,
                    const std::string& question, const std::string& prefix, std::string_view what) {
        for (const auto& [key, _] : obj.items()) {
            if (std::ranges::find(allowed, key) != allowed.end()) continue;
            report(file, question, prefix + key,
                   "is not a field of " + std::string(what) + suggestion(key, allowed) + "; valid fields: " + join(allowed));
        }
    }

    std::string required_string(const json& obj, const char* key, const std::string& file, const std::string& question,
                                const std::string& field) {
        auto it = obj.find(key);
        if (it == obj.end()) {
            report(file, question, field, "is missing");
            return {};
        }
        if (!it->is_string() || it->get_ref<const std::string&>().empty()) {
            report(file, question, field, "must be non-empty text, not " + type_name(*it));
            return {};
        }
        return it->get<std::string>();
    }

    void parse_languages(const json& root, const std::string& file, Survey& survey) {
        auto it = root.find("languages");
        if (it == root.end() || !it->is_array() || it->empty()) {
            report(file, "", "languages",
                   "must be a non-empty list like [{\"code\": \"en\", \"name\": \"English\", \"status\": \"complete\"}]");
            return;
        }
        for (std::size_t i = 0; i < it->size(); ++i) {
            const json& l = (*it)[i];
            const std::string field = "languages[" + std::to_string(i) + "]";
            if (!l.is_object()) {
                report(file, "", field, "must be an object with code, name and status");
                continue;
            }
            check_keys(l, {"code", "name", "status", "direction"}, file, "", field + ".", "a language");
            Language lang;
            lang.code = required_string(l, "code", file, "", field + ".code");
            lang.name = required_string(l, "name", file, "", field + ".name");
            const auto status = required_string(l, "status", file, "", field + ".status");
            if (status == "draft")
                lang.status = LanguageStatus::Draft;
            else if (!status.empty() && status != "complete")
                report(file, "", field + ".status",
                       "'" + status + "' is not a status: use 'complete' or 'draft' (needs a translator's review)");
            if (auto d = l.find("direction"); d != l.end()) {
                if (*d == "rtl")
                    lang.direction = TextDirection::RightToLeft;
                else if (*d != "ltr")
                    report(file, "", field + ".direction",
                           "must be \"ltr\" (left to right, the default) or \"rtl\" (right to left: Arabic, Urdu, Hebrew), not " +
                               d->dump());
            }
            if (lang.code.empty()) continue;
            if (!matches_language_code(lang.code)) {
                report(file, "", field + ".code", "'" + lang.code + "' is not a language code like 'en', 'so' or 'pt-BR'");
                continue;
            }
            if (survey.has_language(lang.code)) {
                report(file, "", field + ".code", "'" + lang.code + "' is declared twice");
                continue;
            }
            m_languages.push_back(lang.code);
            survey.languages.push_back(std::move(lang));
        }
    }

    std::vector<std::string> block_languages(const json& root, const std::string& file) {
        std::vector<std::string> out;
        auto it = root.find("languages");
        if (it == root.end() || !it->is_array() || it->empty()) {
            report(file, "", "languages",
                   "must be a non-empty list of the language codes the block's texts cover, like [\"en\", \"es\"]");
            return out;
        }
        for (std::size_t i = 0; i < it->size(); ++i) {
            const json& l = (*it)[i];
            if (!l.is_string() || !matches_language_code(l.get<std::string>()))
                report(file, "", "languages[" + std::to_string(i) + "]", "must be a language code like \"en\"");
            else
                out.push_back(l.get<std::string>());
        }
        return out;
    }

    LocalizedText localized(const json& obj, const char* key, const std::string& file, const std::string& question,
                            const std::string& field, bool required) {
        auto it = obj.find(key);
        if (it == obj.end()) {
            if (required)
                report(file, question, field, "is missing: give the text in every declared language (" + join(m_languages) + ")");
            return {};
        }
        return localized_value(*it, file, question, field);
    }

    LocalizedText localized_value(const json& v, const std::string& file, const std::string& question, const std::string& field) {
        if (!v.is_object()) {
            report(file, question, field,
                   "must be an object from language code to text, like {\"en\": \"...\"}, not " + type_name(v));
            return {};
        }
        std::map<std::string, std::string, std::less<>> texts;
        const bool know_languages = !m_languages.empty();  // else the languages list itself was reported
        for (const auto& [code, text] : v.items()) {
            if (know_languages && std::ranges::find(m_languages, code) == m_languages.end()) {
                // A block may carry more languages than the survey that includes it: those texts are unused.
                if (std::ranges::find(m_block_languages, code) != m_block_languages.end()) continue;
                report(file, question, field + "." + code,
                       "'" + code + "' is not a declared language" + suggestion(code, m_languages) +
                           "; declared: " + join(m_languages));
                continue;
            }
            if (!text.is_string() || text.get_ref<const std::string&>().empty()) {
                report(file, question, field + "." + code, "must be non-empty text");
                continue;
            }
            texts.emplace(code, text.get<std::string>());
        }
        for (const auto& code : m_languages) {
            if (texts.contains(code) || v.contains(code)) continue;
            report(file, question, field,
                   "has no '" + code + "' text; every declared language (" + join(m_languages) +
                       ") needs one (mark the language 'draft' if the translation is unreviewed)");
        }
        return LocalizedText(std::move(texts));
    }

    // "encryption": {"key_id": "...", "public_key": "<base64 of 32 bytes>"} (docs/survey_format.md, "Sealed answers").
    void parse_encryption(const json& root, const std::string& file, Survey& survey) {
        auto it = root.find("encryption");
        if (it == root.end()) return;
        const std::string how = "give {\"key_id\": \"...\", \"public_key\": \"...\"} as printed by `fieldkiosk-server keygen`";
        if (!it->is_object()) return report(file, "", "encryption", "must be an object: " + how);
        check_keys(*it, {"key_id", "public_key"}, file, "", "encryption.", "the encryption setting");
        Encryption e;
        const auto id = it->find("key_id");
        if (id == it->end() || !id->is_string()) return report(file, "", "encryption.key_id", "is missing: " + how);
        e.key_id = id->get<std::string>();
        const bool id_ok = !e.key_id.empty() && e.key_id.size() <= 64 && std::ranges::all_of(e.key_id, [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
        });
        if (!id_ok)
            return report(file, "", "encryption.key_id",
                          "'" + e.key_id + "' is not a valid key id: 1 to 64 letters, digits, '_', '-' or '.'");
        const auto key = it->find("public_key");
        if (key == it->end() || !key->is_string()) return report(file, "", "encryption.public_key", "is missing: " + how);
        e.public_key = key->get<std::string>();
        const auto bytes = base64_decode(e.public_key);
        if (!bytes || bytes->size() != 32)
            return report(file, "", "encryption.public_key",
                          "is not an X25519 public key (base64 of 32 bytes, 44 characters ending in '='): copy it again "
                          "from `fieldkiosk-server keygen`'s output");
        survey.encryption = std::move(e);
    }

    void parse_sources(const json& root, const std::string& file) {
        auto it = root.find("sources");
        if (it == root.end()) return;
        if (!it->is_array()) {
            report(file, "", "sources", "must be a list of {id, instrument, source, url, licence}");
            return;
        }
        for (std::size_t i = 0; i < it->size(); ++i) {
            const json& s = (*it)[i];
            const std::string field = "sources[" + std::to_string(i) + "]";
            if (!s.is_object()) {
                report(file, "", field, "must be an object with id, instrument, source, url and licence");
                continue;
            }
            check_keys(s, k_source_keys, file, "", field + ".", "a source");
            Source src;
            src.id = required_string(s, "id", file, "", field + ".id");
            src.instrument = required_string(s, "instrument", file, "", field + ".instrument");
            src.source = required_string(s, "source", file, "", field + ".source");
            src.licence = required_string(s, "licence", file, "", field + ".licence");
            if (auto u = s.find("url"); u != s.end()) {
                if (u->is_string())
                    src.url = u->get<std::string>();
                else
                    report(file, "", field + ".url", "must be text");
            }
            if (src.id.empty()) continue;
            auto existing = std::ranges::find(m_sources, src.id, &Source::id);
            if (existing != m_sources.end()) {
                if (existing->instrument != src.instrument || existing->source != src.source || existing->licence != src.licence)
                    report(file, "", field + ".id", "source '" + src.id + "' is defined twice with different details");
                continue;
            }
            m_sources.push_back(std::move(src));
        }
    }

    void parse_choice_lists(const json& root, const std::string& file) {
        auto it = root.find("choice_lists");
        if (it == root.end()) return;
        if (!it->is_object()) {
            report(file, "", "choice_lists", "must be an object from list name to a list of choices");
            return;
        }
        for (const auto& [name, list] : it->items()) {
            const std::string field = "choice_lists." + name;
            if (!matches_name(name)) {
                report(file, "", field, "'" + name + "' is not a valid list name: use lower-case letters, digits and '_'");
                continue;
            }
            auto choices = parse_choices(list, file, "", field, m_repeated_values[name]);
            if (auto existing = m_choice_lists.find(name); existing != m_choice_lists.end()) {
                if (existing->second.second != list)
                    report(file, "", field,
                           "a different list named '" + name + "' already exists (from " + existing->second.first +
                               "); rename one of them");
                continue;
            }
            m_choice_lists.emplace(name, std::make_pair(file, list));
            m_parsed_lists.emplace(name, std::move(choices));
        }
    }

    // A value used twice in one list, kept until the questions using the list are known: cascading selects
    // repeat a value across parents ('king' county in two states), which only a single-choice question with a
    // choice_filter can tell apart (parse_question_choices decides, at the choice's own place).
    struct RepeatedValue {
        std::string file, question, field, value;
    };

    std::vector<Choice> parse_choices(const json& list, const std::string& file, const std::string& question,
                                      const std::string& field, std::vector<RepeatedValue>& repeated) {
        std::vector<Choice> out;
        if (!list.is_array()) {
            report(file, question, field,
                   "must be a list of choices like [{\"value\": \"yes\", \"label\": {...}}], not " + type_name(list));
            return out;
        }
        if (list.empty()) {
            report(file, question, field, "is an empty list: a question needs at least one choice");
            return out;
        }
        for (std::size_t i = 0; i < list.size(); ++i) {
            const json& c = list[i];
            const std::string cf = field + "[" + std::to_string(i) + "]";
            if (!c.is_object()) {
                report(file, question, cf, "must be an object with a value and a label");
                continue;
            }
            check_keys(c, k_choice_keys, file, question, cf + ".", "a choice");
            Choice choice;
            auto v = c.find("value");
            if (v == c.end()) {
                report(file, question, cf + ".value", "is missing");
            } else if (!v->is_string() || !matches_choice_value(v->get<std::string>())) {
                report(file, question, cf + ".value",
                       (v->is_string() ? "'" + v->get<std::string>() + "'" : type_name(*v)) +
                           " is not a valid choice value: use letters, digits, '_' and '-' in quotes, like \"dont_know\"");
            } else {
                choice.value = v->get<std::string>();
            }
            choice.label = localized(c, "label", file, question, cf + ".label", true);
            choice.exclusive = flag(c, "exclusive", file, question, cf + ".exclusive");
            choice.other = flag(c, "other", file, question, cf + ".other");
            choice.properties = properties(c, file, question, cf + ".properties");
            if (choice.value.empty()) continue;
            if (std::ranges::find(out, choice.value, &Choice::value) != out.end())
                repeated.push_back({file, question, cf + ".value", choice.value});
            out.push_back(std::move(choice));
        }
        return out;
    }

    // A choice's "properties": {"county": "camden"}, the names a choice_filter reads.
    std::map<std::string, std::string, std::less<>> properties(const json& c, const std::string& file,
                                                              const std::string& question, const std::string& field) {
        std::map<std::string, std::string, std::less<>> out;
        auto it = c.find("properties");
        if (it == c.end()) return out;
        if (!it->is_object()) {
            report(file, question, field, "must be an object from property name to text, like {\"county\": \"camden\"}");
            return out;
        }
        for (const auto& [key, v] : it->items()) {
            if (!matches_name(key) || std::ranges::find(k_reserved_properties, key) != k_reserved_properties.end()) {
                report(file, question, field + "." + key,
                       "'" + key + "' is not a valid property name: use lower-case letters, digits and '_', and none of " +
                           join(k_reserved_properties) + " (a choice, or XLSForm's choices sheet, has those already)");
                continue;
            }
            if (!v.is_string()) {
                report(file, question, field + "." + key, "must be text in quotes, not " + type_name(v));
                continue;
            }
            out.emplace(key, v.get<std::string>());
        }
        return out;
    }

    bool flag(const json& obj, const char* key, const std::string& file, const std::string& question, const std::string& field) {
        auto it = obj.find(key);
        if (it == obj.end()) return false;
        if (!it->is_boolean()) {
            report(file, question, field, "must be true or false, not " + type_name(*it));
            return false;
        }
        return it->get<bool>();
    }

    std::optional<Expression> expression(const json& obj, const char* key, const std::string& file, const std::string& question,
                                         Expression::Syntax syntax = Expression::Syntax::Standard) {
        auto it = obj.find(key);
        if (it == obj.end()) return std::nullopt;
        if (!it->is_string()) {
            report(file, question, key, "must be an expression in quotes, like \"${age_band} = '16_17'\"");
            return std::nullopt;
        }
        const auto& text = it->get_ref<const std::string&>();
        if (text.empty()) {
            report(file, question, key, "is empty: remove the field, or write an expression");
            return std::nullopt;
        }
        auto parsed = Expression::parse(text, syntax);
        if (!parsed) {
            report(file, question, key,
                   "does not parse at column " + std::to_string(parsed.error().column) + ": " + parsed.error().message +
                       " (in \"" + text + "\")");
            return std::nullopt;
        }
        return std::move(*parsed);
    }

    void expand_questions(const json& root, const fs::path& path, const std::string& file) {
        auto it = root.find("questions");
        if (it == root.end() || !it->is_array()) {
            report(file, "", "questions", "must be a list of questions");
            return;
        }
        for (std::size_t i = 0; i < it->size(); ++i) {
            const json& entry = (*it)[i];
            const std::string where = "questions[" + std::to_string(i) + "]";
            if (entry.is_object() && entry.contains("include")) {
                include(entry, path, file, where);
                continue;
            }
            parse_question(entry, path, file, where);
        }
    }

    void include(const json& entry, const fs::path& path, const std::string& file, const std::string& where) {
        if (entry.size() != 1) report(file, where, "include", "an include entry has only the \"include\" field");
        const json& target = entry["include"];
        if (!target.is_string() || target.get_ref<const std::string&>().empty()) {
            report(file, where, "include", "must be the path of a block file, like \"blocks/about_you.json\"");
            return;
        }
        const fs::path block_path = path.parent_path() / target.get<std::string>();
        std::error_code ec;
        if (!fs::is_regular_file(block_path, ec)) {
            report(file, where, "include",
                   "cannot find '" + block_path.string() + "' (paths are relative to " +
                       (path.parent_path().empty() ? std::string("the current folder") : path.parent_path().string()) + ")");
            return;
        }
        const auto canonical = canonical_or_same(block_path);
        if (std::ranges::find(m_include_stack, canonical) != m_include_stack.end()) {
            std::vector<std::string> chain;
            for (const auto& p : m_include_stack) chain.push_back(p.filename().string());
            chain.push_back(canonical.filename().string());
            report(file, where, "include", "includes loop: " + join(chain, " -> "));
            return;
        }
        if (m_include_stack.size() >= k_max_include_depth) {
            report(file, where, "include", "blocks are nested more than " + std::to_string(k_max_include_depth) + " deep");
            return;
        }
        const std::string block_file = block_path.string();
        auto root = read_json(block_path);
        if (!root) return;
        if (!root->is_object() || !root->contains("block")) {
            report(block_file, "", "block", "is missing: an included file must be a block ({\"block\": \"name\", ...})");
            return;
        }
        check_keys(*root, k_block_keys, block_file, "", "", "a block file");
        std::vector<std::string> block_langs;
        if (auto langs = root->find("languages"); langs != root->end() && langs->is_array()) {
            for (const auto& l : *langs)
                if (l.is_string()) block_langs.push_back(l.get<std::string>());
            for (const auto& code : m_languages) {
                if (std::ranges::find(block_langs, code) == block_langs.end())
                    report(block_file, "", "languages", "does not cover '" + code + "', which " + file + " declares");
            }
        } else {
            report(block_file, "", "languages", "must list the language codes the block's texts cover, like [\"en\", \"es\"]");
        }
        parse_sources(*root, block_file);
        auto outer_langs = std::exchange(m_block_languages, std::move(block_langs));
        parse_choice_lists(*root, block_file);
        m_include_stack.push_back(canonical);
        expand_questions(*root, block_path, block_file);
        m_include_stack.pop_back();
        m_block_languages = std::move(outer_langs);
    }

    // The question object being read, and the names its messages use.
    struct QuestionKeys {
        const json& q;
        const std::string& file;
        const std::string& qname;
    };

    // One question object: its name and type first (so every later message can name it), then each group of
    // keys in its own step below. A question without a usable type is kept by name only.
    void parse_question(const json& q, const fs::path& path, const std::string& file, const std::string& where) {
        if (!q.is_object()) {
            report(file, where, "",
                   "must be a question object (with type, name, label) or {\"include\": \"...\"}, not " + type_name(q));
            return;
        }
        Question out;
        out.defined_in = path;
        const std::string qname = parse_question_name(q, file, where, out);
        check_keys(q, k_question_keys, file, qname, "", "a question");
        const auto type = parse_question_type(q, file, qname);
        if (!type) {
            if (!out.name.empty()) {  // keep the name so references to it are not reported as unknown
                m_untyped.insert(out.name);
                m_questions.push_back(std::move(out));
            }
            return;
        }
        out.type = *type;
        out.label = localized(q, "label", file, qname, "label", out.type != QuestionType::Calculate);
        out.hint = localized(q, "hint", file, qname, "hint", false);
        const QuestionKeys keys{q, file, qname};
        parse_question_rules(keys, out);
        parse_question_choices(keys, out);
        parse_question_appearance(keys, out);
        parse_question_text_and_scale(keys, out);
        parse_question_default_and_source(keys, out);
        m_questions.push_back(std::move(out));
    }

    // Reports `key` when present on a question whose type has no use for it.
    void not_for(const QuestionKeys& k, const Question& out, const char* key, std::string_view why) {
        if (k.q.contains(key))
            report(k.file, k.qname, key, "does not apply to " + a_type(out.type) + " question" + std::string(why));
    }

    // The question's name into out.name; returns the name messages use (`where` when it has none).
    std::string parse_question_name(const json& q, const std::string& file, const std::string& where, Question& out) {
        auto n = q.find("name");
        if (n == q.end()) {
            report(file, where, "name", "is missing: every question needs a unique name like \"age_band\"");
        } else if (!n->is_string() || !matches_name(n->get<std::string>())) {
            report(file, where, "name",
                   (n->is_string() ? "'" + n->get<std::string>() + "'" : type_name(*n)) +
                       " is not a valid name: use lower-case letters, digits and '_', starting with a letter (at most 64)");
        } else {
            out.name = n->get<std::string>();
            return out.name;
        }
        return where;
    }

    std::optional<QuestionType> parse_question_type(const json& q, const std::string& file, const std::string& qname) {
        auto t = q.find("type");
        std::optional<QuestionType> type;
        if (t == q.end()) {
            report(file, qname, "type", "is missing; valid types: " + join(type_names()));
        } else if (!t->is_string() || !(type = question_type_from_string(t->get<std::string>()))) {
            const std::string given = t->is_string() ? t->get<std::string>() : type_name(*t);
            report(file, qname, "type",
                   "'" + given + "' is not a question type" + suggestion(given, type_names()) +
                       "; valid types: " + join(type_names()));
        }
        return type;
    }

    // required (+ message), relevant, constraint (+ message), calculation.
    void parse_question_rules(const QuestionKeys& k, Question& out) {
        const json& q = k.q;
        const std::string& file = k.file;
        const std::string& qname = k.qname;
        if (out.takes_answer()) {
            out.required = flag(q, "required", file, qname, "required");
            out.required_message = localized(q, "required_message", file, qname, "required_message", false);
        } else {
            not_for(k, out, "required", ": it takes no answer");
            not_for(k, out, "required_message", ": it takes no answer");
        }
        if (!out.required && q.contains("required_message"))
            report(file, qname, "required_message", "is set but the question is not required");

        out.relevant = expression(q, "relevant", file, qname);
        if (out.takes_answer()) {
            out.constraint = expression(q, "constraint", file, qname);
            out.constraint_message = localized(q, "constraint_message", file, qname, "constraint_message", false);
            if (q.contains("constraint_message") && !q.contains("constraint"))
                report(file, qname, "constraint_message", "is set but there is no constraint");
        } else {
            not_for(k, out, "constraint", ": it takes no answer");
            not_for(k, out, "constraint_message", ": it takes no answer");
        }
        if (out.type == QuestionType::Calculate) {
            out.calculation = expression(q, "calculation", file, qname);
            if (!q.contains("calculation"))
                report(file, qname, "calculation", "is missing: a calculate question needs an expression");
        } else {
            not_for(k, out, "calculation", "; only calculate questions have one");
        }
    }

    // choices: inline, or the name of a choice list.
    void parse_question_choices(const QuestionKeys& k, Question& out) {
        const json& q = k.q;
        const std::string& file = k.file;
        const std::string& qname = k.qname;
        if (!out.is_select()) {
            not_for(k, out, "choices", "; only select_one, select_multiple and rank have choices");
            not_for(k, out, "choice_filter", "; only select_one, select_multiple and rank have choices");
            return;
        }
        out.choice_filter = expression(q, "choice_filter", file, qname, Expression::Syntax::ChoiceFilter);
        std::vector<RepeatedValue> inline_repeated;
        const std::vector<RepeatedValue>* repeated = &inline_repeated;
        auto c = q.find("choices");
        if (c == q.end()) {
            report(file, qname, "choices", "is missing: " + a_type(out.type) + " question needs a list of choices");
        } else if (c->is_string()) {
            const auto list_name = c->get<std::string>();
            auto found = m_parsed_lists.find(list_name);
            if (found == m_parsed_lists.end()) {
                std::vector<std::string> names;
                for (const auto& [list, _] : m_parsed_lists) names.push_back(list);
                report(file, qname, "choices",
                       "no choice list named '" + list_name + "'" + suggestion(list_name, names) +
                           (names.empty() ? std::string("; this file defines no choice_lists")
                                          : "; defined lists: " + join(names)));
            } else {
                out.choices = found->second;
                repeated = &m_repeated_values[list_name];
            }
        } else {
            out.choices = parse_choices(*c, file, qname, "choices", inline_repeated);
        }
        const bool may_repeat = out.type == QuestionType::SelectOne && out.choice_filter;
        for (const auto& r : may_repeat ? std::vector<RepeatedValue>{} : *repeated)
            report(r.file, r.question, r.field,
                   "'" + r.value + "' is used by two choices; values must be unique (a list may repeat a value only for "
                   "single-choice questions with a choice_filter, as in cascading selects)");
        if (out.type == QuestionType::SelectOne) {
            for (std::size_t i = 0; i < out.choices.size(); ++i)
                if (out.choices[i].exclusive)
                    report(file, qname, "choices[" + std::to_string(i) + "].exclusive",
                           "only applies to select_multiple (a select_one answer is always a single choice)");
        }
        if (out.type == QuestionType::Rank) {  // every choice takes a place in the order: none stands alone or asks for text
            for (std::size_t i = 0; i < out.choices.size(); ++i) {
                if (out.choices[i].exclusive)
                    report(file, qname, "choices[" + std::to_string(i) + "].exclusive", "does not apply to a rank question");
                if (out.choices[i].other)
                    report(file, qname, "choices[" + std::to_string(i) + "].other",
                           "does not apply to a rank question (no write-in)");
            }
        }
    }

    void parse_question_appearance(const QuestionKeys& k, Question& out) {
        const std::string& file = k.file;
        const std::string& qname = k.qname;
        if (auto a = k.q.find("appearance"); a != k.q.end()) {
            const auto allowed = appearances_for(out.type);
            std::vector<std::string> names;
            for (auto ap : allowed) names.emplace_back(to_string(ap));
            std::optional<Appearance> ap;
            if (a->is_string()) ap = appearance_from_string(a->get<std::string>());
            if (!ap || (*ap != Appearance::None && std::ranges::find(allowed, *ap) == allowed.end())) {
                const std::string given = a->is_string() ? a->get<std::string>() : type_name(*a);
                report(file, qname, "appearance",
                       "'" + given + "' is not an appearance for " + std::string(to_string(out.type)) + suggestion(given, names) +
                           (names.empty() ? std::string("; this type has none") : "; valid: " + join(names)));
            } else {
                out.appearance = *ap;
            }
        }
    }

    // max_length of a text question; min, max and their labels of a scale.
    void parse_question_text_and_scale(const QuestionKeys& k, Question& out) {
        const json& q = k.q;
        const std::string& file = k.file;
        const std::string& qname = k.qname;
        if (out.type == QuestionType::Text) {
            if (auto m = q.find("max_length"); m != q.end()) {
                if (!m->is_number_integer() || m->get<std::int64_t>() < 1 || m->get<std::int64_t>() > 2000)
                    report(file, qname, "max_length", "must be a whole number from 1 to 2000");
                else
                    out.max_length = static_cast<int>(m->get<std::int64_t>());
            }
        } else {
            not_for(k, out, "max_length", "; only text questions have one");
        }

        if (out.type == QuestionType::Scale) {
            auto bound = [&](const char* key, int& target) {
                auto b = q.find(key);
                if (b == q.end()) {
                    report(file, qname, key, "is missing: a scale needs min and max, like 0 and 10");
                    return false;
                }
                if (!b->is_number_integer() || b->get<std::int64_t>() < -100 || b->get<std::int64_t>() > 100) {
                    report(file, qname, key, "must be a whole number from -100 to 100");
                    return false;
                }
                target = static_cast<int>(b->get<std::int64_t>());
                return true;
            };
            const bool have_min = bound("min", out.scale_min);
            const bool have_max = bound("max", out.scale_max);
            if (have_min && have_max) {
                if (out.scale_min >= out.scale_max)
                    report(file, qname, "max",
                           "is " + std::to_string(out.scale_max) + ", not above min " + std::to_string(out.scale_min) +
                               ": the bounds are inverted or equal (did you mean min " + std::to_string(out.scale_max) +
                               ", max " + std::to_string(out.scale_min) + "?)");
                else if (out.scale_max - out.scale_min > 10)
                    report(file, qname, "max",
                           "a scale has at most 11 points (max - min <= 10) so each stays a large tap target");
            }
            out.min_label = localized(q, "min_label", file, qname, "min_label", true);
            out.max_label = localized(q, "max_label", file, qname, "max_label", true);
        } else {
            for (const char* key : {"min", "max", "min_label", "max_label"}) not_for(k, out, key, "; only scale questions have one");
        }
    }

    void parse_question_default_and_source(const QuestionKeys& k, Question& out) {
        const json& q = k.q;
        const std::string& file = k.file;
        const std::string& qname = k.qname;
        if (auto d = q.find("default"); d != q.end()) {
            if (!out.takes_answer()) {
                not_for(k, out, "default", ": it takes no answer");
            } else if (d->is_string()) {
                out.default_value = d->get<std::string>();
            } else if (d->is_number()) {
                out.default_value =
                    d->is_number_integer() ? std::to_string(d->get<std::int64_t>()) : format_xpath_number(d->get<double>());
            } else {
                report(file, qname, "default", "must be a choice value, a number or text, not " + type_name(*d));
            }
        }

        if (auto s = q.find("source"); s != q.end()) {
            if (!s->is_string())
                report(file, qname, "source", "must be the id of an entry in sources");
            else
                out.source = s->get<std::string>();
        }
    }

    // Cross-question checks, once every include is expanded: names, sources, defaults, expressions.
    void finish(Survey& survey) {
        auto& qs = survey.questions;
        // Unique names; remember the first position of each.
        std::map<std::string, std::size_t, std::less<>> first;
        std::vector<std::string> all_names;
        for (std::size_t i = 0; i < qs.size(); ++i) {
            const auto& q = qs[i];
            if (q.name.empty()) continue;
            all_names.push_back(q.name);
            auto [it, inserted] = first.emplace(q.name, i);
            if (!inserted) {
                const auto& other = qs[it->second];
                report(q.defined_in.string(), q.name, "name",
                       "is used twice (also question " + std::to_string(it->second + 1) + " in " + other.defined_in.string() +
                           "); names must be unique in a survey, including its blocks");
            }
        }
        std::vector<std::string> source_ids;
        for (const auto& s : m_sources) source_ids.push_back(s.id);
        bool any_shown = false;
        for (std::size_t i = 0; i < qs.size(); ++i) {
            auto& q = qs[i];
            if (q.name.empty()) continue;  // already reported; its diagnostics would have no question to name
            const std::string file = q.defined_in.string();
            any_shown = any_shown || (q.is_shown() && !q.name.empty());
            if (!q.source.empty() && std::ranges::find(source_ids, q.source) == source_ids.end())
                report(file, q.name, "source",
                       "'" + q.source + "' is not the id of an entry in sources" + suggestion(q.source, source_ids) +
                           (source_ids.empty() ? std::string("; add it to sources") : "; known: " + join(source_ids)));
            check_default(q, file);
            check_expression(survey, q.relevant, i, "relevant", all_names);
            check_expression(survey, q.calculation, i, "calculation", all_names);
            check_expression(survey, q.constraint, i, "constraint", all_names);
            check_expression(survey, q.choice_filter, i, "choice_filter", all_names);
            check_filter_properties(q, file);
        }
        if (!any_shown && m_diags.empty())
            report(survey.file.string(), "", "questions", "has no question to show: add at least one");
    }

    // A default must be an answer the resident could give: read it as typed text, then run the same
    // checks as Session::set_answer().
    void check_default(const Question& q, const std::string& file) {
        if (!q.default_value) return;
        const std::string& d = *q.default_value;
        auto a =
            q.type == QuestionType::SelectOne ? std::expected<Answer, std::string>(Answer::choice(d)) : answer_from_text(q, d);
        if (!a) {
            report(file, q.name, "default", a.error());
            return;
        }
        auto checked = check_answer(q, *a);
        if (!checked) {
            const char* why = "is not a valid answer for this question";
            switch (checked.error()) {
                case ValidationError::Kind::NotAChoice:
                    why = "is not one of this question's choice values";
                    break;
                case ValidationError::Kind::Exclusive:
                    why = "combines an exclusive choice with others";
                    break;
                case ValidationError::Kind::TooLong:
                    why = "is longer than max_length";
                    break;
                case ValidationError::Kind::OutOfRange:
                    why = "is outside the scale's min..max";
                    break;
                default:
                    break;
            }
            report(file, q.name, "default", "'" + d + "' " + why);
        } else if (*checked == AnswerCheck::Empty) {
            report(file, q.name, "default", "is empty: remove it, or give an answer");
        }
    }

    void check_expression(const Survey& survey, std::optional<Expression>& expr, std::size_t index, const char* field,
                          const std::vector<std::string>& all_names) {
        if (!expr) return;
        auto& q = survey.questions[index];
        const std::string file = q.defined_in.string();
        const bool is_constraint = std::string_view(field) == "constraint";
        if (expr->uses_self() && !is_constraint)
            report(file, q.name, field,
                   "uses '.', which means \"this answer\" and only makes sense in a constraint; refer to other questions as "
                   "${name}");
        bool ok = true;
        for (const auto& ref : expr->references()) {
            auto j = survey.index_of(ref);
            if (!j) {
                report(file, q.name, field,
                       "refers to ${" + ref + "}, but there is no question named '" + ref + "'" + suggestion(ref, all_names));
                ok = false;
                continue;
            }
            const auto& target = survey.questions[*j];
            if (*j == index) {
                report(file, q.name, field,
                       is_constraint ? std::string("refers to its own question as ${" + ref + "}; write '.' for this answer")
                                     : std::string("refers to its own question; it can depend only on earlier answers"));
                ok = false;
            } else if (*j > index) {
                report(file, q.name, field,
                       "refers to ${" + ref + "}, which comes later (question " + std::to_string(*j + 1) + " of " +
                           std::to_string(survey.questions.size()) + "); it can depend only on questions asked before it");
                ok = false;
            } else if (target.type == QuestionType::Note && !m_untyped.contains(ref)) {
                report(file, q.name, field, "refers to ${" + ref + "}, a note, which has no answer");
                ok = false;
            } else if (q.defined_in != survey.file && target.defined_in != q.defined_in) {
                report(file, q.name, field,
                       "refers to ${" + ref + "} in " + target.defined_in.filename().string() +
                           "; a block may refer only to its own questions, so that it works in every survey");
                ok = false;
            }
        }
        if (!ok) return;
        expr->bind([&](std::string_view name) -> std::optional<std::uint32_t> {
            if (auto j = survey.index_of(name)) return static_cast<std::uint32_t>(*j);
            return std::nullopt;
        });
        check_literals(survey, *expr, q, field);
    }

    // A choice filter's bare names must be `name` (the choice's value) or a property some choice of the question has.
    void check_filter_properties(const Question& q, const std::string& file) {
        if (!q.choice_filter) return;
        std::vector<std::string> known{"name"};
        for (const auto& c : q.choices)
            for (const auto& [key, _] : c.properties)
                if (std::ranges::find(known, key) == known.end()) known.push_back(key);
        for (const auto& p : q.choice_filter->properties()) {
            if (std::ranges::find(known, p) != known.end()) continue;
            report(file, q.name, "choice_filter",
                   "refers to '" + p + "', which is not a property of any of this question's choices" +
                       suggestion(p, known) + "; known: " + join(known) + " (for text write '" + p + "' in quotes, for an answer ${" +
                       p + "})");
        }
    }

    // The commonest routing mistakes parse and bind fine but can never be true: comparing a choice
    // question with text that is not one of its values ('16-17' for 16_17), or comparing a
    // select_multiple with '=' (true only when that one value is all that was chosen).
    void check_literals(const Survey& survey, const Expression& expr, const Question& q, const char* field) {
        const auto& nodes = expr.nodes();
        const std::string file = q.defined_in.string();
        auto question_of = [&](const Expression::Node& n) -> const Question* {
            return n.op == Expression::Op::Ref ? survey.find(n.text) : nullptr;
        };
        auto check_value = [&](const Question& target, const std::string& literal) {
            if (literal.empty() || target.find_choice(literal)) return;
            std::vector<std::string> values;
            for (const auto& c : target.choices) values.push_back(c.value);
            report(file, q.name, field,
                   "compares ${" + target.name + "} with '" + literal + "', which is not one of its choice values" +
                       suggestion(literal, values) + ", so it can never match");
        };
        for (const auto& n : nodes) {
            using Op = Expression::Op;
            if (n.op == Op::Eq || n.op == Op::Ne) {
                for (auto [ref, lit] : {std::pair{n.a, n.b}, std::pair{n.b, n.a}}) {
                    const Question* target = question_of(nodes[ref]);
                    if (!target || !target->is_select() || nodes[lit].op != Op::String) continue;
                    if (target->type == QuestionType::SelectMultiple && !nodes[lit].text.empty())
                        report(file, q.name, field,
                               "compares ${" + target->name + "}, a select_multiple, with '" + nodes[lit].text + "' using " +
                                   (n.op == Op::Eq ? "'='" : "'!='") + ": write selected(${" + target->name + "}, '" +
                                   nodes[lit].text + "')");
                    else
                        check_value(*target, nodes[lit].text);
                }
            } else if (n.op == Op::Selected) {
                const Question* target = question_of(nodes[n.a]);
                if (target && target->is_select() && nodes[n.b].op == Op::String) check_value(*target, nodes[n.b].text);
            }
        }
    }

    std::vector<Diagnostic> m_diags;
    std::vector<std::string> m_languages;        // declared language codes in force
    std::vector<std::string> m_block_languages;  // while inside an included block: the languages it covers
    std::vector<Source> m_sources;
    std::map<std::string, std::pair<std::string, json>, std::less<>> m_choice_lists;  // name -> (file, raw)
    std::map<std::string, std::vector<Choice>, std::less<>> m_parsed_lists;
    std::map<std::string, std::vector<RepeatedValue>, std::less<>> m_repeated_values;  // by list name
    std::vector<Question> m_questions;
    std::vector<fs::path> m_include_stack;
    std::set<std::string, std::less<>> m_untyped;  // questions whose type was missing or unknown (already reported)
};

LoadResult load_root(Loader& loader, const std::optional<json>& root, const fs::path& path) {
    LoadResult out;
    if (root) {
        auto survey = loader.load_survey(*root, path);
        out.diagnostics = loader.take_diagnostics();
        if (out.diagnostics.empty()) out.survey = std::move(survey);
    } else {
        out.diagnostics = loader.take_diagnostics();
    }
    return out;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// public functions
// ---------------------------------------------------------------------------------------------
LoadResult load_survey_file(const fs::path& file) {
    Loader loader;
    auto root = loader.read_json(file);
    return load_root(loader, root, file);
}

LoadResult load_survey_text(std::string_view json_text, const fs::path& name) {
    Loader loader;
    auto root = loader.read_json(name, std::string(json_text));
    return load_root(loader, root, name);
}

std::vector<Diagnostic> validate_block_file(const fs::path& file) {
    Loader loader;
    if (auto root = loader.read_json(file)) loader.check_block(*root, file);
    return loader.take_diagnostics();
}

namespace {

const char* const k_localized_question_keys[] = {"label",     "hint",     "required_message", "constraint_message",
                                                 "min_label", "max_label"};

// Drops the texts of languages outside `keep` from one localized object.
void keep_languages(json& text, const std::vector<std::string>& keep) {
    if (!text.is_object()) return;
    for (auto it = text.begin(); it != text.end();) {
        if (std::ranges::find(keep, it.key()) == keep.end())
            it = text.erase(it);
        else
            ++it;
    }
}

void keep_languages_in_choices(json& choices, const std::vector<std::string>& keep) {
    if (!choices.is_array()) return;  // a choice list's name: the list itself is trimmed where it is merged
    for (auto& c : choices)
        if (c.is_object() && c.contains("label")) keep_languages(c["label"], keep);
}

// What expand_survey_file() gathers while it walks the includes.
struct Expansion {
    std::vector<std::string> languages;  // the survey's declared codes
    json sources = json::array();
    json choice_lists = json::object();
    json questions = json::array();
    std::vector<Diagnostic> problems;
};

void inline_questions(Loader& reader, const json& root, const fs::path& path, bool in_block, Expansion& x, std::size_t depth) {
    if (auto it = root.find("sources"); in_block && it != root.end() && it->is_array()) {
        for (const auto& src : *it) {
            const auto id = src.value("id", std::string());
            const bool known = std::ranges::any_of(x.sources, [&](const json& s) { return s.value("id", std::string()) == id; });
            if (!known) x.sources.push_back(src);
        }
    }
    if (auto it = root.find("choice_lists"); in_block && it != root.end() && it->is_object()) {
        for (const auto& [name, list] : it->items()) {
            if (x.choice_lists.contains(name)) continue;  // the loader allows a second list of one name only if identical
            json trimmed = list;
            keep_languages_in_choices(trimmed, x.languages);
            x.choice_lists[name] = std::move(trimmed);
        }
    }
    const auto qs = root.find("questions");
    if (qs == root.end() || !qs->is_array()) return;
    for (const auto& entry : *qs) {
        if (entry.is_object() && entry.contains("include") && entry["include"].is_string()) {
            const fs::path block_path = path.parent_path() / entry["include"].get<std::string>();
            auto block = depth < k_max_include_depth ? reader.read_json(block_path) : std::nullopt;
            if (!block || !block->is_object()) {
                x.problems.push_back({path.string(), "", "include", "'" + block_path.string() + "' could not be inlined"});
                continue;
            }
            inline_questions(reader, *block, block_path, true, x, depth + 1);
            continue;
        }
        json q = entry;
        if (in_block && q.is_object()) {
            for (const char* key : k_localized_question_keys)
                if (q.contains(key)) keep_languages(q[key], x.languages);
            if (q.contains("choices")) keep_languages_in_choices(q["choices"], x.languages);
        }
        x.questions.push_back(std::move(q));
    }
}

}  // namespace

std::expected<std::string, std::vector<Diagnostic>> expand_survey_file(const fs::path& file) {
    auto loaded = load_survey_file(file);
    if (!loaded.ok()) return std::unexpected(std::move(loaded.diagnostics));
    Loader reader;
    auto root = reader.read_json(file);
    if (!root) return std::unexpected(reader.take_diagnostics());  // changed on disk since it was loaded
    Expansion x;
    for (const auto& l : loaded.survey->languages) x.languages.push_back(l.code);
    if (auto it = root->find("sources"); it != root->end()) x.sources = *it;
    if (auto it = root->find("choice_lists"); it != root->end()) x.choice_lists = *it;
    inline_questions(reader, *root, file, false, x, 0);
    if (!x.problems.empty()) return std::unexpected(std::move(x.problems));
    json out = *root;
    out.erase("$schema");  // a path relative to the author's folder: meaningless once downloaded
    out["questions"] = std::move(x.questions);
    if (!x.sources.empty()) out["sources"] = std::move(x.sources);
    if (!x.choice_lists.empty()) out["choice_lists"] = std::move(x.choice_lists);
    std::string text;
    try {
        text = out.dump(2) + "\n";
    } catch (const json::exception& e) {
        return std::unexpected(
            std::vector<Diagnostic>{{file.string(), "", "", std::string("cannot be written as JSON: ") + e.what()}});
    }
    // The promise: the expanded text loads on its own, to a survey with the same questions.
    auto again = load_survey_text(text, file);
    if (!again.ok()) {
        std::vector<Diagnostic> d{
            {file.string(), "", "",
             "its expanded (self-contained) form does not load; this is a bug in the expansion. First "
             "problem: " +
                 (again.diagnostics.empty() ? std::string("none reported") : again.diagnostics.front().to_string())}};
        return std::unexpected(std::move(d));
    }
    const auto& a = *loaded.survey;
    const auto& b = *again.survey;
    bool same = a.id == b.id && a.version == b.version && a.questions.size() == b.questions.size();
    for (std::size_t i = 0; same && i < a.questions.size(); ++i)
        same = a.questions[i].name == b.questions[i].name && a.questions[i].type == b.questions[i].type &&
               a.questions[i].choices.size() == b.questions[i].choices.size();
    if (!same)
        return std::unexpected(std::vector<Diagnostic>{
            {file.string(), "", "",
             "its expanded (self-contained) form loads to a different survey; this is a bug in the expansion"}});
    return text;
}

SurveyPtr Catalog::find(std::string_view id) const {
    SurveyPtr newest;
    for (const auto& s : surveys)
        if (s->id == id && (!newest || compare_versions(s->version, newest->version) > 0)) newest = s;
    return newest;
}

SurveyPtr Catalog::find(std::string_view id, std::string_view version) const {
    for (const auto& s : surveys)
        if (s->id == id && s->version == version) return s;
    return nullptr;
}

std::vector<SurveyPtr> Catalog::current() const {
    std::map<std::string, SurveyPtr, std::less<>> newest;  // by id, so the result is sorted by id
    for (const auto& s : surveys) {
        auto& slot = newest[s->id];
        if (!slot || compare_versions(s->version, slot->version) > 0) slot = s;
    }
    std::vector<SurveyPtr> out;
    for (auto& [id, s] : newest) out.push_back(std::move(s));
    return out;
}

namespace {

// The .json files of a folder and its subfolders, sorted; schema/ (JSON Schema for editors) and indicators/
// (the results' indicator files, results/indicator.hpp) are not surveys and are skipped.
void find_json_files(const fs::path& dir, std::vector<fs::path>& files, std::vector<Diagnostic>& diags) {
    std::error_code ec;
    std::vector<fs::path> found;
    fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
    if (ec) {
        diags.push_back({dir.string(), "", "", "cannot be read: " + ec.message()});
        return;
    }
    for (; it != end; it.increment(ec)) {
        if (ec) {
            diags.push_back({dir.string(), "", "", "could not be searched completely: " + ec.message()});
            break;
        }
        std::error_code sec;
        if (it->is_directory(sec) && (it->path().filename() == "schema" || it->path().filename() == "indicators")) {
            it.disable_recursion_pending();
            continue;
        }
        if (it->path().extension() != ".json") continue;
        if (it->is_regular_file(sec))
            found.push_back(it->path());
        else if (sec)
            diags.push_back({it->path().string(), "", "", "cannot be read: " + sec.message()});
    }
    std::ranges::sort(found);
    files.insert(files.end(), found.begin(), found.end());
}

}  // namespace

Catalog load_paths(std::span<const fs::path> paths, LoadOptions options) {
    Catalog out;
    std::vector<fs::path> files;
    for (const auto& p : paths) {
        std::error_code ec;
        if (fs::is_directory(p, ec))
            find_json_files(p, files, out.diagnostics);
        else if (fs::exists(p, ec))
            files.push_back(p);
        else
            out.diagnostics.push_back({p.string(), "", "", "does not exist"});
    }
    std::map<std::string, std::string> ids;  // survey id (with all_versions: id + '\n' + version) -> file
    for (const auto& f : files) {
        ++out.files_checked;
        Loader peek;
        auto root = peek.read_json(f);
        if (!root) {
            auto d = peek.take_diagnostics();
            out.diagnostics.insert(out.diagnostics.end(), d.begin(), d.end());
            continue;
        }
        if (root->is_object() && root->contains("block") && !root->contains("survey")) {
            Loader block;
            block.check_block(*root, f);
            auto d = block.take_diagnostics();
            out.diagnostics.insert(out.diagnostics.end(), d.begin(), d.end());
            continue;
        }
        Loader loader;
        auto result = load_root(loader, root, f);
        out.diagnostics.insert(out.diagnostics.end(), result.diagnostics.begin(), result.diagnostics.end());
        if (!result.survey) continue;
        const auto& sv = *result.survey;
        if (!options.all_versions) {
            if (auto [it, inserted] = ids.emplace(sv.id, f.string()); !inserted) {
                out.diagnostics.push_back({f.string(), "", "survey", "id '" + sv.id + "' is also used by " + it->second});
                continue;
            }
        } else if (auto [it, inserted] = ids.emplace(sv.id + '\n' + sv.version, f.string()); !inserted) {
            out.diagnostics.push_back({f.string(), "", "version",
                                       "survey '" + sv.id + "' version '" + sv.version + "' is also defined by " + it->second +
                                           "; give the newer file a higher version, or remove one of them"});
            continue;
        }
        out.surveys.push_back(std::move(result.survey));
    }
    std::ranges::sort(out.surveys, [](const SurveyPtr& a, const SurveyPtr& b) {
        if (a->id != b->id) return a->id < b->id;
        return compare_versions(a->version, b->version) < 0;
    });
    // A block's problems are found when it is checked alone and again in each survey that includes
    // it: report each once.
    std::vector<Diagnostic> unique;
    std::set<std::string> seen;
    for (auto& d : out.diagnostics)
        if (seen.insert(d.to_string()).second) unique.push_back(std::move(d));
    out.diagnostics = std::move(unique);
    return out;
}

}  // namespace fieldkiosk::core
