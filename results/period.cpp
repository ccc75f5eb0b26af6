#include "results/period.hpp"

#include <charconv>
#include <cstdio>

namespace fieldkiosk::results {

namespace {

std::optional<int> digits(std::string_view s) {
    if (s.empty()) return std::nullopt;
    int v = 0;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || ptr != s.data() + s.size()) return std::nullopt;
    for (char c : s)
        if (c < '0' || c > '9') return std::nullopt;
    return v;
}

constexpr std::string_view k_valid = "give a month (2026-07), a quarter (2026-Q3) or 12 months ending with a month (12m-2026-09)";

}  // namespace

std::string Period::to_string() const {
    char buf[32];
    switch (kind) {
        case Kind::Month:
            std::snprintf(buf, sizeof buf, "%04d-%02d", year, index);
            break;
        case Kind::Quarter:
            std::snprintf(buf, sizeof buf, "%04d-Q%d", year, index);
            break;
        case Kind::Rolling12:
            std::snprintf(buf, sizeof buf, "12m-%04d-%02d", year, index);
            break;
    }
    return buf;
}

int Period::first_month() const {
    switch (kind) {
        case Kind::Month:
            return year * 12 + index - 1;
        case Kind::Quarter:
            return year * 12 + (index - 1) * 3;
        case Kind::Rolling12:
            return year * 12 + index - 1 - 11;
    }
    return 0;
}

int Period::last_month() const { return kind == Kind::Quarter ? first_month() + 2 : year * 12 + index - 1; }

std::expected<Period, std::string> parse_period(std::string_view text) {
    const std::string bad = "period '" + std::string(text) + "' is not one we show: ";
    Period p;
    std::string_view rest = text;
    if (rest.starts_with("12m-")) {
        p.kind = Period::Kind::Rolling12;
        rest.remove_prefix(4);
    }
    if (rest.size() < 7 || rest[4] != '-') return std::unexpected(bad + std::string(k_valid));
    const auto year = digits(rest.substr(0, 4));
    if (!year || *year < 2000 || *year > 2999)
        return std::unexpected(bad + "the year must be 2000-2999; " + std::string(k_valid));
    p.year = *year;
    const std::string_view tail = rest.substr(5);
    if (p.kind != Period::Kind::Rolling12 && tail.size() == 2 && tail[0] == 'Q') {
        const auto q = digits(tail.substr(1));
        if (!q || *q < 1 || *q > 4) return std::unexpected(bad + "a quarter is Q1 to Q4");
        p.kind = Period::Kind::Quarter;
        p.index = *q;
        return p;
    }
    const auto m = tail.size() == 2 ? digits(tail) : std::nullopt;
    if (!m || *m < 1 || *m > 12) return std::unexpected(bad + std::string(k_valid));
    p.index = *m;
    return p;
}

std::optional<int> month_of(std::string_view iso) {
    if (iso.size() < 7 || iso[4] != '-') return std::nullopt;
    const auto y = digits(iso.substr(0, 4));
    const auto m = digits(iso.substr(5, 2));
    if (!y || !m || *m < 1 || *m > 12) return std::nullopt;
    return *y * 12 + *m - 1;
}

std::string month_text(int month) { return Period{Period::Kind::Month, month / 12, month % 12 + 1}.to_string(); }
std::string quarter_text(int month) { return Period{Period::Kind::Quarter, month / 12, (month % 12) / 3 + 1}.to_string(); }

}  // namespace fieldkiosk::results
