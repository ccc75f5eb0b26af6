// fieldkiosk::results tabulation — from responses, indicator definitions and filters to a table of figures.
//
// Index:
//   breakdown_names, is_breakdown   the groups a figure can be split by (ward, site, kiosk, mode, age_band, ...)
//   ResponseFrame                   one response as the indicators read it: values by survey slot + metadata
//   Filters                         period, breakdowns, weighting, the exclusion hook (quality flags)
//   Figure, Table                   one row of output; all rows with the caveat and counts
//   Tabulator                       streaming: add() each response once (constant memory), then finish()
//   CellKey, CellSums, CellBuilder  the sums figures are made of, per month: kept by the receiver so that a report
//                                   sums cells instead of reading every response (sync/server/kept_figures.hpp)
//   compute_table                   the pure function a dashboard calls: responses in memory -> Table
//
// Every figure: unweighted n, the figure, its 95 % interval (assumes random sampling), optionally the weighted
// figure with Kish's n_eff, item non-response, small-cell protection (suppression.hpp) applied per breakdown,
// and with a period: the change from the same period a year earlier (Newcombe) for proportions.
// Thread-safety: none needed; a Tabulator is used by one thread.
#pragma once

#include "core/survey.hpp"
#include "core/value.hpp"
#include "results/indicator.hpp"
#include "results/period.hpp"
#include "results/raking.hpp"
#include "results/stats.hpp"
#include "results/suppression.hpp"

#include <cstdint>
#include <expected>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace fieldkiosk::results {

// ward, site, kiosk, mode, age_band, age_group (16-24 / 25+), ethnic_group, disability, disability_impact,
// language, month, quarter.
[[nodiscard]] const std::vector<std::string>& breakdown_names();
[[nodiscard]] bool is_breakdown(std::string_view name);

class ResponseFrame {
public:
    explicit ResponseFrame(core::SurveyPtr survey);

    // Fills the frame from a response payload's JSON text (core::response_to_json's form): answers, calculated
    // values (computed with the survey's own calculations when the payload has none for a name) and metadata.
    // Text that is not JSON, a sealed payload, or an answer that does not fit its question is an error (the last
    // naming the question); the frame's values are then unchanged.
    [[nodiscard]] std::expected<void, std::string> load_payload(std::string_view payload);

    [[nodiscard]] const core::Survey& survey() const { return *m_survey; }
    [[nodiscard]] const core::Value& value(std::uint32_t slot) const { return m_values[slot]; }
    [[nodiscard]] const core::Value& value(std::string_view name) const;  // empty when unknown or unanswered
    void set(std::string_view name, core::Value v);                       // tests and generators

    std::string id, kiosk, site, mode, language, completed_at;  // metadata (completed_at: ISO 8601 UTC)

    // The group this response falls in for `breakdown` (a breakdown_names() entry): "not answered" when empty.
    [[nodiscard]] std::string group_of(std::string_view breakdown) const;

    void compute_calculations();  // every calculate question (respecting its relevance), in survey order

private:
    core::SurveyPtr m_survey;
    std::vector<core::Value> m_values;
};

struct Filters {
    std::optional<Period> period;         // none: every response ("all time")
    std::vector<std::string> breakdowns;  // besides the total (and each indicator's `compare`)
    std::vector<std::string> only;        // indicator ids to compute; empty: all of the set
    // Quality hook: a response for which this returns a reason is left out and counted by reason. `report` fills it
    // with the receiver's quality flags unless --include-flagged (docs/results.md, "Exclusions").
    std::function<std::optional<std::string>(const ResponseFrame&)> exclude;
    const PopulationTotals* weights = nullptr;  // set: raked weights (two passes; see Tabulator)
    RakeOptions rake_options;
};

struct Figure {
    std::string indicator;  // the indicator id; option shares: "F7.supermarket"
    std::string option;     // option shares: the choice value
    IndicatorKind kind = IndicatorKind::Proportion;
    std::string period;     // "2026-Q3", or "all"
    std::string breakdown;  // "all" for the total
    std::string group;      // "all" for the total
    std::int64_t n = 0, numerator = 0, item_nonresponse = 0;
    double value = 0;                  // percent 0-100 (proportions, option shares) or the mean
    std::optional<Interval> interval;  // same units as value
    std::optional<double> weighted_value;
    double n_eff = 0;
    Protection protection;
    // With a period, proportions: the same period a year earlier and Newcombe's interval for the change (points).
    std::string previous_period;
    std::optional<double> previous_value;
    std::optional<DifferenceEstimate> change;  // fractions (multiply by 100 for points)
};

struct Table {
    std::string survey;
    std::string period = "all";
    std::vector<Figure> figures;
    std::int64_t responses_read = 0, in_period = 0, excluded = 0;
    std::vector<std::string> exclusion_reasons;  // "reason: count"
    std::optional<RakeResult> weighting;         // without the per-response weights (cleared)
    std::vector<std::string> weighting_notes;
};

// The caveat every output carries (indicators.md §2; AAPOR): plain words for a council researcher.
[[nodiscard]] std::string caveat_text(bool weighted);

// One cell of kept sums: what the responses of one month add to one figure of one group. `month`: months since
// year 0 (period.hpp), k_no_month for a response whose completion time cannot be read. `unit`: a Figure's
// indicator ("F1", "F7.supermarket"), or k_responses_unit, the month's count of responses (breakdown and group
// "all", the count in `n`). Cells are kept for the total and for every breakdown of breakdown_names().
inline constexpr int k_no_month = -1;
inline constexpr std::string_view k_responses_unit = "#responses";
struct CellKey {
    int month = k_no_month;
    std::string unit, breakdown, group;
};
struct CellSums {
    std::int64_t n = 0, numerator = 0, nonresponse = 0;
    double sum = 0, sum_sq = 0;  // means
};

// Streaming tabulation. Without weights: add() every response once, then finish(). With Filters::weights: the
// raking needs every respondent's categories first, so call add_for_weights() for every response, then
// add() for every response IN THE SAME ORDER, then finish().
class Tabulator {
public:
    Tabulator(const IndicatorSet& set, Filters filters);
    ~Tabulator();
    Tabulator(const Tabulator&) = delete;
    Tabulator& operator=(const Tabulator&) = delete;

    [[nodiscard]] bool needs_weighting_pass() const { return m_filters.weights != nullptr; }
    void add_for_weights(const ResponseFrame& r);
    void add(const ResponseFrame& r);
    [[nodiscard]] Table finish();

    // The same figures from kept cells instead of responses (not with weights): add_cells() for every kept cell,
    // then remove() for each counted response that is now left out (a quality flag) with its reason, then
    // finish(). The table equals the one add() over the same responses gives, with Filters::exclude giving
    // those reasons. Cells of breakdowns not asked for, and of months outside the period, are ignored.
    void add_cells(const CellKey& key, const CellSums& sums);
    void remove(const ResponseFrame& r, const std::string& reason);

private:
    void accumulate(const ResponseFrame& r, int window, double weight, int sign);
    struct State;
    const IndicatorSet& m_set;
    Filters m_filters;
    std::unique_ptr<State> m_state;
};

// Builds the cells of CellKey from responses: every indicator of the set, the total and every breakdown, per
// month. Memory grows with the cells (months x figures x groups), not with the responses.
class CellBuilder {
public:
    explicit CellBuilder(const IndicatorSet& set);
    ~CellBuilder();
    CellBuilder(const CellBuilder&) = delete;
    CellBuilder& operator=(const CellBuilder&) = delete;

    void add(const ResponseFrame& r);
    void for_each(const std::function<void(const CellKey&, const CellSums&)>& fn) const;
    [[nodiscard]] std::size_t size() const;
    void clear();

private:
    struct State;
    std::unique_ptr<State> m_state;
};

// The pure function for callers that hold responses in memory (a dashboard page, the tests).
[[nodiscard]] Table compute_table(std::span<const ResponseFrame> responses, const IndicatorSet& set, Filters filters);

}  // namespace fieldkiosk::results
