// Index: key table and helpers, parse_server_config, load_server_config, apply_server_config.
#include "sync/server/server_config.hpp"

#include "sync/server/fleet.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <span>
#include <sstream>

namespace fieldkiosk::sync::server {
namespace {

constexpr std::array<std::string_view, 16> k_keys = {
    "listen", "db",    "surveys",  "threads", "read_timeout", "max_body",        "max_decompressed", "max_items",
    "rate",   "burst", "tls_cert", "tls_key", "quiet_after",  "max_connections", "quality",          "dashboard"};
// [dashboard]: the results dashboard's files and sessions (DashboardConfig).
constexpr std::array<std::string_view, 6> k_dashboard_keys = {"indicators", "boundaries", "ward_codes", "population_totals",
                                                              "session_idle", "session_max"};
// [quality]: the QualitySettings fields (sync/server/quality.hpp).
constexpr std::array<std::string_view, 8> k_quality_keys = {
    "burst_window_s",        "burst_count",           "duplicate_window_s",     "near_identical_share",
    "duplicate_min_answers", "duplicate_max_compare", "min_seconds_per_screen", "straight_line_min_items"};

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diag = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diag = up;
        }
    }
    return row[b.size()];
}

std::string type_name(const toml::node& n) {
    switch (n.type()) {
        case toml::node_type::string:
            return "a string";
        case toml::node_type::integer:
            return "a whole number";
        case toml::node_type::floating_point:
            return "a number with a fraction";
        case toml::node_type::boolean:
            return "true/false";
        case toml::node_type::array:
            return "a list";
        case toml::node_type::table:
            return "a table";
        default:
            return "a date or time";
    }
}

class Reader {
public:
    // `prefix` names a table's keys in messages ("quality."); `keys` are the ones it may hold.
    Reader(const toml::table& root, std::string_view name, std::span<const std::string_view> keys = k_keys,
           std::string prefix = {})
        : m_root(root), m_name(name), m_keys(keys), m_prefix(std::move(prefix)) {}

    void text(std::string_view key, std::optional<std::string>& out) {
        const toml::node* n = m_root.get(key);
        if (n == nullptr) return;
        if (auto v = n->value_exact<std::string>(); v && !v->empty())
            out = *v;
        else
            fail(key, "must be a non-empty string in quotes, e.g. " + std::string(key) + " = \"...\"", *n);
    }
    void text_list(std::string_view key, std::optional<std::vector<std::string>>& out) {
        const toml::node* n = m_root.get(key);
        if (n == nullptr) return;
        std::vector<std::string> values;
        bool ok = true;
        if (auto v = n->value_exact<std::string>())
            values.push_back(*v);
        else if (const auto* arr = n->as_array())
            for (const auto& e : *arr) {
                if (auto s = e.value_exact<std::string>())
                    values.push_back(*s);
                else
                    ok = false;
            }
        else
            ok = false;
        ok = ok && !values.empty() && std::none_of(values.begin(), values.end(), [](const auto& s) { return s.empty(); });
        if (ok)
            out = std::move(values);
        else
            fail(key,
                 "must be a folder (or file) of survey definitions, or a list of them, e.g. " + std::string(key) +
                     " = [\"/usr/share/fieldkiosk-server/survey_defs\"]",
                 *n);
    }
    template <class T>
    void whole(std::string_view key, std::optional<T>& out, std::int64_t lo, std::int64_t hi) {
        const toml::node* n = m_root.get(key);
        if (n == nullptr) return;
        if (auto v = n->value_exact<std::int64_t>(); v && *v >= lo && *v <= hi)
            out = static_cast<T>(*v);
        else
            fail(key, "must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi), *n);
    }
    void number(std::string_view key, std::optional<double>& out, double lo, double hi) {
        const toml::node* n = m_root.get(key);
        if (n == nullptr) return;
        std::optional<double> v;
        if (auto i = n->value_exact<std::int64_t>()) v = static_cast<double>(*i);
        if (auto d = n->value_exact<double>()) v = *d;
        if (v && std::isfinite(*v) && *v >= lo && *v <= hi)
            out = *v;
        else {
            std::ostringstream msg;
            msg << "must be a number from " << lo << " to " << hi;
            fail(key, msg.str(), *n);
        }
    }
    void duration(std::string_view key, std::optional<std::string>& out) {
        const toml::node* n = m_root.get(key);
        if (n == nullptr) return;
        auto s = n->value_exact<std::string>();
        if (!s) return fail(key, "must be a duration in quotes: a whole number and a unit, e.g. \"30m\", \"24h\", \"3d\"", *n);
        if (auto d = parse_duration(*s); !d) return fail(key, d.error(), *n);
        out = *s;
    }
    void unknown_keys() {
        for (const auto& [k, v] : m_root) {
            const std::string_view key = k.str();
            if (std::find(m_keys.begin(), m_keys.end(), key) != m_keys.end()) continue;
            std::string msg = m_prefix.empty()             ? "is not a setting of `fieldkiosk-server serve`"
                              : m_prefix == "dashboard." ? "is not a dashboard setting (docs/dashboard.md)"
                                                         : "is not a quality threshold (docs/quality_flags.md)";
            if (v.is_table()) msg += " (server.toml has two tables, [quality] and [dashboard]: write every other key at the top)";
            std::string_view best;
            std::size_t best_d = 3;
            for (auto known : m_keys)
                if (const auto d = edit_distance(key, known); d < best_d) best = known, best_d = d;
            if (!best.empty()) msg += "; did you mean '" + std::string(best) + "'?";
            m_problems.push_back(std::string(m_name) + ": " + m_prefix + std::string(key) + ": " + msg);
        }
    }
    [[nodiscard]] const std::vector<std::string>& problems() const { return m_problems; }
    [[nodiscard]] std::vector<std::string>& problems() { return m_problems; }

private:
    void fail(std::string_view key, const std::string& what, const toml::node& n) {
        std::ostringstream msg;
        msg << m_name << ":" << n.source().begin.line << ": " << m_prefix << key << ": " << what << " (it is " << type_name(n);
        if (auto s = n.value_exact<std::string>()) msg << " \"" << *s << "\"";
        if (auto i = n.value_exact<std::int64_t>()) msg << " " << *i;
        msg << ")";
        m_problems.push_back(msg.str());
    }
    const toml::table& m_root;
    std::string_view m_name;
    std::span<const std::string_view> m_keys;
    std::string m_prefix;
    std::vector<std::string> m_problems;
};

// [quality]: each key over its default (QualitySettings); a key left out keeps its documented default.
void read_quality(const toml::table& root, std::string_view name, ServerConfigFile& f, std::vector<std::string>& problems) {
    const toml::node* n = root.get("quality");
    if (n == nullptr) return;
    const toml::table* t = n->as_table();
    if (t == nullptr) {
        problems.push_back(std::string(name) + ":" + std::to_string(n->source().begin.line) +
                           ": quality: must be a table of thresholds, [quality] on a line of its own (docs/quality_flags.md)");
        return;
    }
    Reader r(*t, name, k_quality_keys, "quality.");
    r.unknown_keys();
    QualitySettings q;
    const auto whole = [&r](std::string_view key, auto& target, std::int64_t lo, std::int64_t hi) {
        std::optional<std::int64_t> v;
        r.whole(key, v, lo, hi);
        if (v) target = static_cast<std::remove_reference_t<decltype(target)>>(*v);
    };
    const auto number = [&r](std::string_view key, double& target, double lo, double hi) {
        std::optional<double> v;
        r.number(key, v, lo, hi);
        if (v) target = *v;
    };
    constexpr std::int64_t k_week_s = 7 * 24 * 3600;
    whole("burst_window_s", q.burst_window_s, 1, k_week_s);
    whole("burst_count", q.burst_count, 2, 1'000'000);
    whole("duplicate_window_s", q.duplicate_window_s, 1, k_week_s);
    number("near_identical_share", q.near_identical_share, 0.5, 1.0);
    whole("duplicate_min_answers", q.duplicate_min_answers, 1, 10'000);
    whole("duplicate_max_compare", q.duplicate_max_compare, 1, 10'000);
    number("min_seconds_per_screen", q.min_seconds_per_screen, 0.0, 600.0);
    whole("straight_line_min_items", q.straight_line_min_items, 2, 10'000);
    problems.insert(problems.end(), r.problems().begin(), r.problems().end());
    f.quality = q;
}

// [dashboard]: file paths and session lengths; a key left out keeps its default (docs/dashboard.md).
void read_dashboard(const toml::table& root, std::string_view name, ServerConfigFile& f, std::vector<std::string>& problems) {
    const toml::node* n = root.get("dashboard");
    if (n == nullptr) return;
    const toml::table* t = n->as_table();
    if (t == nullptr) {
        problems.push_back(std::string(name) + ":" + std::to_string(n->source().begin.line) +
                           ": dashboard: must be a table, [dashboard] on a line of its own (docs/dashboard.md)");
        return;
    }
    Reader r(*t, name, k_dashboard_keys, "dashboard.");
    r.unknown_keys();
    DashboardConfig d;
    r.text("indicators", d.indicators);
    r.text("boundaries", d.boundaries);
    r.text("ward_codes", d.ward_codes);
    r.text("population_totals", d.population_totals);
    r.duration("session_idle", d.session_idle);
    r.duration("session_max", d.session_max);
    problems.insert(problems.end(), r.problems().begin(), r.problems().end());
    f.dashboard = d;
}

}  // namespace

std::expected<ServerConfigFile, std::string> parse_server_config(std::string_view toml_text, std::string_view name) {
    toml::table root;
    try {
        root = toml::parse(toml_text, name);
    } catch (const toml::parse_error& e) {
        std::ostringstream msg;
        msg << name << ":" << e.source().begin.line << ":" << e.source().begin.column << ": not valid TOML: " << e.description();
        return std::unexpected(msg.str());
    }
    ServerConfigFile f;
    Reader r(root, name);
    r.unknown_keys();
    r.text("listen", f.listen);
    r.text("db", f.db);
    r.text_list("surveys", f.surveys);
    r.whole("threads", f.threads, 1, 256);
    r.whole("read_timeout", f.read_timeout, 1, 600);
    r.whole("max_connections", f.max_connections, 16, 1'000'000);
    constexpr std::int64_t k_tebibyte = std::int64_t{1} << 40;
    r.whole("max_body", f.max_body, 1, k_tebibyte);
    r.whole("max_decompressed", f.max_decompressed, 1, k_tebibyte);
    r.whole("max_items", f.max_items, 1, 1'000'000);
    r.number("rate", f.rate, 0, 1e6);
    r.whole("burst", f.burst, 1, 1'000'000);
    r.text("tls_cert", f.tls_cert);
    r.text("tls_key", f.tls_key);
    r.duration("quiet_after", f.quiet_after);
    read_quality(root, name, f, r.problems());
    read_dashboard(root, name, f, r.problems());
    if (!r.problems().empty()) {
        std::string all;
        for (const auto& p : r.problems()) all += (all.empty() ? "" : "\n") + p;
        return std::unexpected(all);
    }
    return f;
}

void resolve_relative_paths(ServerConfigFile& file, const std::filesystem::path& folder) {
    const auto resolve = [&folder](std::string& p) {
        if (!p.empty() && std::filesystem::path(p).is_relative()) p = (folder / p).lexically_normal().string();
    };
    if (file.surveys)
        for (auto& p : *file.surveys) resolve(p);
    if (file.db && file.db->starts_with("sqlite:")) {
        std::string p = file.db->substr(7);
        if (p != ":memory:") {
            resolve(p);
            *file.db = "sqlite:" + p;
        }
    }
    if (file.tls_cert) resolve(*file.tls_cert);
    if (file.tls_key) resolve(*file.tls_key);
    if (file.dashboard)
        for (auto* p : {&file.dashboard->indicators, &file.dashboard->boundaries, &file.dashboard->ward_codes, &file.dashboard->population_totals})
            if (*p) resolve(**p);
}

std::expected<ServerConfigFile, std::string> load_server_config(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::unexpected(path.string() + ": cannot be read (missing, or no permission)");
    std::ostringstream text;
    text << in.rdbuf();
    auto file = parse_server_config(text.str(), path.string());
    if (file) {
        std::error_code ec;
        auto absolute = std::filesystem::absolute(path, ec);
        if (ec) absolute = path;
        resolve_relative_paths(*file, absolute.parent_path());
    }
    return file;
}

std::expected<void, std::string> apply_server_config(const ServerConfigFile& file,
                                                     const std::function<bool(std::string_view)>& flag_given, ServeTargets t) {
    const auto take = [&](const auto& value, std::string_view flag, auto& target) {
        if (value && !flag_given(flag)) target = static_cast<std::remove_reference_t<decltype(target)>>(*value);
    };
    take(file.listen, "--listen", t.listen);
    take(file.db, "--db", t.db);
    take(file.surveys, "--surveys", t.surveys);
    take(file.read_timeout, "--read-timeout", t.read_timeout_seconds);
    take(file.threads, "--threads", t.options.threads);
    take(file.max_connections, "--max-connections", t.options.max_connections);
    take(file.max_body, "--max-body", t.options.limits.max_body_bytes);
    take(file.max_decompressed, "--max-decompressed", t.options.limits.max_decompressed_bytes);
    take(file.max_items, "--max-items", t.options.limits.max_items);
    take(file.rate, "--rate", t.options.limits.rate_per_second);
    take(file.burst, "--burst", t.options.limits.rate_burst);
    take(file.tls_cert, "--tls-cert", t.options.tls_cert);
    take(file.tls_key, "--tls-key", t.options.tls_key);
    if (file.quality) t.options.quality = *file.quality;  // no flag sets a threshold
    if (file.dashboard) {  // no flag sets these either
        auto& d = t.options.dashboard;
        const auto& c = *file.dashboard;
        if (c.indicators) d.indicators = *c.indicators;
        if (c.boundaries) d.boundaries = *c.boundaries;
        if (c.ward_codes) d.ward_codes = *c.ward_codes;
        if (c.population_totals) d.population_totals = *c.population_totals;
        if (c.session_idle) d.session_idle = *parse_duration(*c.session_idle);
        if (c.session_max) d.session_max = *parse_duration(*c.session_max);
    }
    if (file.quiet_after) {
        if (t.quiet_after == nullptr)
            return std::unexpected(std::string("quiet_after: this fieldkiosk-server has no --quiet-after"));
        take(file.quiet_after, "--quiet-after", *t.quiet_after);
    }
    return {};
}

}  // namespace fieldkiosk::sync::server
