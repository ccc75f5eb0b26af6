// Helpers shared by the App's source files (kiosk/app/app*.cpp); not part of the App's interface.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace fieldkiosk::kiosk::detail {

// "2026-12-03T20:41:50.677Z" (core::format_utc, the store's timestamps) back to a time point.
[[nodiscard]] std::optional<std::chrono::system_clock::time_point> parse_utc(std::string_view text);

}  // namespace fieldkiosk::kiosk::detail
