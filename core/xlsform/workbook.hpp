// fieldkiosk::xlsform workbook reader — the cells of an .xlsx file (Office Open XML), as text.
//
// Index:
//   Sheet          one worksheet: its name and its cells as text, row by row
//   Workbook       the worksheets in the order the workbook lists them
//   read_workbook  a file, or bytes in memory (tests, fuzzing)
//   cell_ref       "D14" for row 14 (1-based), column 3 (0-based)
//
// What the reader understands: sheet order from xl/workbook.xml and its relationships (whatever the part
// names are), shared strings, inline strings, rich-text runs (joined), formula results, numbers (written as
// the shortest text that reads back to the same double; whole numbers without ".0", so a date stored as a
// number reads as that number), booleans ("TRUE"/"FALSE") and cells that are only styled (empty text).
// It never evaluates formulas and ignores styles. Bad input gives an error text, never an exception
// or a crash; entries are capped at 64 MiB uncompressed so that a zip bomb cannot exhaust memory.
#pragma once

#include <expected>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace fieldkiosk::xlsform {

struct Sheet {
    std::string name;                            // as in the workbook (case kept)
    std::vector<std::vector<std::string>> rows;  // rows[0] is sheet row 1; a row may be shorter than others

    // The text at row (1-based) and column (0-based), or "" when the cell is absent.
    [[nodiscard]] const std::string& at(std::size_t row, std::size_t column) const;
};

struct Workbook {
    std::vector<Sheet> sheets;  // in workbook order
    // The sheet whose name matches `name` case-insensitively, or null.
    [[nodiscard]] const Sheet* find(std::string_view name) const;
};

// Errors are one line naming what is wrong ("not an .xlsx workbook (no xl/workbook.xml)"); the caller
// prefixes the file name. An .xls (BIFF) file gets "save it as .xlsx".
[[nodiscard]] std::expected<Workbook, std::string> read_workbook(const std::filesystem::path& file);
[[nodiscard]] std::expected<Workbook, std::string> read_workbook_bytes(std::string_view bytes);

// Spreadsheet cell reference: cell_ref(14, 3) == "D14"; column 26 is "AA".
[[nodiscard]] std::string column_name(std::size_t column);
[[nodiscard]] std::string cell_ref(std::size_t row, std::size_t column);

}  // namespace fieldkiosk::xlsform
