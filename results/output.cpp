#include "results/output.hpp"

#include "core/csv.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <iomanip>

namespace fieldkiosk::results {

namespace {

std::string fixed(double v, int decimals = 2) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

std::string opt(const std::optional<double>& v) { return v ? fixed(*v) : ""; }

// What stands in for a hidden count: "<10" (too few people) or "hidden" (secondary suppression).
std::string hidden_mark(const Figure& f) { return f.protection.hidden == Hidden::Secondary ? "hidden" : "<10"; }

std::string n_text(const Figure& f) {
    if (f.protection.suppressed() && f.protection.hidden != Hidden::SmallCount) return hidden_mark(f);
    return std::to_string(f.n);
}

std::string change_words(const Figure& f) {
    if (!f.change) return "";
    if (!f.change->change_detected()) return "no change detected";
    return f.change->difference > 0 ? "higher than a year earlier" : "lower than a year earlier";
}

const Indicator* find_indicator(const IndicatorSet& set, const Figure& f) {
    for (const auto& i : set.indicators)
        if (f.indicator == i.id || (f.indicator.starts_with(i.id) && f.indicator.size() > i.id.size() &&
                                    f.indicator[i.id.size()] == '.' && !f.option.empty()))
            return &i;
    return nullptr;
}

}  // namespace

std::string shown_count(std::int64_t count) { return count >= 1 && count < k_min_base ? "<10" : std::to_string(count); }

void write_csv(const Table& t, std::ostream& out) {
    out << "# " << caveat_text(t.weighting.has_value()) << "\r\n";
    for (const auto& reason : t.exclusion_reasons) out << "# left out: " << reason << "\r\n";
    out << k_csv_columns << "\r\n";
    for (const auto& f : t.figures) {
        const bool hidden = f.protection.suppressed();
        const bool share = f.kind != IndicatorKind::Mean;
        std::vector<std::string> cells{
            f.indicator,
            f.period,
            f.breakdown,
            f.group,
            n_text(f),
            hidden ? hidden_mark(f) : (share ? std::to_string(f.numerator) : ""),
            hidden || !share || f.n == 0 ? "" : fixed(f.value),
            hidden || !f.interval ? "" : fixed(f.interval->low),
            hidden || !f.interval ? "" : fixed(f.interval->high),
            hidden ? "" : opt(f.weighted_value),
            hidden || !f.weighted_value ? "" : fixed(f.n_eff, 1),
            hidden ? "yes" : "no",
            f.protection.reason(),
            std::string(to_string(f.kind)),
            hidden || share || f.n == 0 ? "" : fixed(f.value),
            shown_count(f.item_nonresponse),
            f.previous_period,
            hidden ? "" : opt(f.previous_value),
            f.change ? fixed(100.0 * f.change->interval.low) : "",
            f.change ? fixed(100.0 * f.change->interval.high) : "",
            change_words(f),
        };
        bool first = true;
        for (const auto& c : cells) {
            out << (first ? "" : ",") << core::csv_field(c);
            first = false;
        }
        out << "\r\n";
    }
}

void write_json(const Table& t, const IndicatorSet& set, std::ostream& out, std::string_view language) {
    using nlohmann::json;
    json figures = json::array();
    for (const auto& f : t.figures) {
        const Indicator* ind = find_indicator(set, f);
        const bool hidden = f.protection.suppressed();
        json j = {{"indicator", f.indicator},
                  {"kind", to_string(f.kind)},
                  {"label", ind ? ind->label.get(language) : ""},
                  {"period", f.period},
                  {"breakdown", f.breakdown},
                  {"group", f.group},
                  {"n", f.protection.suppressed() && f.protection.hidden != Hidden::SmallCount ? json(n_text(f)) : json(f.n)},
                  {"item_nonresponse", shown_count(f.item_nonresponse)},
                  {"suppressed", hidden},
                  {"reason", f.protection.reason()}};
        if (!f.option.empty()) j["option"] = f.option;
        if (!hidden && f.n > 0) {
            j[f.kind == IndicatorKind::Mean ? "mean" : "percent"] = std::round(f.value * 100) / 100;
            if (f.kind != IndicatorKind::Mean) j["numerator"] = f.numerator;
            if (f.interval) j["interval"] = {std::round(f.interval->low * 100) / 100, std::round(f.interval->high * 100) / 100};
            if (f.weighted_value) {
                j["weighted"] = std::round(*f.weighted_value * 100) / 100;
                j["n_eff"] = std::round(f.n_eff * 10) / 10;
            }
            if (f.change)
                j["change"] = {
                    {"previous_period", f.previous_period},
                    {"previous_percent", std::round(*f.previous_value * 100) / 100},
                    {"interval_points",
                     {std::round(f.change->interval.low * 10000) / 100, std::round(f.change->interval.high * 10000) / 100}},
                    {"says", change_words(f)}};
        }
        figures.push_back(std::move(j));
    }
    json doc = {{"survey", t.survey},
                {"period", t.period},
                {"caveat", caveat_text(t.weighting.has_value())},
                {"interval", "95% interval (assumes random sampling)"},
                {"responses_read", t.responses_read},
                {"responses_in_period", t.in_period},
                {"excluded", t.excluded},
                {"exclusion_reasons", t.exclusion_reasons},
                {"figures", std::move(figures)}};
    if (t.weighting)
        doc["weighting"] = {{"converged", t.weighting->converged},
                            {"iterations", t.weighting->iterations},
                            {"used", t.weighting->used},
                            {"excluded_from_weighting", t.weighting->excluded},
                            {"n_eff", std::round(t.weighting->n_eff * 10) / 10},
                            {"notes", t.weighting_notes}};
    out << doc.dump(2) << "\n";
}

void write_text(const Table& t, const IndicatorSet& set, std::ostream& out, std::string_view language) {
    out << "Survey " << t.survey << ", period " << t.period << ": " << t.in_period << " responses";
    if (t.excluded) out << " (" << t.excluded << " left out)";
    out << "\n";
    for (const auto& reason : t.exclusion_reasons) out << "  left out: " << reason << "\n";
    out << caveat_text(t.weighting.has_value()) << "\n";
    if (t.weighting)
        out << "Weighting: " << (t.weighting->converged ? "converged" : "did NOT converge") << " after "
            << t.weighting->iterations << " iterations; " << t.weighting->used << " respondents weighted, "
            << t.weighting->excluded << " without a population total left out of weighted figures; effective sample size "
            << fixed(t.weighting->n_eff, 1) << "\n";
    for (const auto& note : t.weighting_notes) out << "  note: " << note << "\n";
    std::string last;
    for (const auto& f : t.figures) {
        const Indicator* ind = find_indicator(set, f);
        const std::string head = ind ? ind->id : f.indicator;
        if (head != last) {
            out << "\n" << head << "  " << (ind ? ind->label.get(language) : "") << "\n";
            if (ind && !ind->caption.empty()) out << "    " << ind->caption.get(language) << "\n";
            last = head;
        }
        out << "  " << std::left << std::setw(22) << (f.option.empty() ? "" : f.option) << " " << std::setw(30)
            << (f.breakdown == "all" ? std::string("all") : f.breakdown + "=" + f.group) << " n=" << std::setw(6) << n_text(f);
        if (f.protection.suppressed()) {
            out << " " << hidden_mark(f) << "  (" << f.protection.reason() << ")";
        } else if (f.n > 0) {
            out << " " << fixed(f.value, f.kind == IndicatorKind::Mean ? 2 : 1) << (f.kind == IndicatorKind::Mean ? "" : "%");
            const int dp = f.kind == IndicatorKind::Mean ? 2 : 1;
            if (f.interval)
                out << "  interval (assumes random sampling) " << fixed(f.interval->low, dp) << "-"
                    << fixed(f.interval->high, dp);
            if (f.weighted_value) out << "  weighted " << fixed(*f.weighted_value, 1) << " (n_eff " << fixed(f.n_eff, 0) << ")";
            if (f.change) out << "  vs " << f.previous_period << ": " << change_words(f);
            if (f.protection.low_base) out << "  [low base, indicative]";
        }
        if (f.item_nonresponse) out << "  item non-response " << shown_count(f.item_nonresponse);
        out << "\n";
    }
}

}  // namespace fieldkiosk::results
