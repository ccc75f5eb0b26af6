// fieldkiosk::results raking — weights that make the respondents match the council's population totals.
//
// Index:
//   Margin, PopulationTotals  one variable's category totals (e.g. ward -> residents 16+); several margins
//   read_population_totals    the council's CSV: variable,category,total (errors name file, line and field)
//   RakeOptions, RakeResult   convergence, the weight cap, what came out (n_eff, exclusions, iterations)
//   rake                      iterative proportional fitting to SEPARATE margins (Deming & Stephan 1940)
//
// Raking adjusts a self-selected sample on a few characteristics; weighted figures are "adjusted", never
// "representative" (Pew 2018). Respondents whose category on a raking variable is missing, prefer_not or
// not_camden (anything without a total) get no weight and are counted in RakeResult::excluded.
#pragma once

#include <cstdint>
#include <expected>
#include <filesystem>
#include <string>
#include <vector>

namespace fieldkiosk::results {

struct Margin {
    std::string variable;                 // a question name: "ward", "age_band", ...
    std::vector<std::string> categories;  // choice values
    std::vector<double> totals;           // same size; > 0
};

struct PopulationTotals {
    std::vector<Margin> margins;
    [[nodiscard]] const Margin* find(std::string_view variable) const;
};

// CSV with the header `variable,category,total`; one line per category; totals positive numbers. Errors name
// the file, the line and the column, and say what would be valid.
[[nodiscard]] std::expected<PopulationTotals, std::string> read_population_totals(const std::filesystem::path& file);
[[nodiscard]] std::expected<PopulationTotals, std::string> parse_population_totals(std::string_view text,
                                                                                   const std::string& file_name);

struct RakeOptions {
    double tolerance = 1e-6;   // stop when every margin is within this relative difference of its totals
    int max_iterations = 100;  // per raking round
    double cap = 5.0;          // weights capped at cap × the mean weight, then re-raked; <= 0: no cap
    int max_cap_rounds = 20;
};

struct RakeResult {
    std::vector<double> weights;  // one per respondent; 0 for the excluded. Scaled to sum to the population total
    std::int64_t used = 0, excluded = 0;
    int iterations = 0;  // in the last round
    bool converged = false;
    double max_margin_error = 0;     // max |Σw_k / T_k - 1| at the end
    double n_eff = 0;                // Kish, over the used respondents
    std::vector<std::string> notes;  // plain words: categories with no respondents folded away, cap rounds
};

// `categories[m][i]` is respondent i's index into margins[m].categories, or -1 (no total: excluded).
// A category with a total but no respondent cannot be matched: its total is spread over the margin's other
// categories in proportion (a note says which). Every margin is scaled to the first margin's total.
[[nodiscard]] RakeResult rake(const PopulationTotals& totals, const std::vector<std::vector<int>>& categories,
                              const RakeOptions& options = {});

}  // namespace fieldkiosk::results
