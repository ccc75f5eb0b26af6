// fieldkiosk::sync::server `report` — the council's indicator figures from the receiver's database or from an
// export file, through the results library (results/tabulate.hpp), so that the numbers equal the dashboard's.
//
//   fieldkiosk-server report --db URL --survey food [--by ward] [--period 2026-Q3] [--weights FILE]
//                            [--format table|csv|json] [--surveys DIR] [--indicators DIR]
//   fieldkiosk-server report --from-csv FILE --survey food ...   (an export, e.g. opened by `decrypt`)
//
// Reads every stored response of the survey once (twice with --weights: raking needs every respondent first),
// in constant memory. Responses are not yet left out for quality flags (sync/server/quality.hpp): the flags
// are not stored per response; Filters::exclude is the hook for when they are (docs/results.md).
// Exit codes: 0 done, 1 failed (said why on `err`), 2 a bad option value (said which and what is valid).
#pragma once

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
};

[[nodiscard]] int run_report(const ReportOptions& options, std::ostream& out, std::ostream& err);

}  // namespace fieldkiosk::sync::server
