// fieldkiosk::sync::server `report` — the council's indicator figures from the receiver's database or from an
// export file, through the results library (results/tabulate.hpp), so that the numbers equal the dashboard's.
//
//   fieldkiosk-server report --db URL --survey food [--by ward] [--period 2026-Q3] [--weights FILE]
//                            [--format table|csv|json] [--surveys DIR] [--indicators DIR]
//   fieldkiosk-server report --from-csv FILE --survey food ...   (an export, e.g. opened by `decrypt`)
//                            [--config server.toml] [--include-flagged]
//
// From the database: the kept figures (kept_figures.hpp) are brought up to date, reading only the responses
// received since they last were, then the figures are summed from the kept cells of each month, less the
// responses flagged now (read one by one). With --weights every response is read twice instead (raking needs
// every respondent first), in constant memory. From an export file: every row is read for the quality flags,
// then again for the figures. A flagged response is left out of every figure ("quality flag: burst"), counted
// and shown with its reason, unless include_flagged. The flags use the thresholds of `config`'s [quality]
// table (the receiver's own server.toml keeps its kept flags in step; other thresholds recompute them).
// Exit codes: 0 done, 1 failed (said why on `err`), 2 a bad option value (said which and what is valid).
#pragma once

#include "core/survey.hpp"
#include "results/tabulate.hpp"
#include "sync/server/quality.hpp"

#include <expected>
#include <iosfwd>
#include <string>
#include <vector>

namespace fieldkiosk::sync::server {

struct ReportOptions {
    std::string db;                    // sqlite:PATH, PATH or postgresql://...; empty with from_csv
    std::string from_csv;              // an export file instead of the database
    std::string survey;                // survey id
    std::vector<std::string> by;       // breakdowns (results::breakdown_names()); "a,b" is split
    std::string period;                // results::parse_period text; empty: all time
    std::string weights;               // population totals CSV (results::read_population_totals); empty: unweighted
    std::string format = "table";      // table | csv | json
    std::vector<std::string> surveys;  // survey folders; empty: the default surveys folder
    std::string indicators;            // indicator folder; empty: the first surveys folder's indicators/
    std::string language = "en";       // labels
    std::string who;                   // for the audit log ("command line (user NAME)")
    std::string config;                // server.toml whose [quality] table sets the thresholds; empty: the defaults
    bool include_flagged = false;      // true: responses with quality flags count like any other
};

[[nodiscard]] int run_report(const ReportOptions& options, std::ostream& out, std::ostream& err);

class Storage;

// What `report` computes, for a caller that already holds the definitions and an open database (the dashboard):
// the same pass over the stored responses with the same exclusions, so that its numbers are report's. Not audited
// here (the caller records what it shows). Rows that cannot be read are named on `err` and counted as excluded.
struct TabulateRequest {
    core::SurveyPtr survey;
    const results::IndicatorSet* set = nullptr;
    results::Filters filters;  // its `exclude` is replaced by the quality flags unless include_flagged
    QualitySettings quality;
    bool include_flagged = false;
    bool kept = true;  // false: every response read and flagged afresh, not the kept figures (tests compare the two)
};
[[nodiscard]] std::expected<results::Table, std::string> tabulate_stored(Storage& storage, const TabulateRequest& request, std::ostream& err);
// --weights' checks for one survey: each margin a single-choice question of it, each category one of its choices.
[[nodiscard]] std::expected<results::PopulationTotals, std::string> read_weights_for(const std::string& file, const core::Survey& survey);

}  // namespace fieldkiosk::sync::server
