// fieldkiosk::core::Value — a value in XLSForm / XPath 1.0 expression semantics.
//
// Index:
//   Value       empty | number | string | boolean, with XPath conversions
//
// An unanswered question is the empty value, which behaves as the empty string ''. Conversions never
// throw: text that is not a number becomes NaN, so comparisons with it are false (and != is true).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace fieldkiosk::core {

class Value {
public:
    enum class Kind : std::uint8_t { Empty, Number, String, Boolean };

    Value() = default;  // the empty value ('')
    static Value number(double v) { return Value{Storage{std::in_place_index<1>, v}}; }
    static Value string(std::string v) { return Value{Storage{std::in_place_index<2>, std::move(v)}}; }
    static Value boolean(bool v) { return Value{Storage{std::in_place_index<3>, v}}; }

    [[nodiscard]] Kind kind() const { return static_cast<Kind>(m_v.index()); }
    [[nodiscard]] bool is_empty() const;          // Empty, or a string of length 0
    [[nodiscard]] double to_number() const;       // XPath number(): NaN when not numeric
    [[nodiscard]] std::string to_string() const;  // XPath string(): 3 not 3.0, NaN as "NaN"
    [[nodiscard]] bool to_bool() const;           // XPath boolean()

    // Text view of a string value without copying; empty for other kinds.
    [[nodiscard]] std::string_view text() const;

    friend bool operator==(const Value&, const Value&) = default;

private:
    using Storage = std::variant<std::monostate, double, std::string, bool>;
    explicit Value(Storage s) : m_v(std::move(s)) {}
    Storage m_v;
};

// Parses a decimal number the way XPath does (optional sign, digits, optional fraction, surrounding
// whitespace allowed); NaN for anything else, including the empty string.
[[nodiscard]] double parse_xpath_number(std::string_view text);

// Formats a number the way XPath string() does: integers without a fraction, NaN, Infinity.
[[nodiscard]] std::string format_xpath_number(double v);

// A calendar date written as ISO 8601 `YYYY-MM-DD` (a date question's value): four-digit year 0001..9999,
// a real month and a day that month has (29 February only in leap years).
[[nodiscard]] bool is_iso_date(std::string_view text);
[[nodiscard]] int days_in_month(int year, int month);  // 28..31; month 1..12

}  // namespace fieldkiosk::core
