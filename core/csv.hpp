// fieldkiosk::core::csv_field — one CSV field as RFC 4180 wants it, safe to open in a spreadsheet.
#pragma once

#include <string>
#include <string_view>

namespace fieldkiosk::core {

// Quotes the field when it holds a comma, quote or line break (doubling quotes). A field that a
// spreadsheet would run as a formula (starting with = + - @ tab or CR) gets a leading apostrophe:
// council staff open these exports in Excel.
[[nodiscard]] std::string csv_field(std::string_view value);

}  // namespace fieldkiosk::core
