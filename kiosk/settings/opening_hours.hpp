// fieldkiosk::kiosk::OpeningHours — when the kiosk is open, from the [hours] settings (docs/kiosk_config.md).
// Pure: no clock of its own, no globals; every question takes the instant and the time zone.
//
// Index:
//   LocalDate, LocalTime   a calendar day, and a moment on the kiosk's wall clock
//   TimeZone               UTC -> local wall clock; SystemTimeZone (TZ, else /etc/localtime), FixedOffsetZone (tests)
//   from_local()           local wall clock -> UTC, with the clock changes in March and October resolved
//   MinuteRange            one opening on one day, in minutes after local midnight
//   OpeningHours           the week, closed dates, is_open(), next_change()
//   parse_*, format_*      the setting's text forms, with messages that say what would be valid
//
// Opening hours are local wall-clock times ("09:00" is nine on the library's clock whether it is GMT or BST),
// so the UTC instant of an opening moves by an hour on the days the clocks change. When a boundary falls in
// the hour skipped in March it takes effect at the moment the clocks jump; in the hour repeated in October
// the first occurrence counts.
//
// Thread-safety: OpeningHours is a value, const methods are safe from any thread. SystemTimeZone reads the
// process's time zone (localtime_r); it follows TZ / /etc/localtime as read at the first call (call tzset()
// after changing TZ).
#pragma once

#include <array>
#include <chrono>
#include <compare>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fieldkiosk::kiosk {

struct LocalDate {
    int year = 1970, month = 1, day = 1;  // month 1..12, day 1..31
    auto operator<=>(const LocalDate&) const = default;
    [[nodiscard]] LocalDate plus_days(int n) const;       // calendar arithmetic (proleptic Gregorian)
    [[nodiscard]] int weekday() const;                    // 0 = Monday .. 6 = Sunday
    [[nodiscard]] int days_until(LocalDate later) const;  // later - this, in calendar days
};

struct LocalTime {
    LocalDate date;
    int seconds = 0;  // after local midnight, 0..86399 (wall-clock reading, not elapsed time)
};

class TimeZone {
public:
    virtual ~TimeZone() = default;
    [[nodiscard]] virtual LocalTime to_local(std::chrono::system_clock::time_point t) const = 0;
};

// The process's time zone: the TZ variable if set, else /etc/localtime (what `timedatectl` sets).
class SystemTimeZone final : public TimeZone {
public:
    [[nodiscard]] LocalTime to_local(std::chrono::system_clock::time_point t) const override;
};

// UTC plus a fixed offset; no clock changes (tests, and kiosks configured in UTC).
class FixedOffsetZone final : public TimeZone {
public:
    explicit FixedOffsetZone(std::chrono::minutes offset = std::chrono::minutes{0}) : m_offset(offset) {}
    [[nodiscard]] LocalTime to_local(std::chrono::system_clock::time_point t) const override;

private:
    std::chrono::minutes m_offset;
};

// The instant at which `tz`'s wall clock reads `minute` minutes after midnight on `date` (minute 1440 is
// the next midnight). A reading that does not exist (skipped in March) gives the instant the clocks jump
// past it; a reading that exists twice (October) gives the earlier one. Assumes at most one clock change
// within 36 hours of the reading, as every civil time zone has.
[[nodiscard]] std::chrono::system_clock::time_point from_local(const TimeZone& tz, LocalDate date, int minute);

struct MinuteRange {
    int open = 0, close = 0;  // minutes after local midnight; 0 <= open < close <= 1440
    bool operator==(const MinuteRange&) const = default;
};

struct OpeningHours {
    bool configured = false;                       // false: no [hours] section, always open
    std::array<std::vector<MinuteRange>, 7> week;  // Monday first; empty: closed all day
    std::vector<LocalDate> closed_dates;           // sorted; closed all day whatever the weekday says
    std::vector<std::string> problems;             // what was wrong with the settings (also in the config messages)

    // The openings on `date` (none on a closed date).
    [[nodiscard]] const std::vector<MinuteRange>& hours_on(LocalDate date) const;
    [[nodiscard]] bool is_open(std::chrono::system_clock::time_point t, const TimeZone& tz) const;
    // The first instant after `after` at which is_open() changes; nullopt when it never changes within
    // about a year (not configured, open all the time, or no opening at all).
    [[nodiscard]] std::optional<std::chrono::system_clock::time_point> next_change(std::chrono::system_clock::time_point after,
                                                                                   const TimeZone& tz) const;
};

// "closed", "09:00-17:00", "09:00-13:00, 14:00-17:00" (24:00 ends a day). Ranges must be in order and must
// not overlap; a range over midnight is written as two days ("22:00-24:00" and "00:00-02:00").
// The error is the reason in plain words, quoting the text, e.g. "'9-17' is not HH:MM-HH:MM (...)".
[[nodiscard]] std::expected<std::vector<MinuteRange>, std::string> parse_day_hours(std::string_view text);
// "2026-12-25".
[[nodiscard]] std::expected<LocalDate, std::string> parse_local_date(std::string_view text);

[[nodiscard]] std::string format_hhmm(int minute);        // 540 -> "09:00"
[[nodiscard]] std::string format_date(LocalDate d);       // "2026-12-25"
[[nodiscard]] std::string_view weekday_key(int weekday);  // 0 -> "monday" (the setting's name)

}  // namespace fieldkiosk::kiosk
