#include "sync/server/report_command.hpp"

#include "core/clock.hpp"
#include "core/default_paths.hpp"
#include "core/loader.hpp"
#include "results/output.hpp"
#include "results/tabulate.hpp"
#include "sync/server/export_csv.hpp"
#include "sync/server/kept_figures.hpp"
#include "sync/server/quality_rows.hpp"
#include "sync/server/server_config.hpp"
#include "sync/server/storage.hpp"

#include <nlohmann/json.hpp>

#include <fstream>
#include <unordered_map>
#include <ostream>

namespace fieldkiosk::sync::server {

namespace {

constexpr int k_ok = 0, k_fail = 1, k_usage = 2;
namespace fs = std::filesystem;

std::string join(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
}

// One pass over the responses: each row's payload into a frame, then `use`. A row that cannot be read is named on
// `err` and counted; it never stops the report and nothing is changed in the database.
class Source {
public:
    Source(const ReportOptions& o, Storage* storage) : m_options(o), m_storage(storage) {}

    std::expected<void, std::string> each(const core::SurveyPtr& survey,
                                          const std::function<void(const results::ResponseFrame&)>& use, std::ostream& err) {
        results::ResponseFrame frame(survey);
        m_unreadable = 0;
        const auto row = [&](const ExportRow& r) {
            auto loaded = load_stored_frame(frame, r);
            if (!loaded) {
                if (m_unreadable++ < 20)
                    err << "fieldkiosk-server: report: response " << r.id << " left out: " << loaded.error() << "\n";
                return true;
            }
            use(frame);
            return true;
        };
        if (m_storage) {
            auto done = m_storage->for_each_response(m_options.survey, row);
            if (!done) return std::unexpected(done.error().message);
            return {};
        }
        std::ifstream in(m_options.from_csv, std::ios::binary);
        if (!in) return std::unexpected(m_options.from_csv + ": cannot be read (does it exist?)");
        auto done = for_each_export_row(in, m_options.from_csv, row);
        if (!done) return std::unexpected(done.error());
        return {};
    }
    [[nodiscard]] std::int64_t unreadable() const { return m_unreadable; }
    [[nodiscard]] Storage* storage() const { return m_storage; }

    // One read for the quality flags of every response (the database, or the file again).
    std::expected<ResponseFlags, std::string> flags(const core::Survey& survey, const QualitySettings& settings) {
        if (m_storage) {
            auto f = flag_survey(*m_storage, m_options.survey, &survey, settings);
            if (!f) return std::unexpected(f.error().message);
            return std::move(*f);
        }
        ResponseFlags f(settings, &survey);
        std::ifstream in(m_options.from_csv, std::ios::binary);
        if (!in) return std::unexpected(m_options.from_csv + ": cannot be read (does it exist?)");
        auto done = for_each_export_row(in, m_options.from_csv, [&f](const ExportRow& r) {
            f.add(r);
            return true;
        });
        if (!done) return std::unexpected(done.error());
        f.finish();
        return f;
    }

private:
    const ReportOptions& m_options;
    Storage* m_storage;
    std::int64_t m_unreadable = 0;
};

// Why the report stops: the exit status and the message.
struct Stop {
    int code;
    std::string message;
};

// --period and --by into the filters.
std::optional<Stop> read_filters(const ReportOptions& o, results::Filters& filters) {
    if (!o.period.empty()) {
        auto p = results::parse_period(o.period);
        if (!p) return Stop{k_usage, "--period: " + p.error()};
        filters.period = *p;
    }
    for (const auto& list : o.by) {
        std::size_t start = 0;
        while (start <= list.size()) {
            const auto comma = std::min(list.find(',', start), list.size());
            const std::string b = list.substr(start, comma - start);
            if (!results::is_breakdown(b))
                return Stop{k_usage, "--by '" + b + "' is not a breakdown: use " + join(results::breakdown_names())};
            filters.breakdowns.push_back(b);
            start = comma + 1;
        }
    }
    return std::nullopt;
}

// The surveys (every version) and their indicator files; problems are listed on `err`.
struct Definitions {
    core::Catalog catalog;
    core::SurveyPtr survey;
    results::IndicatorCatalog indicators;  // holds one for `survey` (checked)
};

std::expected<Definitions, Stop> load_definitions(const ReportOptions& o, std::ostream& err) {
    std::vector<fs::path> dirs(o.surveys.begin(), o.surveys.end());
    if (dirs.empty()) dirs.push_back(core::default_surveys_dir());
    Definitions d;
    d.catalog = core::load_paths(dirs, core::LoadOptions{.all_versions = true});
    for (const auto& diag : d.catalog.diagnostics) err << "fieldkiosk-server: report: " << diag.to_string() << "\n";
    if (!d.catalog.diagnostics.empty()) return std::unexpected(Stop{k_fail, "the survey definitions have problems (listed above)"});
    d.survey = d.catalog.find(o.survey);
    if (!d.survey) {
        std::vector<std::string> ids;
        for (const auto& s : d.catalog.current()) ids.push_back(s->id);
        return std::unexpected(
            Stop{k_usage, "--survey '" + o.survey + "' is not among the surveys in " + dirs.front().string() + " (" + join(ids) + ")"});
    }
    const fs::path ind_dir = o.indicators.empty() ? dirs.front() / "indicators" : fs::path(o.indicators);
    d.indicators = results::load_indicator_dir(ind_dir, [&](std::string_view id) { return d.catalog.find(id); });
    for (const auto& diag : d.indicators.diagnostics) err << "fieldkiosk-server: report: " << diag.to_string() << "\n";
    if (!d.indicators.diagnostics.empty()) return std::unexpected(Stop{k_fail, "the indicator files have problems (listed above)"});
    if (!d.indicators.for_survey(o.survey)) return std::unexpected(Stop{k_fail, "no indicator file in " + ind_dir.string() + " is for survey '" + o.survey + "'"});
    return d;
}

// --weights: the population totals, each margin a single-choice question of the survey and its choices.
std::expected<results::PopulationTotals, Stop> read_weights(const ReportOptions& o, const core::Survey& survey) {
    auto t = results::read_population_totals(o.weights);
    if (!t) return std::unexpected(Stop{k_fail, "--weights " + t.error()});
    for (const auto& m : t->margins) {
        const core::Question* q = survey.find(m.variable);
        if (!q || q->type != core::QuestionType::SelectOne)
            return std::unexpected(Stop{k_fail, "--weights " + o.weights + ": variable '" + m.variable +
                                                    "' is not a single-choice question of survey '" + o.survey +
                                                    "' (use e.g. ward or age_band)"});
        for (const auto& c : m.categories)
            if (!q->find_choice(c))
                return std::unexpected(Stop{k_fail, "--weights " + o.weights + ": '" + c + "' is not a choice of '" + m.variable + "'"});
    }
    return std::move(*t);
}

// The figures from the receiver's kept cells (kept_figures.hpp), brought up to date first: the cells of every
// response, less the responses that are flagged now (unless include_flagged), read one by one; the responses that
// could not be read are named and counted as the full pass does. Equal to tabulate()'s table over the same
// responses (KeptFigures tests).
std::expected<results::Table, std::string> tabulate_kept(Storage& storage, const core::SurveyPtr& survey, const results::IndicatorSet& set,
                                                         results::Filters filters, bool include_flagged, std::ostream& err) {
    filters.exclude = nullptr;
    std::vector<std::string> breakdowns = filters.breakdowns;
    for (const auto& ind : set.indicators)
        if (!ind.compare.empty()) breakdowns.push_back(ind.compare);
    results::Tabulator tab(set, filters);
    auto cells = for_each_kept_cell(storage, survey->id, breakdowns,
                                    [&](const results::CellKey& k, const results::CellSums& s) { tab.add_cells(k, s); });
    if (!cells) return std::unexpected(cells.error().message);
    results::ResponseFrame frame(survey);
    std::int64_t unreadable = 0;
    auto exceptions = for_each_kept_exception(storage, survey->id, [&](const ExportRow& row, const KeptException& e) {
        if (!e.unreadable.empty()) {
            if (unreadable++ < 20) err << "fieldkiosk-server: report: response " << row.id << " left out: " << e.unreadable << "\n";
            return true;
        }
        if (include_flagged || e.flags == 0) return true;
        if (load_stored_frame(frame, row)) tab.remove(frame, "quality flag: " + flag_names(e.flags));
        return true;
    });
    if (!exceptions) return std::unexpected(exceptions.error().message);
    auto table = tab.finish();
    if (unreadable > 0) {
        table.exclusion_reasons.push_back("could not be read (named on standard error): " + std::to_string(unreadable));
        table.excluded += unreadable;
    }
    return table;
}

// The pass `report` and the dashboard share: the quality flags first (unless include_flagged), then the
// weighting pass when weights are set, then every response into the tabulator. From the database, the kept
// figures are brought up to date and, without weights, the figures are summed from their cells instead.
std::expected<results::Table, std::string> tabulate(Source& source, const core::SurveyPtr& survey, const results::IndicatorSet& set,
                                                    results::Filters filters, const QualitySettings& quality, bool include_flagged,
                                                    std::ostream& err, bool kept = true) {
    std::unordered_map<std::string, std::uint8_t> kept_flags;
    std::optional<ResponseFlags> flags;
    if (Storage* storage = source.storage(); storage && kept) {
        auto refreshed = refresh_kept(*storage, KeptRequest{survey, &set, quality});
        if (!refreshed) return std::unexpected(refreshed.error().message);
        if (!filters.weights) return tabulate_kept(*storage, survey, set, std::move(filters), include_flagged, err);
        if (!include_flagged) {
            auto read = for_each_kept_exception(*storage, survey->id, [&](const ExportRow& row, const KeptException& e) {
                if (e.flags != 0) kept_flags.emplace(row.id, e.flags);
                return true;
            });
            if (!read) return std::unexpected(read.error().message);
            filters.exclude = [&kept_flags](const results::ResponseFrame& r) -> std::optional<std::string> {
                const auto it = kept_flags.find(r.id);
                if (it == kept_flags.end()) return std::nullopt;
                return "quality flag: " + flag_names(it->second);
            };
        }
    } else if (!include_flagged) {
        auto f = source.flags(*survey, quality);
        if (!f) return std::unexpected(f.error());
        flags.emplace(std::move(*f));
        filters.exclude = [&flags](const results::ResponseFrame& r) -> std::optional<std::string> {
            const QualityResult* q = flags->find(r.id);
            if (q == nullptr) return std::nullopt;
            return "quality flag: " + flag_names(q->flags);
        };
    }
    results::Tabulator tab(set, filters);
    if (tab.needs_weighting_pass())
        if (auto r = source.each(
                survey, [&](const results::ResponseFrame& f) { tab.add_for_weights(f); }, err);
            !r)
            return std::unexpected(r.error());
    if (auto r = source.each(
            survey, [&](const results::ResponseFrame& f) { tab.add(f); }, err);
        !r)
        return std::unexpected(r.error());
    auto table = tab.finish();
    if (source.unreadable() > 0) {
        table.exclusion_reasons.push_back("could not be read (named on standard error): " + std::to_string(source.unreadable()));
        table.excluded += source.unreadable();
    }
    return table;
}

}  // namespace

std::expected<results::Table, std::string> tabulate_stored(Storage& storage, const TabulateRequest& request, std::ostream& err) {
    ReportOptions o;
    o.survey = request.survey->id;
    Source source(o, &storage);
    return tabulate(source, request.survey, *request.set, request.filters, request.quality, request.include_flagged, err,
                    request.kept);
}

std::expected<results::PopulationTotals, std::string> read_weights_for(const std::string& file, const core::Survey& survey) {
    ReportOptions o;
    o.weights = file;
    o.survey = survey.id;
    auto t = read_weights(o, survey);
    if (!t) return std::unexpected(t.error().message);
    return std::move(*t);
}

int run_report(const ReportOptions& o, std::ostream& out, std::ostream& err) {
    const auto stop = [&](const Stop& s) {
        err << "fieldkiosk-server: report: " << s.message << "\n";
        return s.code;
    };
    if (o.db.empty() == o.from_csv.empty())
        return stop({k_usage, "give exactly one of --db URL (the receiver's database) and --from-csv FILE (an export)"});
    if (o.format != "table" && o.format != "csv" && o.format != "json")
        return stop({k_usage, "--format '" + o.format + "' is not a format: use table, csv or json"});
    results::Filters filters;
    if (auto s = read_filters(o, filters)) return stop(*s);
    auto defs = load_definitions(o, err);
    if (!defs) return stop(defs.error());
    const core::SurveyPtr& survey = defs->survey;
    const results::IndicatorSet& set = *defs->indicators.for_survey(o.survey);

    QualitySettings quality;
    if (!o.config.empty()) {
        auto config = load_server_config(o.config);
        if (!config) return stop({k_usage, "--config " + config.error()});
        quality = config->quality.value_or(QualitySettings{});
    }
    std::optional<results::PopulationTotals> totals;
    if (!o.weights.empty()) {
        auto t = read_weights(o, *survey);
        if (!t) return stop(t.error());
        totals = std::move(*t);
        filters.weights = &*totals;
    }

    std::unique_ptr<Storage> storage;
    if (!o.db.empty()) {
        auto s = open_storage(o.db);
        if (!s) return stop({k_fail, s.error().message});
        storage = std::move(*s);
    }
    Source source(o, storage.get());
    auto table = tabulate(source, survey, set, std::move(filters), quality, o.include_flagged, err);
    if (!table) return stop({k_fail, table.error()});
    if (storage) {
        core::SystemClock clock;
        AuditEntry entry{
            core::format_utc(clock.wall_now()), o.who.empty() ? "command line" : o.who, "report",
            "indicators of survey '" + o.survey + "'" + (o.period.empty() ? "" : " for " + o.period) + " as " + o.format,
            table->responses_read};
        if (auto a = storage->record_audit(entry); !a) return stop({k_fail, "could not write the audit log: " + a.error().message});
    }
    if (o.format == "csv")
        results::write_csv(*table, out);
    else if (o.format == "json")
        results::write_json(*table, set, out, o.language);
    else
        results::write_text(*table, set, out, o.language);
    out.flush();
    return out ? k_ok : k_fail;
}

}  // namespace fieldkiosk::sync::server
