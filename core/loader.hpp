// fieldkiosk::core loader — reads survey definitions (docs/survey_format.md) and validates them.
//
// Index:
//   Diagnostic        one problem: file, question, field, message (line:column for JSON syntax)
//   LoadResult        a survey, or every problem found in it
//   load_survey_file  one survey file (its includes resolved relative to it)
//   load_survey_text  the same from memory (fuzzing, tests)
//   Catalog           load_paths(): files and folders, as `fieldkiosk-ctl validate` and the kiosk use them
//
// The loader never throws on bad input and never stops at the first problem: it collects every
// diagnostic it can, and returns a survey only when there were none.
#pragma once

#include "core/survey.hpp"

#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace fieldkiosk::core {

struct Diagnostic {
    std::string file;      // the file with the problem, as the path was given
    std::string question;  // the question's name (or "questions[3]" if it has none); "" for the survey itself
    std::string field;     // e.g. "label", "choices[2].value", "relevant"; "" when the whole file is wrong
    std::string message;   // what is wrong and what would be valid
    int line = 0;          // JSON syntax errors only (1-based), else 0
    int column = 0;

    // "file: question.field: message", or "file:line:column: message" for syntax errors.
    [[nodiscard]] std::string to_string() const;
};

struct LoadResult {
    SurveyPtr survey;  // set only when diagnostics is empty
    std::vector<Diagnostic> diagnostics;
    [[nodiscard]] bool ok() const { return survey != nullptr && diagnostics.empty(); }
};

[[nodiscard]] LoadResult load_survey_file(const std::filesystem::path& file);
// `name` is used in diagnostics and to resolve includes relative to its folder.
[[nodiscard]] LoadResult load_survey_text(std::string_view json_text, const std::filesystem::path& name);

// Validates a block file on its own: its questions, texts in its own declared languages, and
// expressions that refer only to questions inside the block.
[[nodiscard]] std::vector<Diagnostic> validate_block_file(const std::filesystem::path& file);

struct Catalog {
    std::vector<SurveyPtr> surveys;       // valid surveys, sorted by id
    std::vector<Diagnostic> diagnostics;  // every problem in every file
    std::size_t files_checked = 0;

    [[nodiscard]] SurveyPtr find(std::string_view id) const;
};

// Loads each path: a file is a survey or a block (by its top-level "survey" or "block" key); a folder
// is searched recursively for *.json, skipping `schema/` folders. Two surveys with one id is an error.
[[nodiscard]] Catalog load_paths(std::span<const std::filesystem::path> paths);

}  // namespace fieldkiosk::core
