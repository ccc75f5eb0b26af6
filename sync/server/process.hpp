// fieldkiosk::sync::server process figures — how the collection itself goes, for the council's research team:
// completions per site and day, completion rate and drop-off per screen (from the kiosks' drop-off counts,
// docs/sync_protocol.md "Drop-offs"), minutes to complete, and item non-response per question.
//
// Index:
//   ProcessFigures     what one survey's figures are (all time; days are UTC dates)
//   ProcessTally       add() each stored response, add_dropoffs() the stored counts, finish()
//   render_process_text / render_process_json   the `fieldkiosk-server process` verb's output
//   run_process        the verb: reads the database once, audited like `report`
//
// Definitions:
// - A START at a kiosk is a completion in kiosk mode or a drop-off; the COMPLETION RATE is kiosk-mode
//   completions over starts. Outreach (assisted) interviews are counted as completions but never in the rate:
//   an unfinished interview is kept as a draft on the tablet, not a drop-off.
// - DROP-OFF PER SCREEN: of all starts, the share who left at that question (the last one they reached).
// - MINUTES TO COMPLETE: completed_at − started_at of each response; the median, and the middle half (quartiles).
//   A response whose times cannot be read, or that took less than 0 or more than 24 hours (a kiosk clock set
//   while a walk was open), is left out of the minutes and counted.
// - ITEM NON-RESPONSE of a question: of the responses in which it was asked (relevant, given that response's own
//   answers and its survey version's rules), those that left it unanswered, answered "dont_know" or a
//   "prefer_not…" choice. Sealed responses (answers encrypted on the kiosk) cannot be read here and are counted
//   apart; responses of a version the receiver does not know are judged with the current version.
// These are counts about the process, never an answer of one person: no small-cell suppression is applied.
// Thread-safety: ProcessTally is single-threaded; free functions are safe from any thread.
#pragma once

#include "core/loader.hpp"
#include "core/survey.hpp"
#include "sync/server/storage.hpp"

#include <cstdint>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace fieldkiosk::sync::server {

struct ProcessFigures {
    std::string survey_id, survey_title;
    std::int64_t completed = 0, completed_kiosk = 0, completed_assisted = 0, dropoffs = 0;
    std::optional<double> completion_rate;  // completed_kiosk / (completed_kiosk + dropoffs); none without starts

    struct SiteDay {
        std::string site, day;  // day: YYYY-MM-DD (UTC)
        std::int64_t completed = 0, dropoffs = 0;
    };
    std::vector<SiteDay> by_site_day;  // by day, then site
    struct Site {
        std::string site;
        std::int64_t completed = 0, completed_kiosk = 0, dropoffs = 0;
        std::optional<double> completion_rate;
    };
    std::vector<Site> by_site;  // by site name ("" = not known: drop-offs from kiosks before they sent sites)

    struct Screen {
        std::string question, label;  // label: the current version's English text ("" for a name it lacks)
        std::int64_t dropoffs = 0;
        double share_of_starts = 0;  // 0..1
    };
    std::vector<Screen> dropoff_by_screen;  // the survey's order; then names it does not have (older versions), "(end)" last

    std::optional<double> median_minutes, lower_quartile_minutes, upper_quartile_minutes;
    std::optional<double> median_minutes_kiosk, median_minutes_assisted;
    std::int64_t timed = 0, untimed = 0;  // responses in / left out of the minutes

    struct Item {
        std::string question, label;
        std::int64_t asked = 0, answered = 0, unanswered = 0, dont_know = 0, prefer_not = 0;
        [[nodiscard]] std::int64_t missing() const { return unanswered + dont_know + prefer_not; }
        [[nodiscard]] std::optional<double> rate() const {
            return asked > 0 ? std::optional<double>(static_cast<double>(missing()) / static_cast<double>(asked)) : std::nullopt;
        }
    };
    std::vector<Item> items;  // every question that takes an answer, in the current version's order
    std::int64_t sealed = 0;      // counted in completions and minutes, not in item non-response
    std::int64_t unreadable = 0;  // payloads that are not a response object: counted nowhere else
};

class ProcessTally {
public:
    // `current` labels the figures and orders the screens; `catalog` (may be null) gives each response's own
    // version, so that relevance is judged with the rules it was collected under.
    ProcessTally(core::SurveyPtr current, const core::Catalog* catalog);
    ~ProcessTally();
    ProcessTally(const ProcessTally&) = delete;
    ProcessTally& operator=(const ProcessTally&) = delete;

    void add(const ExportRow& row);
    void add_dropoffs(const std::vector<DropoffRecord>& records);
    [[nodiscard]] ProcessFigures finish();

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

void render_process_text(const ProcessFigures& f, std::ostream& out);
void render_process_json(const ProcessFigures& f, std::ostream& out);

struct ProcessOptions {
    std::string db;                    // sqlite:PATH, PATH or postgresql://...
    std::string survey;                // survey id
    std::string format = "table";      // table | json
    std::vector<std::string> surveys;  // survey folders; empty: the default surveys folder
    std::string who;                   // for the audit log
};
// Exit codes as `report`: 0 done, 1 failed (said why on `err`), 2 a bad option value.
[[nodiscard]] int run_process(const ProcessOptions& options, std::ostream& out, std::ostream& err);

}  // namespace fieldkiosk::sync::server
