#include "core/csv.hpp"

namespace fieldkiosk::core {

std::string csv_field(std::string_view value) {
    std::string s(value);
    if (!s.empty() && std::string_view("=+-@\t\r").find(s.front()) != std::string_view::npos) s.insert(s.begin(), '\'');
    if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
    std::string out = "\"";
    for (char c : s) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

}  // namespace fieldkiosk::core
