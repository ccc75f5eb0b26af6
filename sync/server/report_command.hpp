// fieldkiosk::sync::server `report` — the council's indicator figures from the receiver's database or from an
// export file, through the results library (results/tabulate.hpp), so that the numbers equal the dashboard's.
//
//   fieldkiosk-server report --db URL --survey food [--by ward] [--period 2026-Q3] [--weights FILE]
//                            [--format table|csv|json] [--surveys DIR] [--indicators DIR]
//   fieldkiosk-server report --from-csv FILE --survey food ...   (an export, e.g. opened by `decrypt`)
//                            [--config server.toml] [--include-flagged]
//
// Reads every stored response of the survey once (twice with --weights: raking needs every respondent first),
// in constant memory, after one more read for the quality flags (quality_rows.hpp): a flagged response is left
// out of every figure (Filters::exclude, "quality flag: burst"), counted and shown with its reason, unless
// include_flagged. The flags are computed as the report runs with the thresholds of `config`'s [quality] table.
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
    std::string config;                // server.toml whose [quality] table sets the thresholds; empty: the defaults
    bool include_flagged = false;      // true: responses with quality flags count like any other
};

[[nodiscard]] int run_report(const ReportOptions& options, std::ostream& out, std::ostream& err);

}  // namespace fieldkiosk::sync::server
