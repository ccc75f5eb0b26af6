// fieldkiosk::results periods — the fixed windows figures are shown for (docs/results.md, "Periods").
//
// Index:
//   Period         a calendar month ("2026-07"), a quarter ("2026-Q3") or 12 months ending with a month ("12m-2026-09")
//   parse_period   text -> Period, with a message saying what is valid
//   month_of       "2026-07-15T09:41:07.123Z" -> months since year 0 (the month of a UTC timestamp)
//
// Only fixed periods exist: free date ranges would let someone difference two views and isolate one person.
// Months are taken in UTC, the time the kiosk records (a response at 00:30 BST on 1 July counts in June).
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

namespace fieldkiosk::results {

struct Period {
    enum class Kind : std::uint8_t { Month, Quarter, Rolling12 };
    Kind kind = Kind::Month;
    int year = 0;
    int index = 1;  // month 1-12 (Month, and the LAST month of Rolling12) or quarter 1-4

    [[nodiscard]] std::string to_string() const;  // the text parse_period reads
    [[nodiscard]] int first_month() const;        // months since year 0, inclusive
    [[nodiscard]] int last_month() const;         // inclusive
    [[nodiscard]] bool contains_month(int month) const { return month >= first_month() && month <= last_month(); }
    [[nodiscard]] Period year_earlier() const { return Period{kind, year - 1, index}; }
    friend bool operator==(const Period&, const Period&) = default;
};

[[nodiscard]] std::expected<Period, std::string> parse_period(std::string_view text);

// Months since year 0 of an ISO 8601 timestamp's date (YYYY-MM...); nullopt when it does not start with one.
[[nodiscard]] std::optional<int> month_of(std::string_view iso_timestamp);
// "2026-07" for a month number; "2026-Q3" for the quarter holding it.
[[nodiscard]] std::string month_text(int month);
[[nodiscard]] std::string quarter_text(int month);

}  // namespace fieldkiosk::results
