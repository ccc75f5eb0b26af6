#include "core/xlsform/header.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <utility>

namespace fieldkiosk::xlsform::detail {

namespace {

// Fields that take a language suffix, and pyxform's aliases for headers.
constexpr std::array k_translatable = {"label", "hint", "constraint_message", "required_message", "image", "audio",
                                       "video", "media::image", "media::audio", "media::video", "form_title",
                                       "description", "min_label", "max_label", "guidance_hint"};
constexpr std::array<std::pair<std::string_view, std::string_view>, 12> k_aliases = {{
    {"jr:constraintmsg", "constraint_message"},
    {"constraint message", "constraint_message"},
    {"jr:requiredmsg", "required_message"},
    {"required message", "required_message"},
    {"list name", "list_name"},
    {"value", "name"},
    {"calculate", "calculation"},
    {"choice filter", "choice_filter"},
    {"repeat count", "repeat_count"},
    {"jr:count", "repeat_count"},
    {"read only", "read_only"},
    {"media::guidance_hint", "guidance_hint"},
}};

// Legacy headers name the language only ("label:English"); these are the common ones.
constexpr std::array<std::pair<std::string_view, std::string_view>, 26> k_known = {{
    {"english", "en"},    {"french", "fr"},   {"français", "fr"},   {"francais", "fr"},  {"spanish", "es"},
    {"español", "es"},    {"espanol", "es"},  {"portuguese", "pt"}, {"português", "pt"}, {"somali", "so"},
    {"soomaali", "so"},   {"arabic", "ar"},   {"swahili", "sw"},    {"kiswahili", "sw"}, {"bengali", "bn"},
    {"german", "de"},     {"deutsch", "de"},  {"italian", "it"},    {"hindi", "hi"},     {"urdu", "ur"},
    {"chinese", "zh"},    {"polish", "pl"},   {"turkish", "tr"},    {"russian", "ru"},   {"nepali", "ne"},
    {"amharic", "am"},
}};

bool is_code(std::string_view s) {
    // two or three letters, then optional -Region parts: en, pt-BR, zh-Hans
    std::size_t i = 0;
    while (i < s.size() && std::isalpha(static_cast<unsigned char>(s[i]))) ++i;
    if (i < 2 || i > 3) return false;
    while (i < s.size()) {
        if (s[i] != '-') return false;
        std::size_t j = ++i;
        while (j < s.size() && std::isalnum(static_cast<unsigned char>(s[j]))) ++j;
        if (j == i) return false;
        i = j;
    }
    return true;
}

}  // namespace

// Types the kiosk cannot ask, with the plain reason given to the author.
const std::map<std::string, std::string, std::less<>>& refused_types() {
    static const std::map<std::string, std::string, std::less<>> k_types = {
    {"time", "the kiosk has no time question"},
    {"datetime", "the kiosk has no date-and-time question"},
    {"geopoint", "the kiosk has no location sensor"},
    {"geotrace", "the kiosk has no location sensor"},
    {"geoshape", "the kiosk has no location sensor"},
    {"start-geopoint", "the kiosk has no location sensor"},
    {"image", "the kiosk takes no photos or files"},
    {"audio", "the kiosk records no sound"},
    {"background-audio", "the kiosk records no sound"},
    {"video", "the kiosk records no video"},
    {"file", "the kiosk takes no files"},
    {"barcode", "the kiosk has no barcode scanner"},
    {"trigger", "the kiosk has no trigger question (use a note)"},
    {"hidden", "the kiosk has no hidden question (use calculate)"},
    {"xml-external", "the kiosk reads no external files"},
    {"csv-external", "the kiosk reads no external files"},
    {"begin repeat", "the kiosk does not repeat questions"},
    {"end repeat", "the kiosk does not repeat questions"},
    {"begin_repeat", "the kiosk does not repeat questions"},
    {"end_repeat", "the kiosk does not repeat questions"},
    {"include", "'include' is not an XLSForm type any more"},
    };
    return k_types;
}
// Metadata the kiosk records itself (every response has its times and kiosk id): dropped with a warning.
const std::set<std::string, std::less<>>& metadata_types() {
    static const std::set<std::string, std::less<>> k_metadata = {"start", "end", "today", "deviceid", "username", "simserial",
                                                       "subscriberid", "phonenumber", "email", "audit"};
    return k_metadata;
}
// Survey columns whose content the kiosk cannot honour.
const std::map<std::string, std::string, std::less<>>& refused_columns() {
    static const std::map<std::string, std::string, std::less<>> k_columns = {
    {"repeat_count", "the kiosk does not repeat questions"},
    {"image", "the kiosk shows no media"},
    {"audio", "the kiosk shows no media"},
    {"video", "the kiosk shows no media"},
    {"media::image", "the kiosk shows no media"},
    {"media::audio", "the kiosk shows no media"},
    {"media::video", "the kiosk shows no media"},
    {"trigger", "the kiosk has no triggers"},
    };
    return k_columns;
}

std::string lower(std::string_view s) {
    std::string out(s);
    std::ranges::transform(out, out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string trim(std::string_view s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string_view::npos) return {};
    const auto e = s.find_last_not_of(" \t\r\n");
    return std::string(s.substr(b, e - b + 1));
}

std::vector<Column> read_header(const Sheet& sheet) {
    std::vector<Column> out;
    if (sheet.rows.empty()) return out;
    const auto& cells = sheet.rows.front();
    for (std::size_t i = 0; i < cells.size(); ++i) {
        const auto raw = trim(cells[i]);
        if (raw.empty()) continue;
        Column c{.index = i, .raw = raw, .field = lower(raw), .language = {}};
        for (const auto& [alias, field] : k_aliases)  // "jr:constraintMsg:English" -> "constraint_message:English"
            if (c.field.starts_with(alias) && (c.field.size() == alias.size() || c.field[alias.size()] == ':'))
                c.field = std::string(field) + c.field.substr(alias.size());
        // "label::English (en)"; "media::image::English (en)"; legacy "label:English".
        for (const auto* f : k_translatable) {
            const std::string_view fs = f;
            if (c.field.starts_with(fs) && c.field.size() > fs.size()) {
                const auto rest = std::string_view(c.field).substr(fs.size());
                const std::size_t skip = rest.starts_with("::") ? 2 : rest.starts_with(':') ? 1 : 0;
                if (skip == 0) continue;
                // the language as written (its case kept): the tail of the raw header (an alias may differ in length)
                const std::size_t length = c.field.size() - fs.size() - skip;
                c.language = trim(std::string_view(raw).substr(raw.size() - length));
                c.field = std::string(fs);
                break;
            }
        }
        out.push_back(std::move(c));
    }
    return out;
}

std::optional<LanguageName> parse_language(std::string_view text) {
    const auto t = trim(text);
    if (t.empty()) return std::nullopt;
    if (t.back() == ')') {
        const auto open = t.rfind('(');
        if (open != std::string::npos) {
            const auto code = trim(std::string_view(t).substr(open + 1, t.size() - open - 2));
            auto name = trim(std::string_view(t).substr(0, open));
            if (is_code(code)) return LanguageName{.code = code, .name = name.empty() ? code : name};
        }
        return std::nullopt;
    }
    const auto l = lower(t);
    for (const auto& [name, code] : k_known)
        if (l == name) return LanguageName{.code = std::string(code), .name = t};
    if (is_code(t)) {
        for (const auto& [name, code] : k_known)
            if (l == code) {
                std::string n(name);
                n[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(n[0])));
                return LanguageName{.code = t, .name = n};
            }
        return LanguageName{.code = t, .name = t};
    }
    return std::nullopt;
}

std::string language_header(std::string_view name, std::string_view code) {
    return std::string(name) + " (" + std::string(code) + ")";
}

std::optional<bool> parse_yes_no(std::string_view text) {
    const auto l = lower(trim(text));
    if (l == "yes" || l == "true" || l == "1" || l == "true()") return true;
    if (l.empty() || l == "no" || l == "false" || l == "0" || l == "false()") return false;
    return std::nullopt;
}

}  // namespace fieldkiosk::xlsform::detail
