// fieldkiosk::core loader — reads survey definitions (docs/survey_format.md) and validates them.
//
// Index:
//   Diagnostic        one problem: file, question, field, message (line:column for JSON syntax)
//   LoadResult        a survey, or every problem found in it
//   load_survey_file  one survey file (its includes resolved relative to it)
//   load_survey_text  the same from memory (fuzzing, tests)
//   Catalog           load_paths(): files and folders, as `fieldkiosk-ctl validate` and the kiosk use them;
//                     with LoadOptions::all_versions, several versions of one survey id (the server, the kiosk)
//   expand_survey_file one self-contained definition: includes inlined, still valid (served to kiosks)
//
// The loader never throws on bad input and never stops at the first problem: it collects every
// diagnostic it can, and returns a survey only when there were none.
#pragma once

#include "core/survey.hpp"

#include <expected>
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
    std::vector<SurveyPtr> surveys;       // valid surveys, sorted by id, then by version (compare_versions), oldest first
    std::vector<Diagnostic> diagnostics;  // every problem in every file
    std::size_t files_checked = 0;

    // The current (newest, by compare_versions) version of survey `id`, or null.
    [[nodiscard]] SurveyPtr find(std::string_view id) const;
    // Exactly this version of survey `id`, or null.
    [[nodiscard]] SurveyPtr find(std::string_view id, std::string_view version) const;
    // The current version of each survey id, sorted by id (the surveys a kiosk offers).
    [[nodiscard]] std::vector<SurveyPtr> current() const;
};

struct LoadOptions {
    // false: two surveys with one id is an error (a folder of surveys to offer, `fieldkiosk-ctl validate`).
    // true: one id may appear with distinct versions (a server keeping old versions to accept responses
    // made with them); the same id AND version twice is still an error naming both files.
    bool all_versions = false;
};

// Loads each path: a file is a survey or a block (by its top-level "survey" or "block" key); a folder
// is searched recursively for *.json, skipping `schema/` and `indicators/` folders.
[[nodiscard]] Catalog load_paths(std::span<const std::filesystem::path> paths, LoadOptions options = {});

// The survey in `file` as ONE self-contained JSON document that loads to the same survey: every
// {"include": ...} replaced by the block's questions, the blocks' sources and choice_lists merged into
// the survey's, texts in languages the survey does not declare dropped from the inlined questions, and
// "$schema" removed. Keys are sorted and the text is indented by two spaces, so the same input always
// gives the same bytes (the server publishes their SHA-256). Fails with the loader's diagnostics when the
// file is not a valid survey, or with one diagnostic if the expanded text would not load.
[[nodiscard]] std::expected<std::string, std::vector<Diagnostic>> expand_survey_file(const std::filesystem::path& file);

}  // namespace fieldkiosk::core
