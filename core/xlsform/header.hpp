// Internal to the XLSForm importer and exporter: column headers, languages and what the kiosk refuses
// (docs/xlsform.md).
#pragma once

#include "core/xlsform/workbook.hpp"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace fieldkiosk::xlsform::detail {

struct Column {
    std::size_t index = 0;  // 0-based column
    std::string raw;        // the header as written
    std::string field;      // normalised: lower case, aliases resolved ("jr:constraintMsg" -> "constraint_message")
    std::string language;   // as written after "::" (or the legacy ":"), "" when none
};

// The columns of a sheet's header row (row 1), in order; empty headers are skipped.
[[nodiscard]] std::vector<Column> read_header(const Sheet& sheet);
[[nodiscard]] std::string lower(std::string_view s);
[[nodiscard]] std::string trim(std::string_view s);

struct LanguageName {
    std::string code;  // "en", "pt-BR"
    std::string name;  // "English"
};
// "English (en)" -> {en, English}; "English" (legacy) -> {en, English} for the common languages; "en" ->
// {en, English}. nullopt when no code can be found.
[[nodiscard]] std::optional<LanguageName> parse_language(std::string_view text);
// The header suffix for a language, as pyxform writes it: "English (en)".
[[nodiscard]] std::string language_header(std::string_view name, std::string_view code);

// What the kiosk cannot do, with the plain reason given to the author (docs/xlsform.md, "Refused"):
// question types; metadata types the kiosk records itself (dropped with a warning); survey columns.
[[nodiscard]] const std::map<std::string, std::string, std::less<>>& refused_types();
[[nodiscard]] const std::set<std::string, std::less<>>& metadata_types();
[[nodiscard]] const std::map<std::string, std::string, std::less<>>& refused_columns();

// yes/true/TRUE/1 -> true, no/false/FALSE/0/"" -> false, else nullopt.
[[nodiscard]] std::optional<bool> parse_yes_no(std::string_view text);

}  // namespace fieldkiosk::xlsform::detail
