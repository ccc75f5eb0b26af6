// fieldkiosk::exports codebook and SPSS syntax — what each wide column means (docs/exports.md).
//
// Index:
//   CodebookRow     one wide column described: variable, question, label, type, values, routing, choices, source
//   codebook        one row per column of a WideTable, in its order (metadata included)
//   codebook_csv    the rows as CSV with a header (core::csv_field: RFC 4180, formula-guarded)
//   spss_name       a wide column's name as an SPSS variable name ('/' and '-' become '_')
//   spss_syntax     VARIABLE LABELS and VALUE LABELS in the table's language; no line longer than 251 bytes
//
// Labels come in the WideTable's language (WideOptions::labels), else the survey's default language. The
// source and licence are the instrument's, from the survey's "sources" (the question's "source" id).
// Thread-safety: pure functions of their arguments.
#pragma once

#include "exports/wide.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace fieldkiosk::exports {

struct CodebookRow {
    std::string variable;     // the wide column's name
    std::string question;     // the question it comes from (empty for metadata)
    std::string label;        // the question's label (an option column: "question label: choice label")
    std::string type;         // select_one, select_multiple, option (0/1), write_in, integer, ..., metadata
    std::string values;       // what the cells hold: "1 = chosen, 0 = not chosen (empty: not answered)", units ...
    std::string relevant;     // the question's routing: the `relevant` expression (empty: always asked)
    std::string calculation;  // a calculate question's expression
    std::string choices;      // "value = label" pairs joined by " | "
    std::string instrument, source, licence, url;  // from the survey's "sources" entry the question names
};

[[nodiscard]] std::vector<CodebookRow> codebook(const WideTable& table);
[[nodiscard]] std::vector<std::string> codebook_header();
[[nodiscard]] std::vector<std::string> codebook_cells(const CodebookRow& row);
[[nodiscard]] std::string codebook_csv(const WideTable& table);

inline constexpr std::size_t k_spss_max_line = 251;  // bytes; SPSS syntax lines longer than this are refused
[[nodiscard]] std::string spss_name(std::string_view column);
[[nodiscard]] std::string spss_syntax(const WideTable& table);

}  // namespace fieldkiosk::exports
