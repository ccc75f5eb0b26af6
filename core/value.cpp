#include "core/value.hpp"

#include <charconv>
#include <cmath>
#include <limits>

namespace fieldkiosk::core {

namespace {
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
}  // namespace

double parse_xpath_number(std::string_view text) {
    while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
    while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
    constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    if (text.empty()) return nan;
    // XPath numbers: -?(digits(.digits?)?|.digits). No exponent, no hex, no inf/nan words.
    std::size_t i = 0;
    if (text[i] == '-') ++i;
    bool digits = false;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
        ++i;
        digits = true;
    }
    if (i < text.size() && text[i] == '.') {
        ++i;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
            ++i;
            digits = true;
        }
    }
    if (!digits || i != text.size()) return nan;
    double out = nan;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    if (ec != std::errc{} || ptr != text.data() + text.size()) return nan;
    return out;
}

std::string format_xpath_number(double v) {
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
    if (v == 0.0) return "0";
    char buf[512];  // fixed notation of 1e308 needs 309 digits
    if (std::abs(v) < 1e15 && v == std::trunc(v)) {
        auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, static_cast<long long>(v));
        return std::string(buf, ec == std::errc{} ? ptr : buf);
    }
    auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
    if (ec != std::errc{}) return "NaN";
    std::string s(buf, ptr);
    return s;
}

bool Value::is_empty() const {
    if (m_v.index() == 0) return true;
    if (const auto* s = std::get_if<std::string>(&m_v)) return s->empty();
    return false;
}

double Value::to_number() const {
    switch (kind()) {
        case Kind::Empty:
            return std::numeric_limits<double>::quiet_NaN();
        case Kind::Number:
            return std::get<double>(m_v);
        case Kind::String:
            return parse_xpath_number(std::get<std::string>(m_v));
        case Kind::Boolean:
            return std::get<bool>(m_v) ? 1.0 : 0.0;
    }
    return std::numeric_limits<double>::quiet_NaN();
}

std::string Value::to_string() const {
    switch (kind()) {
        case Kind::Empty:
            return {};
        case Kind::Number:
            return format_xpath_number(std::get<double>(m_v));
        case Kind::String:
            return std::get<std::string>(m_v);
        case Kind::Boolean:
            return std::get<bool>(m_v) ? "true" : "false";
    }
    return {};
}

bool Value::to_bool() const {
    switch (kind()) {
        case Kind::Empty:
            return false;
        case Kind::Number: {
            const double d = std::get<double>(m_v);
            return d != 0.0 && !std::isnan(d);
        }
        case Kind::String:
            return !std::get<std::string>(m_v).empty();
        case Kind::Boolean:
            return std::get<bool>(m_v);
    }
    return false;
}

std::string_view Value::text() const {
    if (const auto* s = std::get_if<std::string>(&m_v)) return *s;
    return {};
}

int days_in_month(int year, int month) {
    static constexpr int k_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : k_days[(month - 1) % 12];
}

bool is_iso_date(std::string_view t) {
    if (t.size() != 10 || t[4] != '-' || t[7] != '-') return false;
    const auto number = [&](std::size_t from, std::size_t n) {
        int v = 0;
        for (std::size_t i = from; i < from + n; ++i) {
            if (t[i] < '0' || t[i] > '9') return -1;
            v = v * 10 + (t[i] - '0');
        }
        return v;
    };
    const int y = number(0, 4), m = number(5, 2), d = number(8, 2);
    return y >= 1 && m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

}  // namespace fieldkiosk::core
