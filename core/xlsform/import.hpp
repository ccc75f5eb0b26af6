// fieldkiosk::xlsform import — an XLSForm workbook as a fieldkiosk survey definition (docs/xlsform.md).
//
// Index:
//   Problem        one refusal or warning, located at sheet!cell (column header)
//   ImportResult   the survey JSON (docs/survey_format.md) or every problem found
//   import_workbook / import_file
//
// The survey JSON is validated with the real loader (core/loader.hpp) before it is returned, and every
// loader diagnostic is traced back to the cell it came from, so that an author reads
// "form.xlsx: survey!D14 (relevant): refers to ${age}, ..." and not a JSON path. Never throws on bad input.
#pragma once

#include "core/xlsform/workbook.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace fieldkiosk::xlsform {

struct Problem {
    std::string file;     // the workbook, as named by the caller
    std::string sheet;    // "survey", "choices", "settings"; "" when the whole file is wrong
    std::size_t row = 0;  // 1-based sheet row; 0 = the whole sheet
    std::size_t column = 0;
    std::string header;   // the column's header as written ("relevant", "label::English (en)")
    std::string message;
    bool warning = false;  // warnings do not stop the import

    // "form.xlsx: survey!D14 (relevant): message" ("warning: " before the message for warnings).
    [[nodiscard]] std::string to_string() const;
};

struct ImportResult {
    nlohmann::ordered_json survey;  // set (an object) only when there are no errors
    std::vector<Problem> problems;  // errors and warnings, in sheet order
    [[nodiscard]] bool ok() const;  // no errors (warnings allowed)
};

// `file` names the workbook in messages; its stem is the survey id when the settings give no form_id.
[[nodiscard]] ImportResult import_workbook(const Workbook& wb, const std::filesystem::path& file);
// Reads and imports a file; an unreadable or non-.xlsx file gives one problem naming the file.
[[nodiscard]] ImportResult import_file(const std::filesystem::path& file);

}  // namespace fieldkiosk::xlsform
