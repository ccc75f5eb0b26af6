// fieldkiosk::exports XlsxExport — the wide table as an .xlsx workbook: a "data" sheet (the wide CSV's cells,
// numbers as numbers) and a "codebook" sheet (codebook_csv's cells). libxlsxwriter in constant_memory mode:
// each row goes to a temporary file as it is added, so memory does not grow with the number of responses.
//
// Index:
//   XlsxExport   create() (the header row), add_row() per response, finish() (the codebook sheet, then the file)
//
// Cells are written as strings or numbers, never as formulas: a cell starting with '=' stays text, so no
// formula guard is needed (nor added: the text is the respondent's). Excel's limits apply: 1,048,576 rows
// (add_row() refuses the row after the last) and 32,767 characters per cell (longer text is refused).
// Thread-safety: one thread per XlsxExport.
#pragma once

#include "exports/wide.hpp"

#include <cstddef>
#include <expected>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace fieldkiosk::exports {

class XlsxExport {
public:
    // Starts `file` (replaced if it exists; the caller picks a temporary name and renames when finish() succeeds).
    [[nodiscard]] static std::expected<XlsxExport, std::string> create(const std::filesystem::path& file, const WideTable& table);
    XlsxExport(XlsxExport&&) noexcept;
    XlsxExport& operator=(XlsxExport&&) noexcept;
    ~XlsxExport();  // without finish(): the workbook is closed and the file removed

    // One response's cells (WideTable::row()); the error names the sheet row and column.
    [[nodiscard]] std::expected<void, std::string> add_row(const std::vector<std::string>& cells);
    // Writes the codebook sheet and closes the file; returns the number of data rows written.
    [[nodiscard]] std::expected<std::size_t, std::string> finish();

private:
    struct State;
    explicit XlsxExport(std::unique_ptr<State> state);
    std::unique_ptr<State> m_state;
};

}  // namespace fieldkiosk::exports
