// fieldkiosk::sync::server CSV export: one row per stored response, shared by `fieldkiosk-server export`
// and GET /v1/export/SURVEY.csv. RFC 4180; cells a spreadsheet would run as a formula get a leading '.
// A sealed response's row has its box in the answers column and empty write_ins and calculated columns;
// decrypt_csv() (`fieldkiosk-server decrypt`, where the private key is) turns such a file into the very
// bytes an open survey's export would have been.
#pragma once

#include "seal/sealed_box.hpp"
#include "sync/server/storage.hpp"

#include <expected>
#include <functional>
#include <istream>
#include <ostream>
#include <span>

#include <string>

namespace fieldkiosk::sync::server {

[[nodiscard]] std::string csv_header();                   // ends with "\r\n"
[[nodiscard]] std::string csv_row(const ExportRow& row);  // ends with "\r\n"

// Reads an export from `in` and writes it to `out` with each sealed row opened by the key of its key id among
// `keys`; open rows pass unchanged. Stops at the first row it cannot open, naming the row (its line and response
// id) and why on the returned error; what was written before that row is complete rows only.
[[nodiscard]] std::expected<std::size_t, std::string> decrypt_csv(std::istream& in, std::ostream& out,
                                                                  std::span<const seal::KeyPair> keys);

// Reads an export (as csv_header()/csv_row() write it, or decrypt_csv()'s output) back, row by row: `fn` gets each
// row as the ExportRow it came from, its payload rebuilt from the cells (a still-sealed row as a sealed envelope).
// Stops successfully when `fn` returns false. The first malformed row stops it with an error naming its line, its
// response id and the field. Returns the number of rows read.
[[nodiscard]] std::expected<std::size_t, std::string> read_csv_export(std::istream& in,
                                                                      const std::function<bool(const ExportRow&)>& fn);

// Reads an export made by csv_row() (an open survey's, or one opened by decrypt_csv) and calls `fn` with each row,
// its payload rebuilt from the cells as the stored payload looked (`fieldkiosk-server report --from-csv`). Stops,
// successfully, when `fn` returns false. Errors name the file (`name`), the line and, for a row, its response id:
// a header that is not an export's, a row with the wrong number of fields, a cell that is not JSON, a sealed row.
[[nodiscard]] std::expected<std::size_t, std::string> for_each_export_row(std::istream& in, const std::string& name,
                                                                          const std::function<bool(const ExportRow&)>& fn);

}  // namespace fieldkiosk::sync::server
