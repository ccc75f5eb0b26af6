// fieldkiosk::results indicators — the council's figures declared as data (survey_defs/indicators/*.json,
// docs/results.md "Indicator files"), checked against the survey they read.
//
// Index:
//   IndicatorKind     proportion | mean | option_shares
//   Indicator         one compiled definition: expressions bound to the survey's question slots
//   IndicatorSet      one file: the survey it reads and its indicators, in file order
//   load_indicator_file / parse_indicator_text   read + check; every problem located (file, indicator id, field)
//   load_indicator_dir                           every *.json in a folder (sorted), problems of all of them
//
// Expressions are the survey expression language (core/expression.hpp) and see the survey's questions and
// calculated values by name. Who is counted: population (default: everyone) → base (answered with a
// substantive value) → numerator. People in the population but not in the base are "item non-response"
// (dont_know, prefer_not*, unanswered), reported beside each figure.
#pragma once

#include "core/expression.hpp"
#include "core/loader.hpp"
#include "core/survey.hpp"

#include <nlohmann/json_fwd.hpp>

#include <expected>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace fieldkiosk::results {

enum class IndicatorKind : std::uint8_t { Proportion, Mean, OptionShares };
[[nodiscard]] std::string_view to_string(IndicatorKind k);

struct Indicator {
    std::string id;       // e.g. "F1", "F4_healthy": letters, digits, '_' and '.'; unique across every file
    std::string mission;  // food | safety | youth | wellbeing (free text; groups a dashboard page)
    IndicatorKind kind = IndicatorKind::Proportion;
    std::optional<core::Expression> population;  // who the figure is about; none: every respondent
    core::Expression base;                       // who counts in the denominator (answered substantively)
    std::optional<core::Expression> numerator;   // proportion: who counts in the numerator
    std::optional<core::Expression> value;       // mean: the number averaged
    std::string question;                        // option_shares: the select_multiple question
    std::uint32_t question_slot = 0;             // option_shares: its index in the survey
    std::vector<std::string> options;            // option_shares: its choice values, minus `exclude`
    core::LocalizedText label, caption;          // label per language (en at least); caption: what to say beside it
    std::string compare;                         // a breakdown always shown beside the total (e.g. "age_group")
    bool headline = false;                       // the mission page leads with it
    double scale_min = 0, scale_max = 10;        // mean: the scale's range (the interval is clipped to it)
};

struct IndicatorSet {
    std::filesystem::path file;
    core::SurveyPtr survey;  // the survey whose questions the expressions are bound to
    std::vector<Indicator> indicators;
};

// Finds the survey a file names (by id; the newest version). Null: unknown survey (a located error).
using SurveyLookup = std::function<core::SurveyPtr(std::string_view survey_id)>;

[[nodiscard]] std::expected<IndicatorSet, std::vector<core::Diagnostic>> parse_indicator_text(std::string_view json_text,
                                                                                              const std::filesystem::path& file,
                                                                                              const SurveyLookup& surveys);
[[nodiscard]] std::expected<IndicatorSet, std::vector<core::Diagnostic>> load_indicator_file(const std::filesystem::path& file,
                                                                                             const SurveyLookup& surveys);

struct IndicatorCatalog {
    std::vector<IndicatorSet> sets;
    std::vector<core::Diagnostic> diagnostics;  // every problem in every file (also: an id used twice)
    std::size_t files_checked = 0;
    [[nodiscard]] const IndicatorSet* for_survey(std::string_view survey_id) const;
};
// Every *.json file in `dir` (sorted by name); the same id in two files is a problem naming both.
[[nodiscard]] IndicatorCatalog load_indicator_dir(const std::filesystem::path& dir, const SurveyLookup& surveys);
// As load_indicator_dir, for a list of files.
[[nodiscard]] IndicatorCatalog load_indicator_files(const std::vector<std::filesystem::path>& files, const SurveyLookup& surveys);

}  // namespace fieldkiosk::results
