// Index: calendar, time zones, from_local, OpeningHours, parsing and formatting.
#include "kiosk/settings/opening_hours.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>

namespace fieldkiosk::kiosk {

namespace chr = std::chrono;
using sys_seconds = chr::sys_seconds;

// ---------------------------------------------------------------- calendar

namespace {

chr::sys_days to_days(LocalDate d) {
    return chr::sys_days{chr::year{d.year} / chr::month{static_cast<unsigned>(d.month)} / chr::day{static_cast<unsigned>(d.day)}};
}

LocalDate from_days(chr::sys_days days) {
    const chr::year_month_day ymd{days};
    return {static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month())),
            static_cast<int>(static_cast<unsigned>(ymd.day()))};
}

// The wall-clock reading of `t` written as if it were UTC: differences with `t` are the zone's offset.
sys_seconds reading(const TimeZone& tz, sys_seconds t) {
    const LocalTime lt = tz.to_local(t);
    return sys_seconds{to_days(lt.date)} + chr::seconds{lt.seconds};
}

}  // namespace

LocalDate LocalDate::plus_days(int n) const { return from_days(to_days(*this) + chr::days{n}); }

int LocalDate::days_until(LocalDate later) const { return static_cast<int>((to_days(later) - to_days(*this)).count()); }

int LocalDate::weekday() const {
    return static_cast<int>(chr::weekday{to_days(*this)}.iso_encoding()) - 1;  // ISO: Monday 1 .. Sunday 7
}

// ---------------------------------------------------------------- time zones

LocalTime SystemTimeZone::to_local(chr::system_clock::time_point t) const {
    const std::time_t tt = static_cast<std::time_t>(chr::floor<chr::seconds>(t).time_since_epoch().count());
    std::tm tm{};
    localtime_r(&tt, &tm);
    return {{tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday}, tm.tm_hour * 3600 + tm.tm_min * 60 + std::min(tm.tm_sec, 59)};
}

LocalTime FixedOffsetZone::to_local(chr::system_clock::time_point t) const {
    const sys_seconds local = chr::floor<chr::seconds>(t) + m_offset;
    const auto day = chr::floor<chr::days>(local);
    return {from_days(day), static_cast<int>((local - day).count())};
}

chr::system_clock::time_point from_local(const TimeZone& tz, LocalDate date, int minute) {
    const sys_seconds want = sys_seconds{to_days(date)} + chr::minutes{minute};
    // The offsets in force a day and a half either side: at most one clock change lies between them.
    const chr::seconds before = reading(tz, want - chr::hours{36}) - (want - chr::hours{36});
    const chr::seconds after = reading(tz, want + chr::hours{36}) - (want + chr::hours{36});
    std::optional<sys_seconds> best;
    for (const chr::seconds offset : {before, after}) {
        const sys_seconds t = want - offset;
        if (reading(tz, t) == want && (!best || t < *best)) best = t;  // two readings (October): the earlier
    }
    if (best) return *best;
    // Skipped (March): the first instant whose reading is at or past `want` is the moment the clocks jump.
    sys_seconds lo = want - std::max(before, after), hi = want - std::min(before, after);
    if (reading(tz, hi) < want) return hi;  // not a simple skip (cannot happen with one change): best effort
    while (hi - lo > chr::seconds{1}) {
        const sys_seconds mid = lo + (hi - lo) / 2;
        if (reading(tz, mid) >= want)
            hi = mid;
        else
            lo = mid;
    }
    return hi;
}

// ---------------------------------------------------------------- OpeningHours

const std::vector<MinuteRange>& OpeningHours::hours_on(LocalDate date) const {
    static const std::vector<MinuteRange> none;
    if (std::ranges::binary_search(closed_dates, date)) return none;
    return week[static_cast<std::size_t>(date.weekday())];
}

bool OpeningHours::is_open(chr::system_clock::time_point t, const TimeZone& tz) const {
    if (!configured) return true;
    const LocalTime lt = tz.to_local(t);
    return std::ranges::any_of(hours_on(lt.date),
                               [&](const MinuteRange& r) { return lt.seconds >= r.open * 60 && lt.seconds < r.close * 60; });
}

std::optional<chr::system_clock::time_point> OpeningHours::next_change(chr::system_clock::time_point after,
                                                                       const TimeZone& tz) const {
    if (!configured) return std::nullopt;
    const bool now_open = is_open(after, tz);
    const LocalDate today = tz.to_local(after).date;
    // The state changes only where a day's opening or closing lies: try them in order. A year and a week
    // covers every weekday and every closed date that can be listed for the coming year.
    for (int k = 0; k <= 366 + 7; ++k) {
        const LocalDate d = today.plus_days(k);
        for (const MinuteRange& r : hours_on(d))
            for (const int minute : {r.open, r.close}) {
                const auto t = from_local(tz, d, minute);
                if (t > after && is_open(t, tz) != now_open) return t;
            }
    }
    return std::nullopt;
}

// ---------------------------------------------------------------- parsing and formatting

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

struct HhMm {
    int h = 0, m = 0;
};

// "HH:MM"; nullopt unless exactly two digits, a colon, two digits (the range is checked by the caller).
std::optional<HhMm> parse_hhmm(std::string_view s) {
    if (s.size() != 5 || s[2] != ':') return std::nullopt;
    for (std::size_t i : {0u, 1u, 3u, 4u})
        if (s[i] < '0' || s[i] > '9') return std::nullopt;
    return HhMm{(s[0] - '0') * 10 + (s[1] - '0'), (s[3] - '0') * 10 + (s[4] - '0')};
}

constexpr std::string_view k_day_help = "write e.g. \"09:00-17:00\", \"09:00-13:00, 14:00-17:00\" or \"closed\"";

}  // namespace

std::expected<std::vector<MinuteRange>, std::string> parse_day_hours(std::string_view text) {
    const std::string quoted = "'" + std::string(text) + "'";
    const std::string_view all = trim(text);
    if (all.empty()) return std::unexpected(quoted + " is empty (" + std::string(k_day_help) + ")");
    std::string lower(all);
    std::ranges::transform(lower, lower.begin(), [](char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c); });
    if (lower == "closed") return std::vector<MinuteRange>{};
    std::vector<MinuteRange> out;
    std::string_view rest = all;
    while (true) {
        const auto comma = rest.find(',');
        const std::string_view part = trim(rest.substr(0, comma));
        const auto dash = part.find('-');
        const auto open = dash == std::string_view::npos ? std::nullopt : parse_hhmm(trim(part.substr(0, dash)));
        const auto close = dash == std::string_view::npos ? std::nullopt : parse_hhmm(trim(part.substr(dash + 1)));
        if (!open || !close) return std::unexpected(quoted + " is not HH:MM-HH:MM (" + std::string(k_day_help) + ")");
        for (const HhMm& t : {*open, *close}) {
            if (t.m > 59 || t.h > 24 || (t.h == 24 && t.m != 0)) {
                char buf[16];
                std::snprintf(buf, sizeof buf, "%02d:%02d", t.h, t.m);
                return std::unexpected(quoted + ": " + buf + " is not a time of day (00:00 to 24:00)");
            }
        }
        const MinuteRange r{open->h * 60 + open->m, close->h * 60 + close->m};
        if (r.open >= 24 * 60) return std::unexpected(quoted + ": a day's opening starts at 23:59 at the latest");
        if (r.close <= r.open)
            return std::unexpected(quoted + ": " + std::string(trim(part)) +
                                   " closes before it opens (a range over midnight is written on two days: \"22:00-24:00\" "
                                   "and \"00:00-02:00\")");
        if (!out.empty() && r.open < out.back().close)
            return std::unexpected(quoted + ": the ranges must be in order and must not overlap");
        out.push_back(r);
        if (comma == std::string_view::npos) break;
        rest = rest.substr(comma + 1);
    }
    return out;
}

std::expected<LocalDate, std::string> parse_local_date(std::string_view text) {
    const std::string quoted = "'" + std::string(text) + "'";
    const auto digits = [&](std::size_t from, std::size_t n) -> std::optional<int> {
        int v = 0;
        for (std::size_t i = from; i < from + n; ++i) {
            if (text[i] < '0' || text[i] > '9') return std::nullopt;
            v = v * 10 + (text[i] - '0');
        }
        return v;
    };
    if (text.size() != 10 || text[4] != '-' || text[7] != '-')
        return std::unexpected(quoted + " is not a date written YYYY-MM-DD (e.g. \"2026-12-25\")");
    const auto y = digits(0, 4), m = digits(5, 2), d = digits(8, 2);
    if (!y || !m || !d) return std::unexpected(quoted + " is not a date written YYYY-MM-DD (e.g. \"2026-12-25\")");
    const chr::year_month_day ymd{chr::year{*y}, chr::month{static_cast<unsigned>(*m)}, chr::day{static_cast<unsigned>(*d)}};
    if (!ymd.ok()) return std::unexpected(quoted + " is not a day of the calendar");
    return LocalDate{*y, *m, *d};
}

std::string format_hhmm(int minute) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%02d:%02d", minute / 60, minute % 60);
    return buf;
}

std::string format_date(LocalDate d) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
    return buf;
}

std::string_view weekday_key(int weekday) {
    static constexpr std::string_view k_names[] = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};
    return weekday >= 0 && weekday < 7 ? k_names[weekday] : std::string_view{"?"};
}

}  // namespace fieldkiosk::kiosk
