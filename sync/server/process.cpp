#include "sync/server/process.hpp"

#include "core/answer.hpp"
#include "core/clock.hpp"
#include "core/default_paths.hpp"
#include "core/expression.hpp"
#include "seal/sealed_box.hpp"
#include "sync/server/fleet.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ostream>
#include <set>
#include <unordered_map>

namespace fieldkiosk::sync::server {

namespace {

using nlohmann::json;
namespace chr = std::chrono;

constexpr int k_ok = 0, k_fail = 1, k_usage = 2;
constexpr double k_max_minutes = 24 * 60;

bool is_prefer_not(std::string_view v) { return v.starts_with("prefer_not"); }

// A response's answers and calculated values by question index, as Session would hold them at completion.
class PayloadContext final : public core::EvalContext {
public:
    explicit PayloadContext(const std::vector<core::Value>& values) : m_values(values) {}
    [[nodiscard]] const core::Value& value_of(std::uint32_t slot) const override { return m_values[slot]; }
    [[nodiscard]] const core::Value& self() const override { return m_empty; }

private:
    const std::vector<core::Value>& m_values;
    core::Value m_empty;
};

core::Value value_of_json(const json& j) {
    if (j.is_boolean()) return core::Value::boolean(j.get<bool>());
    if (j.is_number()) return core::Value::number(j.get<double>());
    if (j.is_string()) return core::Value::string(j.get<std::string>());
    return {};
}

// The lower value at fraction p of sorted `v` (nearest rank, interpolated between the two middle values).
double quantile(const std::vector<double>& v, double p) {
    const double pos = p * static_cast<double>(v.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(pos));
    const auto hi = static_cast<std::size_t>(std::ceil(pos));
    return v[lo] + (v[hi] - v[lo]) * (pos - static_cast<double>(lo));
}

std::optional<double> median_of(std::vector<double>& v) {
    if (v.empty()) return std::nullopt;
    std::ranges::sort(v);
    return quantile(v, 0.5);
}

std::string percent(std::optional<double> share) {
    if (!share) return "–";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f%%", *share * 100);
    return buf;
}

std::string minutes(std::optional<double> m) {
    if (!m) return "–";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", *m);
    return buf;
}

std::optional<double> rate(std::int64_t completed, std::int64_t dropped) {
    const std::int64_t starts = completed + dropped;
    return starts > 0 ? std::optional<double>(static_cast<double>(completed) / static_cast<double>(starts)) : std::nullopt;
}

}  // namespace

struct ProcessTally::Impl {
    core::SurveyPtr current;
    const core::Catalog* catalog = nullptr;
    ProcessFigures f;
    std::map<std::pair<std::string, std::string>, ProcessFigures::SiteDay> site_day;  // (day, site)
    std::map<std::string, ProcessFigures::Site> sites;
    std::map<std::string, std::int64_t> dropped_at;  // last question -> count
    std::vector<double> all_minutes, kiosk_minutes, assisted_minutes;
    std::unordered_map<std::string, std::size_t> item_of;  // question name -> index in f.items
    std::vector<core::Value> values;                        // scratch, per response

    void add_items(const core::Survey& survey, const json& p) {
        const auto answers = p.find("answers");
        if (answers == p.end() || !answers->is_object()) return;
        const json* calculated = nullptr;
        if (auto c = p.find("calculated"); c != p.end() && c->is_object()) calculated = &*c;
        const auto& qs = survey.questions;
        values.assign(qs.size(), core::Value{});
        PayloadContext ctx(values);
        for (std::size_t i = 0; i < qs.size(); ++i) {
            const core::Question& q = qs[i];
            // Relevance in survey order, as Session::recompute: expressions refer to earlier questions only.
            const bool relevant = !q.relevant || q.relevant->evaluate_bool(ctx);
            if (!relevant) continue;
            const json* a = nullptr;
            if (auto it = answers->find(q.name); it != answers->end()) a = &*it;
            if (q.type == core::QuestionType::Calculate) {
                if (calculated)
                    if (auto it = calculated->find(q.name); it != calculated->end()) values[i] = value_of_json(*it);
                continue;
            }
            std::optional<core::Answer> answer;
            if (a)
                if (auto parsed = core::answer_from_json(q, *a)) answer = std::move(*parsed);
            if (answer) values[i] = answer->to_value();
            if (!q.takes_answer()) continue;
            auto found = item_of.find(q.name);
            if (found == item_of.end()) continue;  // a question the current version no longer asks
            ProcessFigures::Item& item = f.items[found->second];
            ++item.asked;
            const std::string text = answer ? values[i].to_string() : std::string();
            if (!answer || text.empty())
                ++item.unanswered;
            else if (text == "dont_know")
                ++item.dont_know;
            else if (is_prefer_not(text))
                ++item.prefer_not;
            else
                ++item.answered;
        }
    }
};

ProcessTally::ProcessTally(core::SurveyPtr current, const core::Catalog* catalog) : m_impl(std::make_unique<Impl>()) {
    m_impl->current = std::move(current);
    m_impl->catalog = catalog;
    ProcessFigures& f = m_impl->f;
    f.survey_id = m_impl->current->id;
    f.survey_title = m_impl->current->title.get("en");
    for (const auto& q : m_impl->current->questions) {
        if (!q.takes_answer()) continue;
        m_impl->item_of.emplace(q.name, f.items.size());
        f.items.push_back({q.name, q.label.get("en")});
    }
}

ProcessTally::~ProcessTally() = default;

void ProcessTally::add(const ExportRow& row) {
    Impl& m = *m_impl;
    ProcessFigures& f = m.f;
    const json p = json::parse(row.payload, nullptr, false);
    if (!p.is_object()) {
        ++f.unreadable;
        return;
    }
    const auto text = [&](const char* key) {
        auto it = p.find(key);
        return it != p.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    const bool sealed = seal::is_sealed(p);
    // A sealed envelope keeps mode, site and times in clear (seal/sealed_box.hpp): only the answers are closed.
    const std::string mode = text("mode");
    const std::string site = text("site");
    const std::string completed_at = row.completed_at.empty() ? text("completed_at") : row.completed_at;
    const std::string day = completed_at.size() >= 10 && is_iso_day(completed_at.substr(0, 10)) ? completed_at.substr(0, 10) : "";
    const bool assisted = mode == "assisted";
    ++f.completed;
    ++(assisted ? f.completed_assisted : f.completed_kiosk);
    auto& sd = m.site_day[{day, site}];
    sd.site = site;
    sd.day = day;
    ++sd.completed;
    auto& s = m.sites[site];
    s.site = site;
    ++s.completed;
    if (!assisted) ++s.completed_kiosk;

    const auto started = parse_utc(text("started_at"));
    const auto completed = parse_utc(completed_at);
    if (started && completed) {
        const double mins = chr::duration<double>(*completed - *started).count() / 60.0;
        if (mins >= 0 && mins <= k_max_minutes) {
            ++f.timed;
            m.all_minutes.push_back(mins);
            (assisted ? m.assisted_minutes : m.kiosk_minutes).push_back(mins);
        } else {
            ++f.untimed;
        }
    } else {
        ++f.untimed;
    }

    if (sealed) {
        ++f.sealed;
        return;
    }
    core::SurveyPtr survey;
    if (m.catalog) survey = m.catalog->find(row.survey, row.survey_version);
    m.add_items(survey ? *survey : *m.current, p);
}

void ProcessTally::add_dropoffs(const std::vector<DropoffRecord>& records) {
    Impl& m = *m_impl;
    for (const auto& r : records) {
        const DropoffTally& t = r.tally;
        m.f.dropoffs += t.count;
        auto& sd = m.site_day[{t.day, t.site}];
        sd.site = t.site;
        sd.day = t.day;
        sd.dropoffs += t.count;
        auto& s = m.sites[t.site];
        s.site = t.site;
        s.dropoffs += t.count;
        m.dropped_at[t.last_question] += t.count;
    }
}

ProcessFigures ProcessTally::finish() {
    Impl& m = *m_impl;
    ProcessFigures f = std::move(m.f);
    f.completion_rate = rate(f.completed_kiosk, f.dropoffs);
    for (auto& [key, sd] : m.site_day) f.by_site_day.push_back(sd);
    for (auto& [name, s] : m.sites) {
        s.completion_rate = rate(s.completed_kiosk, s.dropoffs);
        f.by_site.push_back(s);
    }
    const std::int64_t starts = f.completed_kiosk + f.dropoffs;
    const auto share = [&](std::int64_t n) { return starts > 0 ? static_cast<double>(n) / static_cast<double>(starts) : 0.0; };
    std::set<std::string> placed;
    for (const auto& q : m.current->questions) {
        auto it = m.dropped_at.find(q.name);
        if (it == m.dropped_at.end()) continue;
        f.dropoff_by_screen.push_back({q.name, q.label.get("en"), it->second, share(it->second)});
        placed.insert(q.name);
    }
    for (const auto& [name, n] : m.dropped_at)
        if (!placed.contains(name) && name != "(end)") f.dropoff_by_screen.push_back({name, "", n, share(n)});
    if (auto end = m.dropped_at.find("(end)"); end != m.dropped_at.end())
        f.dropoff_by_screen.push_back({"(end)", "the closing screens", end->second, share(end->second)});
    if (!m.all_minutes.empty()) {
        std::ranges::sort(m.all_minutes);
        f.median_minutes = quantile(m.all_minutes, 0.5);
        f.lower_quartile_minutes = quantile(m.all_minutes, 0.25);
        f.upper_quartile_minutes = quantile(m.all_minutes, 0.75);
    }
    f.median_minutes_kiosk = median_of(m.kiosk_minutes);
    f.median_minutes_assisted = median_of(m.assisted_minutes);
    m.f = ProcessFigures{};
    return f;
}

void render_process_text(const ProcessFigures& f, std::ostream& out) {
    out << "Process figures: " << f.survey_title << " (" << f.survey_id << ")\n\n";
    out << "Completed: " << f.completed << " (at kiosks " << f.completed_kiosk << ", with an outreach worker " << f.completed_assisted
        << ")\nLeft unfinished at kiosks: " << f.dropoffs << "\nCompletion rate at kiosks: " << percent(f.completion_rate)
        << " of " << (f.completed_kiosk + f.dropoffs) << " started\n";
    out << "Minutes to complete: median " << minutes(f.median_minutes) << " (middle half " << minutes(f.lower_quartile_minutes)
        << "–" << minutes(f.upper_quartile_minutes) << "; at kiosks " << minutes(f.median_minutes_kiosk)
        << ", with an outreach worker " << minutes(f.median_minutes_assisted) << ")";
    if (f.untimed > 0) out << "; " << f.untimed << " left out (times not readable or over 24 hours)";
    out << "\n";
    if (f.sealed > 0) out << "Sealed responses (answers not readable here, left out of item non-response): " << f.sealed << "\n";
    if (f.unreadable > 0) out << "Stored rows that are not a response (counted nowhere): " << f.unreadable << "\n";

    out << "\nBy site\n";
    out << "  site                              completed  at kiosks  unfinished  completion rate\n";
    char line[256];
    for (const auto& s : f.by_site) {
        std::snprintf(line, sizeof line, "  %-32.32s %10lld %10lld %11lld  %s\n", s.site.empty() ? "(not known)" : s.site.c_str(),
                      static_cast<long long>(s.completed), static_cast<long long>(s.completed_kiosk), static_cast<long long>(s.dropoffs),
                      percent(s.completion_rate).c_str());
        out << line;
    }
    out << "\nBy site and day (UTC)\n  day         site                              completed  unfinished\n";
    for (const auto& d : f.by_site_day) {
        std::snprintf(line, sizeof line, "  %-10s  %-32.32s %10lld %11lld\n", d.day.empty() ? "(unknown)" : d.day.c_str(),
                      d.site.empty() ? "(not known)" : d.site.c_str(), static_cast<long long>(d.completed),
                      static_cast<long long>(d.dropoffs));
        out << line;
    }
    out << "\nWhere residents left (last question reached; share of all starts at kiosks)\n";
    if (f.dropoff_by_screen.empty()) out << "  none reported\n";
    for (const auto& s : f.dropoff_by_screen) {
        std::snprintf(line, sizeof line, "  %-28.28s %8lld  %7s\n", s.question.c_str(), static_cast<long long>(s.dropoffs),
                      percent(s.share_of_starts).c_str());
        out << line;
    }
    out << "\nItem non-response (of the responses that were asked each question)\n"
        << "  question                        asked  answered  unanswered  don't know  prefer not  non-response\n";
    for (const auto& i : f.items) {
        std::snprintf(line, sizeof line, "  %-28.28s %8lld %9lld %11lld %11lld %11lld  %12s\n", i.question.c_str(),
                      static_cast<long long>(i.asked), static_cast<long long>(i.answered), static_cast<long long>(i.unanswered),
                      static_cast<long long>(i.dont_know), static_cast<long long>(i.prefer_not), percent(i.rate()).c_str());
        out << line;
    }
}

void render_process_json(const ProcessFigures& f, std::ostream& out) {
    const auto opt = [](const std::optional<double>& v) { return v ? json(*v) : json(nullptr); };
    json sites = json::array(), days = json::array(), screens = json::array(), items = json::array();
    for (const auto& s : f.by_site)
        sites.push_back({{"site", s.site}, {"completed", s.completed}, {"completed_kiosk", s.completed_kiosk},
                         {"dropoffs", s.dropoffs}, {"completion_rate", opt(s.completion_rate)}});
    for (const auto& d : f.by_site_day) days.push_back({{"day", d.day}, {"site", d.site}, {"completed", d.completed}, {"dropoffs", d.dropoffs}});
    for (const auto& s : f.dropoff_by_screen)
        screens.push_back({{"question", s.question}, {"label", s.label}, {"dropoffs", s.dropoffs}, {"share_of_starts", s.share_of_starts}});
    for (const auto& i : f.items)
        items.push_back({{"question", i.question}, {"label", i.label}, {"asked", i.asked}, {"answered", i.answered},
                         {"unanswered", i.unanswered}, {"dont_know", i.dont_know}, {"prefer_not", i.prefer_not},
                         {"nonresponse_rate", opt(i.rate())}});
    json j{{"survey", f.survey_id},
           {"completed", f.completed},
           {"completed_kiosk", f.completed_kiosk},
           {"completed_assisted", f.completed_assisted},
           {"dropoffs", f.dropoffs},
           {"completion_rate", opt(f.completion_rate)},
           {"minutes", {{"median", opt(f.median_minutes)},
                        {"lower_quartile", opt(f.lower_quartile_minutes)},
                        {"upper_quartile", opt(f.upper_quartile_minutes)},
                        {"median_kiosk", opt(f.median_minutes_kiosk)},
                        {"median_assisted", opt(f.median_minutes_assisted)},
                        {"timed", f.timed},
                        {"left_out", f.untimed}}},
           {"sealed", f.sealed},
           {"unreadable", f.unreadable},
           {"by_site", std::move(sites)},
           {"by_site_day", std::move(days)},
           {"dropoff_by_screen", std::move(screens)},
           {"item_nonresponse", std::move(items)}};
    out << j.dump(2) << "\n";
}

int run_process(const ProcessOptions& o, std::ostream& out, std::ostream& err) {
    const auto stop = [&](int code, const std::string& message) {
        err << "fieldkiosk-server: process: " << message << "\n";
        return code;
    };
    if (o.db.empty()) return stop(k_usage, "give --db URL (the receiver's database)");
    if (o.format != "table" && o.format != "json") return stop(k_usage, "--format '" + o.format + "' is not a format: use table or json");
    std::vector<std::filesystem::path> dirs(o.surveys.begin(), o.surveys.end());
    if (dirs.empty()) dirs.push_back(core::default_surveys_dir());
    const core::Catalog catalog = core::load_paths(dirs, core::LoadOptions{.all_versions = true});
    for (const auto& d : catalog.diagnostics) err << "fieldkiosk-server: process: " << d.to_string() << "\n";
    if (!catalog.diagnostics.empty()) return stop(k_fail, "the survey definitions have problems (listed above)");
    const core::SurveyPtr survey = catalog.find(o.survey);
    if (!survey) {
        std::string ids;
        for (const auto& s : catalog.current()) ids += (ids.empty() ? "" : ", ") + s->id;
        return stop(k_usage, "--survey '" + o.survey + "' is not among the surveys in " + dirs.front().string() + " (" + ids + ")");
    }
    // A mistyped SQLite path must not create an empty database and show zeros.
    if (const auto missing = missing_sqlite_file(o.db))
        return stop(k_fail, "no database at '" + *missing + "' (give --db sqlite:PATH or postgresql://...)");
    auto storage = open_storage(o.db);
    if (!storage) return stop(k_fail, storage.error().message);
    ProcessTally tally(survey, &catalog);
    std::int64_t rows = 0;
    auto read = (*storage)->for_each_response(o.survey, [&](const ExportRow& r) {
        tally.add(r);
        ++rows;
        return true;
    });
    if (!read) return stop(k_fail, read.error().message);
    auto dropoffs = (*storage)->dropoffs(o.survey);
    if (!dropoffs) return stop(k_fail, dropoffs.error().message);
    tally.add_dropoffs(*dropoffs);
    const ProcessFigures f = tally.finish();
    core::SystemClock clock;
    AuditEntry entry{core::format_utc(clock.wall_now()), o.who.empty() ? "command line" : o.who, "process",
                     "process figures of survey '" + o.survey + "' as " + o.format, rows};
    if (auto a = (*storage)->record_audit(entry); !a) return stop(k_fail, "could not write the audit log: " + a.error().message);
    if (o.format == "json")
        render_process_json(f, out);
    else
        render_process_text(f, out);
    out.flush();
    return out ? k_ok : k_fail;
}

}  // namespace fieldkiosk::sync::server
