// tests/support/csv_reader.hpp — reads an RFC 4180 text (quoted fields, doubled quotes, CRLF records, line
// breaks inside quotes) into records of fields, for tests that check an export cell by cell.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace fieldkiosk::testing {

inline std::vector<std::vector<std::string>> read_csv(std::string_view text) {
    std::vector<std::vector<std::string>> records;
    std::vector<std::string> record(1);
    bool quoted = false, any = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        any = true;
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                record.back() += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                record.back() += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            record.emplace_back();
        } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
            continue;
        } else if (c == '\n') {
            records.push_back(std::move(record));
            record.assign(1, std::string{});
            any = false;
        } else {
            record.back() += c;
        }
    }
    if (any) records.push_back(std::move(record));
    return records;
}

}  // namespace fieldkiosk::testing
