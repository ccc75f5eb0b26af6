// fieldkiosk::exports wide table — one row per response, one column per question (docs/exports.md).
//
// Index:
//   WideOptions    codes (default) or the choice labels of one language
//   ResponseRecord one stored response as a wide row needs it: metadata the store knows, and the payload text
//   ColumnKind     what a column holds (metadata, sealed flag, quality flags, answer, option indicator, write-in,
//                  calculation)
//   Column         one column: its name, kind and the question / choice it comes from
//   WideTable      the columns of a survey version, and row() for each response (streaming: no state per row)
//   csv_line       cells as one RFC 4180 line (core::csv_field: quoted, formula-guarded), ending "\r\n"
//
// Columns, in order: id, site, kiosk, mode, language, survey_version, started_at, completed_at, received_at,
// sealed, quality_flags, quality_reasons (the receiver's quality flags, docs/quality_flags.md; empty in a kiosk's
// own export); then each question of the survey in its order (blocks expanded; notes have none): a question its
// value; a select_multiple first its original space-separated value, then one NAME/OPTION column per option
// (1 chosen, 0 answered without it, empty when not answered); a question with an "other" choice then a
// NAME_other write-in column; a calculate question its value, taken from the payload's "calculated" or, when
// the payload has none, computed with the survey's own calculations over the answers.
// A response of another version is mapped by question name onto THIS version's columns: answers to questions
// this version removed are not in the wide table (they stay in the long CSV's answers column).
// A sealed response (issue 13) cannot be read here: sealed is 1 and every answer cell is empty.
//
// Thread-safety: a WideTable is immutable once built; row() is const and safe from many threads.
#pragma once

#include "core/survey.hpp"

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>
#include <vector>

namespace fieldkiosk::exports {

struct WideOptions {
    std::string labels;  // empty: choice codes; else a language of the survey: choice labels in it
};

struct ResponseRecord {
    std::string id, site, kiosk, mode, language, survey_version, started_at, completed_at, received_at;
    std::string payload;  // the response JSON (core::response_to_json), sealed or open; empty: purged
    // site, mode, language and started_at are taken from the payload when empty here.
    std::string quality_flags, quality_reasons;  // the receiver's flags ("burst;duplicate") and their reasons
};

enum class ColumnKind : std::uint8_t { Metadata, Sealed, Quality, Answer, MultiOriginal, Option, WriteIn, Calculated };

struct Column {
    std::string name;
    ColumnKind kind = ColumnKind::Metadata;
    const core::Question* question = nullptr;  // null for metadata and sealed
    const core::Choice* choice = nullptr;      // Option only
};

class WideTable {
public:
    // Fails (naming the language and those the survey has) when options.labels is not a language of `survey`.
    [[nodiscard]] static std::expected<WideTable, std::string> make(core::SurveyPtr survey, WideOptions options = {});

    [[nodiscard]] const std::vector<Column>& columns() const { return m_columns; }
    [[nodiscard]] std::vector<std::string> header() const;
    // The cells of one response, one per column. Never fails: a payload that is not JSON, or an answer that does
    // not fit this version's question, is written as it was stored (never dropped); `problem`, when given,
    // receives a note about such a row (empty when none).
    [[nodiscard]] std::vector<std::string> row(const ResponseRecord& r, std::string* problem = nullptr) const;
    [[nodiscard]] const core::Survey& survey() const { return *m_survey; }
    [[nodiscard]] const std::string& labels() const { return m_options.labels; }

private:
    core::SurveyPtr m_survey;
    WideOptions m_options;
    std::vector<Column> m_columns;
};

[[nodiscard]] std::string csv_line(const std::vector<std::string>& cells);

}  // namespace fieldkiosk::exports
