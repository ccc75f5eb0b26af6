#include "results/tabulate.hpp"

#include "core/answer.hpp"
#include "core/expression.hpp"

#include "core/json_view.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>

namespace fieldkiosk::results {

// ---------------------------------------------------------------------------------------------
// Breakdowns and the response frame
// ---------------------------------------------------------------------------------------------

const std::vector<std::string>& breakdown_names() {
    static const std::vector<std::string> k_names = {
        "ward",     "site",  "kiosk",  "mode", "age_band", "age_group", "ethnic_group", "disability", "disability_impact",
        "language", "month", "quarter"};
    return k_names;
}

bool is_breakdown(std::string_view name) { return std::ranges::find(breakdown_names(), name) != breakdown_names().end(); }

namespace {
// The breakdowns that are a question's answer (the rest come from the response's metadata or are derived).
bool is_question_breakdown(std::string_view b) {
    return b == "ward" || b == "age_band" || b == "ethnic_group" || b == "disability" || b == "disability_impact";
}
}  // namespace

namespace {

const core::Value k_empty;
constexpr std::string_view k_not_answered = "not answered";

class FrameContext final : public core::EvalContext {
public:
    explicit FrameContext(const ResponseFrame& f) : m_frame(f) {}
    [[nodiscard]] const core::Value& value_of(std::uint32_t slot) const override { return m_frame.value(slot); }
    [[nodiscard]] const core::Value& self() const override { return k_empty; }

private:
    const ResponseFrame& m_frame;
};

namespace jv = core::json_view;

core::Value value_from_json(const jv::Node& j) {
    switch (j.type) {
        case jv::Type::Number: return core::Value::number(jv::number_of(j).value_or(0.0));
        case jv::Type::True: return core::Value::boolean(true);
        case jv::Type::False: return core::Value::boolean(false);
        case jv::Type::String: return core::Value::string(jv::text_of(j));
        default: return {};
    }
}

}  // namespace

ResponseFrame::ResponseFrame(core::SurveyPtr survey) : m_survey(std::move(survey)), m_values(m_survey->questions.size()) {}

const core::Value& ResponseFrame::value(std::string_view name) const {
    const auto i = m_survey->index_of(name);
    return i ? m_values[*i] : k_empty;
}

void ResponseFrame::set(std::string_view name, core::Value v) {
    if (const auto i = m_survey->index_of(name)) m_values[*i] = std::move(v);
}

void ResponseFrame::compute_calculations() {
    const FrameContext ctx(*this);
    for (std::size_t i = 0; i < m_survey->questions.size(); ++i) {
        const auto& q = m_survey->questions[i];
        if (q.type != core::QuestionType::Calculate || !q.calculation) continue;
        if (q.relevant && !q.relevant->evaluate_bool(ctx)) {
            m_values[i] = {};
            continue;
        }
        m_values[i] = q.calculation->evaluate(ctx);
    }
}

std::expected<void, std::string> ResponseFrame::load_payload(std::string_view payload) {
    // Read in place (core/json_view): a report reads every stored payload, and building a JSON document for each
    // was most of its cost.
    const auto p = jv::parse(payload);
    if (!p) return std::unexpected("its payload is not JSON");
    if (p->type != jv::Type::Object) return std::unexpected("the response is not a JSON object");
    std::optional<jv::Node> answers, calc;
    bool sealed = false;
    std::string meta[5];  // id, site, mode, language, completed_at
    static constexpr std::string_view k_meta[5] = {"id", "site", "mode", "language", "completed_at"};
    jv::members(*p, [&](std::string_view key, const jv::Node& v) {
        if (jv::key_equals(key, "answers"))
            answers = v;
        else if (jv::key_equals(key, "calculated"))
            calc = v;
        else if (jv::key_equals(key, "sealed"))
            sealed = true;
        else
            for (std::size_t m = 0; m < 5; ++m)
                if (jv::key_equals(key, k_meta[m])) meta[m] = v.type == jv::Type::String ? jv::text_of(v) : std::string{};
        return true;
    });
    if (sealed)
        return std::unexpected(
            "the response is sealed: report on a decrypted export instead (fieldkiosk-server decrypt, "
            "then report --from-csv)");
    std::vector<core::Value> values(m_survey->questions.size());
    if (answers) {
        if (answers->type != jv::Type::Object) return std::unexpected("its answers are not a JSON object");
        std::string error, scratch;
        jv::members(*answers, [&](std::string_view key, const jv::Node& a) {
            const std::string_view name = jv::key_text(key, scratch);
            const auto i = m_survey->index_of(name);
            if (!i) return true;  // a question of another version of the survey: not read by any indicator here
            auto answer = core::answer_from_json(m_survey->questions[*i], a);
            if (!answer) {
                error = "answer to '" + std::string(name) + "': " + answer.error();
                return false;
            }
            values[*i] = answer->to_value();
            return true;
        });
        if (!error.empty()) return std::unexpected(error);
    }
    const bool calc_object = calc && calc->type == jv::Type::Object;
    std::vector<char> stored(m_survey->questions.size(), 0);  // the payload had this calculated value
    bool computed_all = true;
    for (std::size_t i = 0; i < m_survey->questions.size(); ++i) {
        if (m_survey->questions[i].type != core::QuestionType::Calculate) continue;
        if (calc_object)
            if (const auto v = jv::find(*calc, m_survey->questions[i].name)) {
                values[i] = value_from_json(*v);
                stored[i] = 1;
                continue;
            }
        computed_all = false;
    }
    m_values = std::move(values);
    if (!computed_all) {
        // Keep the stored calculated values; compute only the missing ones, in order.
        const FrameContext ctx(*this);
        for (std::size_t i = 0; i < m_survey->questions.size(); ++i) {
            const auto& q = m_survey->questions[i];
            if (q.type != core::QuestionType::Calculate || !q.calculation || stored[i]) continue;
            m_values[i] = (q.relevant && !q.relevant->evaluate_bool(ctx)) ? core::Value{} : q.calculation->evaluate(ctx);
        }
    }
    id = std::move(meta[0]);
    site = std::move(meta[1]);
    mode = std::move(meta[2]);
    language = std::move(meta[3]);
    if (!meta[4].empty()) completed_at = std::move(meta[4]);
    return {};
}

std::string ResponseFrame::group_of(std::string_view b) const {
    const auto nonempty = [](std::string s) { return s.empty() ? std::string(k_not_answered) : s; };
    if (b == "site") return nonempty(site);
    if (b == "kiosk") return nonempty(kiosk);
    if (b == "mode") return nonempty(mode);
    if (b == "language") return nonempty(language);
    if (b == "month" || b == "quarter") {
        const auto m = month_of(completed_at);
        if (!m) return "no date";
        return b == "month" ? month_text(*m) : quarter_text(*m);
    }
    if (b == "age_group") {
        const auto band = value("age_band").to_string();
        if (band == "16_17" || band == "18_24") return "16-24";
        if (band.empty() || band == "prefer_not") return "not stated";
        return "25+";
    }
    return nonempty(value(b).to_string());  // a question: ward, age_band, ethnic_group, disability, ...
}

std::string caveat_text(bool weighted) {
    std::string s =
        "Respondents chose to take part at kiosks and with outreach workers, so they are a self-selected sample, not a "
        "random sample of Camden residents. Intervals show the uncertainty IF the respondents were a random sample "
        "(\"interval (assumes random sampling)\"); they are not a margin of error for Camden. ";
    s += weighted ? "Weighted figures are adjusted to the population totals supplied (raking); adjusted does not mean "
                    "representative."
                  : "The data have not been weighted.";
    s += " Groups of fewer than 10 people are shown as <10.";
    return s;
}

// ---------------------------------------------------------------------------------------------
// Tabulator
// ---------------------------------------------------------------------------------------------

namespace {

struct Acc {
    std::int64_t n = 0, numerator = 0, nonresponse = 0;
    double sum = 0, sum_sq = 0;       // means
    double sw = 0, sw2 = 0, swy = 0;  // weighted: Σw, Σw², Σw·y (y the 0/1 or the value)
};

struct Unit {
    const Indicator* ind = nullptr;
    std::size_t indicator_index = 0;
    int option = -1;  // option shares: index into ind->options
};

// The unit's name in a Figure and in the kept cells: the indicator's id, with ".option" for an option share.
std::string unit_key(const Unit& u) {
    return u.option < 0 ? u.ind->id : u.ind->id + "." + u.ind->options[static_cast<std::size_t>(u.option)];
}

// What one response gives one unit: nothing (outside the indicator's population, or a mean whose base admitted a
// non-number), one item non-response, or one answer (yes for proportions and option shares, x for means).
struct Outcome {
    enum class Kind : std::uint8_t { None, Nonresponse, Answer } kind = Kind::None;
    bool yes = false;
    double x = 0;
};


struct Breakdown {
    std::string name;
    std::optional<std::uint32_t> slot;  // a question breakdown's index in the survey (read without a name lookup)
    std::vector<std::string> groups;
    std::vector<std::int64_t> members;  // responses counted in each group (a group left with none is not shown)
    std::unordered_map<std::string, std::uint32_t> index;
    std::uint32_t intern(const std::string& g) {
        auto [it, fresh] = index.emplace(g, static_cast<std::uint32_t>(groups.size()));
        if (fresh) {
            groups.push_back(g);
            members.push_back(0);
        }
        return it->second;
    }
};

}  // namespace

struct Tabulator::State {
    std::vector<Unit> units;
    std::vector<Breakdown> breakdowns;  // [0] is the total ("all")
    // acc[window][unit][breakdown][group]; window 0: the period (or all time), 1: the same period a year earlier
    std::vector<std::vector<std::vector<Acc>>> acc[2];
    std::vector<std::uint32_t> group_ix;
    std::vector<char> in_pop, in_base;
    std::vector<Outcome> outcomes;
    std::unordered_map<std::string, std::size_t> unit_index;  // unit_key -> units index (add_cells)
    Table table;
    std::map<std::string, std::int64_t> reasons;
    // Weighting
    std::vector<std::vector<int>> categories;  // per margin, per respondent (first pass)
    std::optional<RakeResult> rake;
    std::size_t next_weight = 0;

    Acc& at(int w, std::size_t u, std::size_t b, std::uint32_t g) {
        auto& v = acc[w][u][b];
        if (v.size() <= g) v.resize(g + 1);
        return v[g];
    }
};

Tabulator::Tabulator(const IndicatorSet& set, Filters filters)
    : m_set(set), m_filters(std::move(filters)), m_state(std::make_unique<State>()) {
    auto& s = *m_state;
    s.table.survey = set.survey ? set.survey->id : "";
    if (m_filters.period) s.table.period = m_filters.period->to_string();
    for (std::size_t i = 0; i < set.indicators.size(); ++i) {
        const auto& ind = set.indicators[i];
        if (!m_filters.only.empty() && std::ranges::find(m_filters.only, ind.id) == m_filters.only.end()) continue;
        if (ind.kind == IndicatorKind::OptionShares)
            for (std::size_t o = 0; o < ind.options.size(); ++o) s.units.push_back({&ind, i, static_cast<int>(o)});
        else
            s.units.push_back({&ind, i, -1});
    }
    s.breakdowns.push_back({"all", {}, {}});
    s.breakdowns[0].intern("all");
    const auto add_breakdown = [&](const std::string& b) {
        if (!b.empty() && std::ranges::find(s.breakdowns, b, &Breakdown::name) == s.breakdowns.end())
            s.breakdowns.push_back({b, {}, {}});
    };
    for (const auto& b : m_filters.breakdowns) add_breakdown(b);
    for (const auto& u : s.units) add_breakdown(u.ind->compare);
    for (auto& bd : s.breakdowns)
        if (is_question_breakdown(bd.name))
            if (const auto i = set.survey->index_of(bd.name)) bd.slot = static_cast<std::uint32_t>(*i);
    for (auto& a : s.acc) a.assign(s.units.size(), std::vector<std::vector<Acc>>(s.breakdowns.size()));
    s.group_ix.resize(s.breakdowns.size());
    s.in_pop.resize(set.indicators.size());
    s.in_base.resize(set.indicators.size());
    if (m_filters.weights) s.categories.resize(m_filters.weights->margins.size());
}

Tabulator::~Tabulator() = default;

namespace {

// The window of a month: 0, the period (or all time); 1, the same period a year earlier; none: outside both.
std::optional<int> window_of_month(int month, const std::optional<Period>& period) {
    if (!period) return 0;
    if (month == k_no_month) return std::nullopt;
    if (period->contains_month(month)) return 0;
    if (period->year_earlier().contains_month(month)) return 1;
    return std::nullopt;
}

// -1: outside every window; 0: the period (or all time); 1: the same period a year earlier.
int window_of(const ResponseFrame& r, const std::optional<Period>& period) {
    return window_of_month(month_of(r.completed_at).value_or(k_no_month), period).value_or(-1);
}

}  // namespace

void Tabulator::add_for_weights(const ResponseFrame& r) {
    if (!m_filters.weights) return;
    if (window_of(r, m_filters.period) != 0) return;
    if (m_filters.exclude && m_filters.exclude(r)) return;
    const auto& margins = m_filters.weights->margins;
    for (std::size_t m = 0; m < margins.size(); ++m) {
        const std::string v = r.value(margins[m].variable).to_string();
        const auto it = std::ranges::find(margins[m].categories, v);
        m_state->categories[m].push_back(
            it == margins[m].categories.end() ? -1 : static_cast<int>(it - margins[m].categories.begin()));
    }
}

namespace {

// Every unit's outcome for `r`; each indicator's population and base are evaluated once for all its units.
void evaluate_units(const std::vector<Unit>& units, std::size_t indicators, const ResponseFrame& r, std::vector<char>& in_pop,
                    std::vector<char>& in_base, std::vector<Outcome>& out) {
    const FrameContext ctx(r);
    in_pop.assign(indicators, 2);  // 2: not evaluated yet
    in_base.resize(indicators);
    out.resize(units.size());
    for (std::size_t u = 0; u < units.size(); ++u) {
        const Unit& unit = units[u];
        const Indicator& ind = *unit.ind;
        const std::size_t ii = unit.indicator_index;
        if (in_pop[ii] == 2) {
            in_pop[ii] = !ind.population || ind.population->evaluate_bool(ctx);
            in_base[ii] = in_pop[ii] && ind.base.evaluate_bool(ctx);
        }
        Outcome& o = out[u];
        o = {};
        if (!in_pop[ii]) continue;
        if (!in_base[ii]) {
            o.kind = Outcome::Kind::Nonresponse;
            continue;
        }
        if (ind.kind == IndicatorKind::Proportion)
            o.yes = ind.numerator->evaluate_bool(ctx);
        else if (ind.kind == IndicatorKind::OptionShares)
            o.yes = core::list_contains(r.value(ind.question_slot).text(), ind.options[static_cast<std::size_t>(unit.option)]);
        else
            o.x = ind.value->evaluate(ctx).to_number();
        if (ind.kind == IndicatorKind::Mean && !std::isfinite(o.x)) continue;  // base admitted a non-number
        o.kind = Outcome::Kind::Answer;
    }
}

// One outcome into an accumulator, added (sign 1) or taken away (sign -1).
void apply(Acc& a, const Outcome& o, IndicatorKind kind, double weight, int sign) {
    if (o.kind == Outcome::Kind::Nonresponse) {
        a.nonresponse += sign;
        return;
    }
    const double y = kind == IndicatorKind::Mean ? o.x : (o.yes ? 1.0 : 0.0);
    a.n += sign;
    a.numerator += o.yes ? sign : 0;
    a.sum += sign * o.x;
    a.sum_sq += sign * o.x * o.x;
    a.sw += sign * weight;
    a.sw2 += sign * weight * weight;
    a.swy += sign * weight * y;
}


}  // namespace

void Tabulator::add(const ResponseFrame& r) {
    auto& s = *m_state;
    ++s.table.responses_read;
    const int w = window_of(r, m_filters.period);
    if (w < 0) return;
    if (m_filters.exclude)
        if (auto reason = m_filters.exclude(r)) {
            ++s.table.excluded;
            ++s.reasons[*reason];
            return;
        }
    double weight = 1.0;
    if (w == 0) {
        ++s.table.in_period;
        if (m_filters.weights) {
            if (!s.rake) s.rake = rake(*m_filters.weights, s.categories, m_filters.rake_options);
            weight = s.next_weight < s.rake->weights.size() ? s.rake->weights[s.next_weight] : 0.0;
            ++s.next_weight;
        }
    }
    accumulate(r, w, weight, 1);
}

void Tabulator::remove(const ResponseFrame& r, const std::string& reason) {
    auto& s = *m_state;
    const int w = window_of(r, m_filters.period);
    if (w < 0) return;
    ++s.table.excluded;
    ++s.reasons[reason];
    if (w == 0) --s.table.in_period;
    accumulate(r, w, 1.0, -1);
}

void Tabulator::accumulate(const ResponseFrame& r, int w, double weight, int sign) {
    auto& s = *m_state;
    for (std::size_t b = 1; b < s.breakdowns.size(); ++b) {
        s.group_ix[b] = s.breakdowns[b].intern(r.group_of(s.breakdowns[b].name));
        s.breakdowns[b].members[s.group_ix[b]] += sign;
    }
    evaluate_units(s.units, m_set.indicators.size(), r, s.in_pop, s.in_base, s.outcomes);
    for (std::size_t u = 0; u < s.units.size(); ++u) {
        const Outcome& o = s.outcomes[u];
        if (o.kind == Outcome::Kind::None) continue;
        for (std::size_t b = 0; b < s.breakdowns.size(); ++b)
            apply(s.at(w, u, b, b == 0 ? 0 : s.group_ix[b]), o, s.units[u].ind->kind, weight, sign);
    }
}

void Tabulator::add_cells(const CellKey& key, const CellSums& sums) {
    auto& s = *m_state;
    const auto w = window_of_month(key.month, m_filters.period);
    if (key.unit == k_responses_unit) {
        if (key.breakdown == "all") {
            s.table.responses_read += sums.n;
            if (w == 0) s.table.in_period += sums.n;
        } else if (w) {
            const auto b = std::ranges::find(s.breakdowns, key.breakdown, &Breakdown::name);
            if (b != s.breakdowns.end()) b->members[b->intern(key.group)] += sums.n;
        }
        return;
    }
    if (!w) return;
    if (s.unit_index.empty())
        for (std::size_t u = 0; u < s.units.size(); ++u) s.unit_index.emplace(unit_key(s.units[u]), u);
    const auto u = s.unit_index.find(key.unit);
    if (u == s.unit_index.end()) return;  // an indicator not asked for (Filters::only)
    const auto b = std::ranges::find(s.breakdowns, key.breakdown, &Breakdown::name);
    if (b == s.breakdowns.end()) return;
    const auto bi = static_cast<std::size_t>(b - s.breakdowns.begin());
    Acc& a = s.at(*w, u->second, bi, bi == 0 ? 0 : b->intern(key.group));
    a.n += sums.n;
    a.numerator += sums.numerator;
    a.nonresponse += sums.nonresponse;
    a.sum += sums.sum;
    a.sum_sq += sums.sum_sq;
    a.sw += static_cast<double>(sums.n);  // unweighted: every weight 1
    a.sw2 += static_cast<double>(sums.n);
    a.swy += s.units[u->second].ind->kind == IndicatorKind::Mean ? sums.sum : static_cast<double>(sums.numerator);
}

namespace {

Figure make_figure(const Unit& unit, const Acc& a, bool weighted) {
    const Indicator& ind = *unit.ind;
    Figure f;
    f.kind = ind.kind;
    f.indicator = unit_key(unit);
    if (unit.option >= 0) f.option = ind.options[static_cast<std::size_t>(unit.option)];
    f.n = a.n;
    f.numerator = a.numerator;
    f.item_nonresponse = a.nonresponse;
    if (a.n > 0) {
        if (ind.kind == IndicatorKind::Mean) {
            const auto e = mean_from_sums(static_cast<std::size_t>(a.n), a.sum, a.sum_sq);
            f.value = e.mean;
            if (e.interval)
                f.interval = Interval{std::max(ind.scale_min, e.interval->low), std::min(ind.scale_max, e.interval->high)};
        } else {
            f.value = 100.0 * static_cast<double>(a.numerator) / static_cast<double>(a.n);
            const auto i = wilson_interval(static_cast<double>(a.numerator), static_cast<double>(a.n));
            f.interval = Interval{100.0 * i.low, 100.0 * i.high};
        }
        if (weighted && a.sw > 0) {
            const double v = a.swy / a.sw;
            f.weighted_value = ind.kind == IndicatorKind::Mean ? v : 100.0 * v;
            f.n_eff = kish_effective_n(a.sw, a.sw2);
        }
    }
    return f;
}

// Blanks what protection hides, so that no caller can show it by mistake.
void blank(Figure& f) {
    if (!f.protection.suppressed()) return;
    if (f.protection.hidden != Hidden::SmallCount) f.n = 0;
    f.numerator = 0;
    f.value = 0;
    f.interval.reset();
    f.weighted_value.reset();
    f.n_eff = 0;
    f.previous_value.reset();
    f.change.reset();
}

// Question breakdowns in the survey's choice order, then anything else by name, "not answered" last.
void order_groups(const core::Survey& survey, const std::string& breakdown, std::vector<std::uint32_t>& order,
                  const std::vector<std::string>& names) {
    const core::Question* q = survey.find(breakdown);
    const auto rank = [&](const std::string& g) -> std::size_t {
        if (g == k_not_answered) return 100000;
        if (q)
            for (std::size_t i = 0; i < q->choices.size(); ++i)
                if (q->choices[i].value == g) return i;
        return 50000;
    };
    std::ranges::sort(order, [&](std::uint32_t a, std::uint32_t b) {
        const auto ra = rank(names[a]), rb = rank(names[b]);
        return ra != rb ? ra < rb : names[a] < names[b];
    });
}

}  // namespace

Table Tabulator::finish() {
    auto& s = *m_state;
    Table t = std::move(s.table);
    const bool weighted = m_filters.weights != nullptr;
    if (weighted) {
        if (!s.rake) s.rake = rake(*m_filters.weights, s.categories, m_filters.rake_options);
        t.weighting_notes = s.rake->notes;
        t.weighting = std::move(*s.rake);
        t.weighting->weights.clear();
    }
    for (const auto& [reason, count] : s.reasons) t.exclusion_reasons.push_back(reason + ": " + std::to_string(count));
    const std::string previous = m_filters.period ? m_filters.period->year_earlier().to_string() : "";
    for (std::size_t u = 0; u < s.units.size(); ++u) {
        const Unit& unit = s.units[u];
        Protection total_protection;
        for (std::size_t b = 0; b < s.breakdowns.size(); ++b) {
            const Breakdown& bd = s.breakdowns[b];
            const bool wanted = b == 0 || bd.name == unit.ind->compare ||
                                std::ranges::find(m_filters.breakdowns, bd.name) != m_filters.breakdowns.end();
            if (!wanted) continue;
            std::vector<std::uint32_t> order;
            for (std::uint32_t g = 0; g < bd.groups.size(); ++g)
                if (b == 0 || bd.members[g] > 0) order.push_back(g);
            if (b > 0) order_groups(*m_set.survey, bd.name, order, bd.groups);
            std::vector<CellCounts> counts;
            std::vector<Figure> figs;
            for (const auto g : order) {
                const auto& cur = s.acc[0][u][b];
                const Acc a = g < cur.size() ? cur[g] : Acc{};
                Figure f = make_figure(unit, a, weighted);
                f.period = t.period;
                f.breakdown = bd.name;
                f.group = bd.groups[g];
                if (m_filters.period && unit.ind->kind != IndicatorKind::Mean) {
                    const auto& prev_v = s.acc[1][u][b];
                    const Acc p = g < prev_v.size() ? prev_v[g] : Acc{};
                    f.previous_period = previous;
                    if (!protect_cell({p.n, p.numerator, true}).suppressed() && a.n > 0) {
                        f.previous_value = 100.0 * static_cast<double>(p.numerator) / static_cast<double>(p.n);
                        f.change = newcombe_difference(static_cast<double>(a.numerator), static_cast<double>(a.n),
                                                       static_cast<double>(p.numerator), static_cast<double>(p.n));
                    }
                }
                counts.push_back({a.n, a.numerator, unit.ind->kind != IndicatorKind::Mean});
                figs.push_back(std::move(f));
            }
            std::vector<Protection> prot(figs.size());
            protect_breakdown(counts, b > 0 && !total_protection.suppressed(), prot);
            if (b == 0 && !prot.empty()) total_protection = prot[0];
            for (std::size_t i = 0; i < figs.size(); ++i) {
                figs[i].protection = prot[i];
                blank(figs[i]);
                t.figures.push_back(std::move(figs[i]));
            }
        }
    }
    return t;
}

// ---------------------------------------------------------------------------------------------
// Cells
// ---------------------------------------------------------------------------------------------

struct CellBuilder::State {
    const IndicatorSet* set = nullptr;
    std::vector<Unit> units;
    std::vector<std::string> unit_names;
    std::vector<Breakdown> breakdowns;  // [0] is the total ("all")
    std::vector<char> in_pop, in_base;
    std::vector<Outcome> outcomes;
    std::vector<std::uint32_t> group_ix;
    // Packed key: month + 1 (0: no month) in 20 bits, unit (units.size(): the responses count) in 14, breakdown in
    // 5, group in 25.
    std::unordered_map<std::uint64_t, CellSums> cells;

    static std::uint64_t pack(int month, std::size_t unit, std::size_t b, std::uint32_t g) {
        return (static_cast<std::uint64_t>(month + 1) << 44) | (static_cast<std::uint64_t>(unit) << 30) |
               (static_cast<std::uint64_t>(b) << 25) | g;
    }
};

CellBuilder::CellBuilder(const IndicatorSet& set) : m_state(std::make_unique<State>()) {
    auto& s = *m_state;
    s.set = &set;
    for (std::size_t i = 0; i < set.indicators.size(); ++i) {
        const auto& ind = set.indicators[i];
        if (ind.kind == IndicatorKind::OptionShares)
            for (std::size_t o = 0; o < ind.options.size(); ++o) s.units.push_back({&ind, i, static_cast<int>(o)});
        else
            s.units.push_back({&ind, i, -1});
    }
    for (const auto& u : s.units) s.unit_names.push_back(unit_key(u));
    s.breakdowns.push_back({"all", {}, {}});
    s.breakdowns[0].intern("all");
    for (const auto& b : breakdown_names()) s.breakdowns.push_back({b, {}, {}});
    s.group_ix.resize(s.breakdowns.size());
}

CellBuilder::~CellBuilder() = default;

void CellBuilder::add(const ResponseFrame& r) {
    auto& s = *m_state;
    // Months from year 0 to 9999 (month_of reads four digits) fit the key's 20 bits.
    const int month = month_of(r.completed_at).value_or(k_no_month);
    ++s.cells[State::pack(month, s.units.size(), 0, 0)].n;
    for (std::size_t b = 1; b < s.breakdowns.size(); ++b) {
        s.group_ix[b] = s.breakdowns[b].intern(r.group_of(s.breakdowns[b].name));
        ++s.cells[State::pack(month, s.units.size(), b, s.group_ix[b])].n;
    }
    evaluate_units(s.units, s.set->indicators.size(), r, s.in_pop, s.in_base, s.outcomes);
    for (std::size_t u = 0; u < s.units.size(); ++u) {
        const Outcome& o = s.outcomes[u];
        if (o.kind == Outcome::Kind::None) continue;
        for (std::size_t b = 0; b < s.breakdowns.size(); ++b) {
            CellSums& c = s.cells[State::pack(month, u, b, b == 0 ? 0 : s.group_ix[b])];
            if (o.kind == Outcome::Kind::Nonresponse) {
                ++c.nonresponse;
                continue;
            }
            ++c.n;
            c.numerator += o.yes ? 1 : 0;
            c.sum += o.x;
            c.sum_sq += o.x * o.x;
        }
    }
}

void CellBuilder::for_each(const std::function<void(const CellKey&, const CellSums&)>& fn) const {
    const auto& s = *m_state;
    CellKey key;
    for (const auto& [packed, sums] : s.cells) {
        key.month = static_cast<int>(packed >> 44) - 1;
        const auto unit = static_cast<std::size_t>((packed >> 30) & 0x3fff);
        const auto b = static_cast<std::size_t>((packed >> 25) & 0x1f);
        const auto g = static_cast<std::uint32_t>(packed & 0x1ffffff);
        key.unit = unit == s.units.size() ? std::string(k_responses_unit) : s.unit_names[unit];
        key.breakdown = s.breakdowns[b].name;
        key.group = s.breakdowns[b].groups[g];
        fn(key, sums);
    }
}

std::size_t CellBuilder::size() const { return m_state->cells.size(); }

void CellBuilder::clear() { m_state->cells.clear(); }

Table compute_table(std::span<const ResponseFrame> responses, const IndicatorSet& set, Filters filters) {
    Tabulator tab(set, std::move(filters));
    if (tab.needs_weighting_pass())
        for (const auto& r : responses) tab.add_for_weights(r);
    for (const auto& r : responses) tab.add(r);
    return tab.finish();
}

}  // namespace fieldkiosk::results
