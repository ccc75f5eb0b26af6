// fieldkiosk::xlsform export — a survey as an XLSForm workbook that imports back to the same survey
// (docs/xlsform.md, "Export").
//
// Index:
//   to_workbook   the survey as sheets of text (survey, choices, settings, and sources when it cites any)
//   write_xlsx    sheets of text as an .xlsx file (libxlsxwriter), replacing the file atomically
//   export_xlsform both
//
// What XLSForm has no column for is kept in extra columns that pyxform ignores: max_length, min_label,
// max_label and source in the survey sheet; exclusive and other in the choices sheet; title, description,
// estimated_minutes, enabled and draft_languages in the settings sheet; the sources sheet. A scale is a
// range ("start=1 end=5 step=1"). Choice lists are named after the first question that uses them; two
// questions with identical choices share one list.
#pragma once

#include "core/survey.hpp"
#include "core/xlsform/workbook.hpp"

#include <expected>
#include <filesystem>
#include <string>

namespace fieldkiosk::xlsform {

[[nodiscard]] Workbook to_workbook(const core::Survey& survey);
// Errors name the file ("cannot write out/food.xlsx: ..."). Text cells only, header rows bold and frozen.
[[nodiscard]] std::expected<void, std::string> write_xlsx(const Workbook& wb, const std::filesystem::path& file);
[[nodiscard]] std::expected<void, std::string> export_xlsform(const core::Survey& survey, const std::filesystem::path& file);

}  // namespace fieldkiosk::xlsform
