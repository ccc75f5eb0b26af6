// Fuzzes core/json_view against nlohmann::json: the same verdict on every input (valid JSON or not), and for
// valid input the same document (json_view::to_json walks members, elements, strings and numbers).
#include "core/json_view.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {
int depth(const nlohmann::json& j) {
    int d = 0;
    if (j.is_structured())
        for (const auto& e : j) d = std::max(d, depth(e));
    return j.is_structured() ? d + 1 : 0;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto view = fieldkiosk::core::json_view::parse(text);
    // nlohmann reads a NUL byte outside a string as the end of the input (so `"a"` NUL `xyz` is valid to it);
    // json_view refuses every NUL byte, in a string or out (the second allowed difference).
    if (text.find('\0') != std::string_view::npos) {
        if (view) std::abort();
        return 0;
    }
    const auto doc = nlohmann::json::parse(text, nullptr, false);
    if (view.has_value() == doc.is_discarded()) {
        // json_view refuses nesting deeper than k_max_depth, which nlohmann accepts: the one allowed difference.
        if (!view && !doc.is_discarded() && depth(doc) > fieldkiosk::core::json_view::k_max_depth) return 0;
        std::abort();
    }
    if (view && fieldkiosk::core::json_view::to_json(*view) != doc) std::abort();
    return 0;
}
