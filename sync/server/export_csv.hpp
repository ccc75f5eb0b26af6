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

}  // namespace fieldkiosk::sync::server
