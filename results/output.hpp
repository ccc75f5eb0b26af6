// fieldkiosk::results output — a Table as tidy CSV, JSON or a plain-text table for a terminal.
//
// Index:
//   k_csv_columns   the tidy CSV's header (indicators.md §7, then kind, mean, item non-response and change)
//   shown_count     a count as it may be published: "<10" for 1–9 people
//   write_csv / write_json / write_text
//
// Suppressed figures print "<10" (or "hidden" for secondary suppression) and no number. Every output carries
// caveat_text(): CSV as a leading comment line ("# ..."), JSON as "caveat", the text table under its title.
#pragma once

#include "results/tabulate.hpp"

#include <ostream>
#include <string>

namespace fieldkiosk::results {

inline constexpr std::string_view k_csv_columns =
    "indicator,period,breakdown,group,n,numerator,percent,ci_low,ci_high,weighted_percent,n_eff,suppressed,reason,"
    "kind,mean,item_nonresponse,previous_period,previous_percent,change_low,change_high,change";

[[nodiscard]] std::string shown_count(std::int64_t count);

void write_csv(const Table& t, std::ostream& out);
void write_json(const Table& t, const IndicatorSet& set, std::ostream& out, std::string_view language = "en");
void write_text(const Table& t, const IndicatorSet& set, std::ostream& out, std::string_view language = "en");

}  // namespace fieldkiosk::results
