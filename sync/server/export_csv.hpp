// fieldkiosk::sync::server CSV export: one row per stored response, shared by `fieldkiosk-server export`
// and GET /v1/export/SURVEY.csv. RFC 4180; cells a spreadsheet would run as a formula get a leading '.
#pragma once

#include "sync/server/storage.hpp"

#include <string>

namespace fieldkiosk::sync::server {

[[nodiscard]] std::string csv_header();                   // ends with "\r\n"
[[nodiscard]] std::string csv_row(const ExportRow& row);  // ends with "\r\n"

}  // namespace fieldkiosk::sync::server
