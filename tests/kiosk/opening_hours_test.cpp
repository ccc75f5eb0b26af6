// Opening hours (kiosk/settings/opening_hours.cpp): the setting's text, is_open() and next_change() at every
// edge (boundaries, lunch breaks, closed days and dates, midnight), and the days the clocks change, both
// with a test zone whose one change is known and with the real tz database (TZ=Europe/London set in this
// process), so that the code the kiosk runs is the code tested. [hours] in the settings file too.
#include "kiosk/settings/opening_hours.hpp"
#include "kiosk/settings/config.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

using namespace fieldkiosk::kiosk;
using namespace std::chrono;
using TimePoint = system_clock::time_point;

namespace {

TimePoint utc(int y, int mo, int d, int h = 0, int mi = 0, int s = 0) {
    return sys_days{year{y} / month{static_cast<unsigned>(mo)} / day{static_cast<unsigned>(d)}} + hours{h} + minutes{mi} +
           seconds{s};
}

std::string text(std::optional<TimePoint> t) {
    if (!t) return "never";
    const std::time_t tt = system_clock::to_time_t(*t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
    return buf;
}

std::vector<MinuteRange> hours_of(std::string_view s) {
    auto r = parse_day_hours(s);
    EXPECT_TRUE(r.has_value()) << s << ": " << (r ? "" : r.error());
    return r.value_or(std::vector<MinuteRange>{});
}

// A library's week: weekdays 09:00-17:00 (Wednesday with a lunch break), Saturday 10:00-16:00, Sunday closed.
OpeningHours library_week() {
    OpeningHours h;
    h.configured = true;
    for (int d : {0, 1, 3, 4}) h.week[static_cast<std::size_t>(d)] = hours_of("09:00-17:00");
    h.week[2] = hours_of("09:00-13:00, 14:00-17:00");
    h.week[5] = hours_of("10:00-16:00");
    return h;
}

const FixedOffsetZone k_utc;

}  // namespace

// ---------------------------------------------------------------- the setting's text

TEST(OpeningHoursParse, ReadsOneRangeTwoRangesClosedAndAWholeDay) {
    EXPECT_EQ(hours_of("09:00-17:00"), (std::vector<MinuteRange>{{540, 1020}}));
    EXPECT_EQ(hours_of(" 09:00 - 13:00 ,14:00-17:30 "), (std::vector<MinuteRange>{{540, 780}, {840, 1050}}));
    EXPECT_TRUE(hours_of("closed").empty());
    EXPECT_TRUE(hours_of("Closed").empty());
    EXPECT_EQ(hours_of("00:00-24:00"), (std::vector<MinuteRange>{{0, 1440}}));
}

TEST(OpeningHoursParse, RejectsWhatIsNotHoursSayingWhatAndQuotingTheText) {
    auto err = [](std::string_view s) {
        auto r = parse_day_hours(s);
        EXPECT_FALSE(r.has_value()) << s << " was accepted";
        return r ? std::string() : r.error();
    };
    EXPECT_EQ(err("9-17").substr(0, 30), "'9-17' is not HH:MM-HH:MM (wri");
    EXPECT_NE(err("9:00-17:00").find("is not HH:MM-HH:MM"), std::string::npos);
    EXPECT_NE(err("09:00-17:00,").find("is not HH:MM-HH:MM"), std::string::npos);
    EXPECT_NE(err("open").find("'open' is not HH:MM-HH:MM"), std::string::npos);
    EXPECT_NE(err("").find("is empty"), std::string::npos);
    EXPECT_NE(err("25:00-26:00").find("25:00 is not a time of day"), std::string::npos);
    EXPECT_NE(err("09:60-17:00").find("09:60 is not a time of day"), std::string::npos);
    EXPECT_NE(err("09:00-24:30").find("24:30 is not a time of day"), std::string::npos);
    EXPECT_NE(err("24:00-24:00").find("23:59 at the latest"), std::string::npos);
    EXPECT_NE(err("17:00-09:00").find("closes before it opens"), std::string::npos);
    EXPECT_NE(err("22:00-02:00").find("\"22:00-24:00\" and \"00:00-02:00\""), std::string::npos);
    EXPECT_NE(err("09:00-13:00, 12:00-17:00").find("must not overlap"), std::string::npos);
    EXPECT_NE(err("14:00-17:00, 09:00-13:00").find("in order"), std::string::npos);
}

TEST(OpeningHoursParse, DatesAreYearMonthDayOfTheCalendar) {
    ASSERT_TRUE(parse_local_date("2026-12-25"));
    EXPECT_EQ(*parse_local_date("2026-12-25"), (LocalDate{2026, 12, 25}));
    EXPECT_NE(parse_local_date("2026-02-30").error().find("not a day of the calendar"), std::string::npos);
    EXPECT_NE(parse_local_date("25/12/2026").error().find("YYYY-MM-DD"), std::string::npos);
    EXPECT_NE(parse_local_date("2026-1-5").error().find("YYYY-MM-DD"), std::string::npos);
    EXPECT_EQ(format_date({2027, 1, 4}), "2027-01-04");
    EXPECT_EQ(format_hhmm(540), "09:00");
    EXPECT_EQ((LocalDate{2026, 11, 30}).weekday(), 0);  // a Monday
    EXPECT_EQ((LocalDate{2026, 11, 29}).weekday(), 6);
    EXPECT_EQ((LocalDate{2026, 12, 31}).plus_days(1), (LocalDate{2027, 1, 1}));
    EXPECT_EQ((LocalDate{2026, 12, 28}).days_until({2027, 1, 4}), 7);
}

// ---------------------------------------------------------------- is_open, next_change

TEST(OpeningHours, NotConfiguredIsAlwaysOpenAndNeverChanges) {
    const OpeningHours h;
    EXPECT_TRUE(h.is_open(utc(2026, 12, 25, 3), k_utc));
    EXPECT_EQ(h.next_change(utc(2026, 12, 25, 3), k_utc), std::nullopt);
}

TEST(OpeningHours, OpensAtTheFirstSecondAndClosesAtTheClosingMinute) {
    const auto h = library_week();
    // Monday 30 November 2026.
    EXPECT_FALSE(h.is_open(utc(2026, 11, 30, 8, 59, 59), k_utc));
    EXPECT_TRUE(h.is_open(utc(2026, 11, 30, 9), k_utc));
    EXPECT_TRUE(h.is_open(utc(2026, 11, 30, 16, 59, 59), k_utc));
    EXPECT_FALSE(h.is_open(utc(2026, 11, 30, 17), k_utc));
    EXPECT_EQ(text(h.next_change(utc(2026, 11, 30, 7), k_utc)), "2026-11-30 09:00:00 UTC");
    EXPECT_EQ(text(h.next_change(utc(2026, 11, 30, 9), k_utc)), "2026-11-30 17:00:00 UTC");  // strictly after
    EXPECT_EQ(text(h.next_change(utc(2026, 11, 30, 12), k_utc)), "2026-11-30 17:00:00 UTC");
}

TEST(OpeningHours, TwoRangesCloseForLunch) {
    const auto h = library_week();  // Wednesday 2 December: 09:00-13:00, 14:00-17:00
    EXPECT_TRUE(h.is_open(utc(2026, 12, 2, 12, 59), k_utc));
    EXPECT_FALSE(h.is_open(utc(2026, 12, 2, 13, 30), k_utc));
    EXPECT_TRUE(h.is_open(utc(2026, 12, 2, 14), k_utc));
    EXPECT_EQ(text(h.next_change(utc(2026, 12, 2, 10), k_utc)), "2026-12-02 13:00:00 UTC");
    EXPECT_EQ(text(h.next_change(utc(2026, 12, 2, 13), k_utc)), "2026-12-02 14:00:00 UTC");
}

TEST(OpeningHours, AClosedDayIsSkippedToTheNextOpening) {
    const auto h = library_week();
    EXPECT_FALSE(h.is_open(utc(2026, 11, 29, 12), k_utc));  // Sunday
    // Saturday 16:00 closes; Sunday is closed; Monday 09:00 opens.
    EXPECT_EQ(text(h.next_change(utc(2026, 11, 28, 16), k_utc)), "2026-11-30 09:00:00 UTC");
}

TEST(OpeningHours, ClosedDatesOverrideTheWeekdayAndRunOfThemAreSkipped) {
    auto h = library_week();
    for (auto d : {"2026-12-25", "2026-12-26", "2026-12-28"}) h.closed_dates.push_back(*parse_local_date(d));
    EXPECT_TRUE(h.is_open(utc(2026, 12, 24, 12), k_utc));   // Thursday
    EXPECT_FALSE(h.is_open(utc(2026, 12, 25, 12), k_utc));  // Friday, Christmas Day
    EXPECT_FALSE(h.is_open(utc(2026, 12, 28, 12), k_utc));  // Monday, the substitute bank holiday
    EXPECT_EQ(text(h.next_change(utc(2026, 12, 24, 17), k_utc)), "2026-12-29 09:00:00 UTC");
}

TEST(OpeningHours, AnOpeningOverMidnightIsOneOpeningAcrossTwoDays) {
    OpeningHours h;
    h.configured = true;
    h.week[0] = hours_of("18:00-24:00");  // Monday evening ...
    h.week[1] = hours_of("00:00-02:00");  // ... into Tuesday night
    EXPECT_TRUE(h.is_open(utc(2026, 11, 30, 23, 59, 59), k_utc));
    EXPECT_TRUE(h.is_open(utc(2026, 12, 1, 0), k_utc));
    EXPECT_FALSE(h.is_open(utc(2026, 12, 1, 2), k_utc));
    // No change at midnight: the next is Tuesday 02:00.
    EXPECT_EQ(text(h.next_change(utc(2026, 11, 30, 20), k_utc)), "2026-12-01 02:00:00 UTC");
    // A whole day ends at the next midnight when the next day is closed.
    h.week[1].clear();
    EXPECT_EQ(text(h.next_change(utc(2026, 11, 30, 20), k_utc)), "2026-12-01 00:00:00 UTC");
    EXPECT_FALSE(h.is_open(utc(2026, 12, 1, 0), k_utc));
}

TEST(OpeningHours, NoOpeningAtAllNeverChanges) {
    OpeningHours h;
    h.configured = true;
    EXPECT_FALSE(h.is_open(utc(2026, 11, 30, 12), k_utc));
    EXPECT_EQ(h.next_change(utc(2026, 11, 30, 12), k_utc), std::nullopt);
}

TEST(OpeningHours, HoursAreLocalTimesInTheZone) {
    const auto h = library_week();
    const FixedOffsetZone plus_one{minutes{60}};
    EXPECT_TRUE(h.is_open(utc(2026, 11, 30, 8), plus_one));  // 09:00 local
    EXPECT_FALSE(h.is_open(utc(2026, 11, 30, 16), plus_one));
    EXPECT_EQ(text(h.next_change(utc(2026, 11, 30, 7), plus_one)), "2026-11-30 08:00:00 UTC");
}

// ---------------------------------------------------------------- clock changes

namespace {

// A zone with one known change at `at`: `before` minutes ahead of UTC until then, `after` from then on.
class OneChangeZone final : public TimeZone {
public:
    OneChangeZone(TimePoint at, int before, int after) : m_at(at), m_before(minutes{before}), m_after(minutes{after}) {}
    [[nodiscard]] LocalTime to_local(TimePoint t) const override {
        return FixedOffsetZone(t < m_at ? m_before : m_after).to_local(t);
    }

private:
    TimePoint m_at;
    minutes m_before, m_after;
};

}  // namespace

TEST(OpeningHoursClockChange, SkippedReadingsStartAtTheJumpAndRepeatedOnesAtTheFirst) {
    const OneChangeZone spring(utc(2026, 3, 29, 1), 0, 60);  // 01:00 GMT -> 02:00 BST
    EXPECT_EQ(text(from_local(spring, {2026, 3, 29}, 30)), "2026-03-29 00:30:00 UTC");
    EXPECT_EQ(text(from_local(spring, {2026, 3, 29}, 90)), "2026-03-29 01:00:00 UTC");  // 01:30 does not exist
    EXPECT_EQ(text(from_local(spring, {2026, 3, 29}, 180)), "2026-03-29 02:00:00 UTC");
    const OneChangeZone autumn(utc(2026, 10, 25, 1), 60, 0);                             // 02:00 BST -> 01:00 GMT
    EXPECT_EQ(text(from_local(autumn, {2026, 10, 25}, 90)), "2026-10-25 00:30:00 UTC");  // the first 01:30
    EXPECT_EQ(text(from_local(autumn, {2026, 10, 25}, 150)), "2026-10-25 02:30:00 UTC");
}

// The real time zone database, as the kiosk uses it (localtime_r). TZ is set for this process only.
class OpeningHoursLondon : public ::testing::Test {
protected:
    void SetUp() override {
        if (const char* old = std::getenv("TZ")) m_old = old;
        ::setenv("TZ", "Europe/London", 1);
        ::tzset();
        // Proves the zone loaded: without tzdata glibc falls back to UTC silently, and these tests would
        // then pass for the wrong reason.
        ASSERT_EQ(m_zone.to_local(utc(2026, 7, 1, 12)).seconds, 13 * 3600)
            << "Europe/London did not load: install tzdata (/usr/share/zoneinfo)";
        ASSERT_EQ(m_zone.to_local(utc(2026, 12, 1, 12)).seconds, 12 * 3600);
    }
    void TearDown() override {
        if (m_old)
            ::setenv("TZ", m_old->c_str(), 1);
        else
            ::unsetenv("TZ");
        ::tzset();
    }
    SystemTimeZone m_zone;
    std::optional<std::string> m_old;
};

TEST_F(OpeningHoursLondon, InMarchNineStillMeansNineOnTheWallClock) {
    auto h = library_week();
    h.week[5].clear();  // closed on Saturdays too
    // Friday 27 March 2026 (GMT) closes at 17:00 UTC; Monday 30 March (BST) opens at 09:00 BST = 08:00 UTC:
    // 63 hours later, not 64.
    EXPECT_EQ(text(h.next_change(utc(2026, 3, 27, 12), m_zone)), "2026-03-27 17:00:00 UTC");
    const auto opens = h.next_change(utc(2026, 3, 27, 17), m_zone);
    EXPECT_EQ(text(opens), "2026-03-30 08:00:00 UTC");
    EXPECT_FALSE(h.is_open(utc(2026, 3, 30, 7, 59, 59), m_zone));
    EXPECT_TRUE(h.is_open(utc(2026, 3, 30, 8), m_zone));
    EXPECT_EQ(duration_cast<hours>(*opens - utc(2026, 3, 27, 17)).count(), 63);
}

TEST_F(OpeningHoursLondon, ADayOpenAllDayIsTwentyThreeHoursInMarchAndTwentyFiveInOctober) {
    OpeningHours h;
    h.configured = true;
    h.week[6] = hours_of("00:00-24:00");  // Sundays only
    const auto spring_open = h.next_change(utc(2026, 3, 28, 12), m_zone);
    ASSERT_EQ(text(spring_open), "2026-03-29 00:00:00 UTC");
    const auto spring_close = h.next_change(*spring_open, m_zone);
    EXPECT_EQ(text(spring_close), "2026-03-29 23:00:00 UTC");  // midnight BST
    EXPECT_EQ(duration_cast<hours>(*spring_close - *spring_open).count(), 23);
    const auto autumn_open = h.next_change(utc(2026, 10, 24, 12), m_zone);
    ASSERT_EQ(text(autumn_open), "2026-10-24 23:00:00 UTC");  // midnight BST
    const auto autumn_close = h.next_change(*autumn_open, m_zone);
    EXPECT_EQ(text(autumn_close), "2026-10-26 00:00:00 UTC");  // midnight GMT
    EXPECT_EQ(duration_cast<hours>(*autumn_close - *autumn_open).count(), 25);
}

TEST_F(OpeningHoursLondon, AnOpeningInsideTheSkippedHourStartsWhenTheClocksJump) {
    OpeningHours h;
    h.configured = true;
    h.week[6] = hours_of("01:30-03:00");
    EXPECT_EQ(text(h.next_change(utc(2026, 3, 28, 12), m_zone)), "2026-03-29 01:00:00 UTC");
    EXPECT_FALSE(h.is_open(utc(2026, 3, 29, 0, 59, 59), m_zone));
    EXPECT_TRUE(h.is_open(utc(2026, 3, 29, 1), m_zone));                                     // reads 02:00 BST
    EXPECT_EQ(text(h.next_change(utc(2026, 3, 29, 1), m_zone)), "2026-03-29 02:00:00 UTC");  // 03:00 BST
}

// ---------------------------------------------------------------- [hours] in the settings file

TEST(OpeningHoursConfig, ReadsTheWeekAndTheClosedDates) {
    const auto r = parse_config(R"(
[hours]
monday = "09:00-17:00"
tuesday = "09:00-13:00, 14:00-17:00"
saturday = "closed"
closed_dates = ["2026-12-26", "2026-12-25"]
)",
                                "k.toml");
    EXPECT_TRUE(r.messages.empty()) << r.messages.front();
    const auto& h = r.config.hours;
    EXPECT_TRUE(h.configured);
    EXPECT_EQ(h.week[0], (std::vector<MinuteRange>{{540, 1020}}));
    EXPECT_EQ(h.week[1].size(), 2u);
    EXPECT_TRUE(h.week[5].empty());
    EXPECT_TRUE(h.week[6].empty());                                                       // not listed: closed
    EXPECT_EQ(h.closed_dates, (std::vector<LocalDate>{{2026, 12, 25}, {2026, 12, 26}}));  // sorted
    EXPECT_TRUE(h.problems.empty());
}

TEST(OpeningHoursConfig, NoSectionIsAlwaysOpen) {
    const auto r = parse_config("[kiosk]\nsite = \"Kentish Town Library\"\n", "k.toml");
    EXPECT_TRUE(r.messages.empty());
    EXPECT_FALSE(r.config.hours.configured);
    EXPECT_TRUE(r.config.hours.is_open(utc(2026, 12, 25, 3), k_utc));
}

TEST(OpeningHoursConfig, ABadDayIsNamedAndThatDayStaysOpenAllDay) {
    const auto r = parse_config(R"(
[hours]
monday = "09:00-17:00"
tuesday = "9-17"
wednesday = 9
closed_dates = ["2026-12-25", "Christmas"]
holidays = ["2026-12-26"]
)",
                                "k.toml");
    ASSERT_EQ(r.messages.size(), 4u);
    std::string all;
    for (const auto& m : r.messages) all += m + "\n";
    EXPECT_NE(all.find("k.toml: [hours] tuesday: '9-17' is not HH:MM-HH:MM"), std::string::npos) << all;
    EXPECT_NE(all.find("stays open all day on Tuesdays until this is fixed"), std::string::npos) << all;
    EXPECT_NE(all.find("[hours] wednesday: must be a string"), std::string::npos) << all;
    EXPECT_NE(all.find("[hours] closed_dates: 'Christmas' is not a date written YYYY-MM-DD"), std::string::npos) << all;
    EXPECT_NE(all.find("hours.holidays is not a setting"), std::string::npos) << all;
    const auto& h = r.config.hours;
    EXPECT_TRUE(h.configured);
    EXPECT_EQ(h.week[1], (std::vector<MinuteRange>{{0, 1440}}));
    EXPECT_EQ(h.week[2], (std::vector<MinuteRange>{{0, 1440}}));
    EXPECT_EQ(h.closed_dates, (std::vector<LocalDate>{{2026, 12, 25}}));
    EXPECT_EQ(h.problems.size(), 4u);  // shown on the admin panel too
}

TEST(OpeningHoursConfig, AnEmptySectionIsReportedAndLeavesTheKioskOpen) {
    const auto r = parse_config("[hours]\n", "k.toml");
    ASSERT_EQ(r.messages.size(), 1u);
    EXPECT_NE(r.messages[0].find("[hours] lists no day"), std::string::npos) << r.messages[0];
    EXPECT_FALSE(r.config.hours.configured);
}

TEST(OpeningHoursConfig, EveryDayClosedIsHonouredButReported) {
    const auto r = parse_config("[hours]\nmonday = \"closed\"\n", "k.toml");
    ASSERT_EQ(r.messages.size(), 1u);
    EXPECT_NE(r.messages[0].find("no opening on any day"), std::string::npos) << r.messages[0];
    EXPECT_TRUE(r.config.hours.configured);
    EXPECT_FALSE(r.config.hours.is_open(utc(2026, 11, 30, 12), k_utc));
}

TEST(OpeningHoursConfig, TheShippedExampleIsCommentedOutAndValidOnceUncommented) {
    const auto file = std::filesystem::path(FIELDKIOSK_SURVEY_DEFS_DIR).parent_path() / "installer/fieldkiosk.toml";
    std::ifstream in(file);
    ASSERT_TRUE(in) << file;
    std::string line, as_shipped, uncommented;
    bool in_hours = false;
    while (std::getline(in, line)) {
        as_shipped += line + "\n";
        in_hours = in_hours || line.starts_with("# [hours]");
        uncommented += (in_hours && line.starts_with("# ") ? line.substr(2) : line) + "\n";
    }
    ASSERT_TRUE(in_hours) << "installer/fieldkiosk.toml has no commented [hours] example";
    const auto shipped = parse_config(as_shipped, "fieldkiosk.toml");
    EXPECT_FALSE(shipped.config.hours.configured);  // shipped: always open, as before
    EXPECT_EQ(shipped.config.sync.closed_period, seconds{3600});
    const auto example = parse_config(uncommented, "fieldkiosk.toml");
    EXPECT_TRUE(example.messages.empty()) << example.messages.front();
    EXPECT_TRUE(example.config.hours.configured);
    EXPECT_EQ(example.config.hours.week[2].size(), 2u);
    EXPECT_TRUE(example.config.hours.week[6].empty());
    EXPECT_EQ(example.config.hours.closed_dates.size(), 3u);
}

TEST(OpeningHoursConfig, ClosedSyncPeriodIsASyncSettingWithBounds) {
    EXPECT_EQ(parse_config("", "k.toml").config.sync.closed_period, seconds{3600});
    auto r = parse_config("[sync]\nclosed_period_seconds = 7200\n", "k.toml");
    EXPECT_TRUE(r.messages.empty());
    EXPECT_EQ(r.config.sync.closed_period, seconds{7200});
    r = parse_config("[sync]\nclosed_period_seconds = 10\n", "k.toml");
    ASSERT_EQ(r.messages.size(), 1u);
    EXPECT_NE(r.messages[0].find("sync.closed_period_seconds must be a whole number from 300 to 86400"), std::string::npos);
    EXPECT_EQ(r.config.sync.closed_period, seconds{3600});
}
