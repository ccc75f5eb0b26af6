#include "sync/server/dashboard.hpp"

#include "core/csv.hpp"
#include "results/indicator.hpp"
#include "results/output.hpp"
#include "results/period.hpp"
#include "results/tabulate.hpp"
#include "sync/protocol/digest.hpp"
#include "sync/server/auth.hpp"
#include "sync/server/dashboard_charts.hpp"
#include "sync/server/http_message.hpp"
#include "sync/server/kept_figures.hpp"
#include "sync/server/process.hpp"
#include "sync/server/quality_rows.hpp"
#include "sync/server/report_command.hpp"
#include "sync/server/survey_library.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <unordered_map>

namespace fieldkiosk::sync::server {

using dashboard::escape_html;
namespace fs = std::filesystem;

namespace {

constexpr std::size_t k_max_sessions = 10000, k_max_cached_tables = 32, k_max_value = 100;
constexpr std::string_view k_title = "Residents' survey results";

// ---- Input: query strings, forms and cookies ------------------------------------------------------------------

// application/x-www-form-urlencoded and query strings: '+' is a space, %XX a byte. nullopt: a broken escape.
std::optional<std::string> url_decode(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '+') {
            out += ' ';
        } else if (s[i] == '%') {
            if (i + 2 >= s.size() || !std::isxdigit(static_cast<unsigned char>(s[i + 1])) || !std::isxdigit(static_cast<unsigned char>(s[i + 2])))
                return std::nullopt;
            out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

// name -> value, the first of each name; a broken escape or an over-long value is an error for the caller.
struct Params {
    std::map<std::string, std::string> values;
    std::string error;  // "" when every pair was read
    [[nodiscard]] std::string get(const std::string& name) const {
        const auto it = values.find(name);
        return it == values.end() ? "" : it->second;
    }
};

Params parse_params(std::string_view text) {
    Params p;
    while (!text.empty()) {
        const auto amp = text.find('&');
        const std::string_view pair = text.substr(0, amp);
        text = amp == std::string_view::npos ? std::string_view{} : text.substr(amp + 1);
        if (pair.empty()) continue;
        const auto eq = pair.find('=');
        const auto name = url_decode(pair.substr(0, eq));
        const auto value = url_decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1));
        if (!name || !value) {
            p.error = "a parameter has a broken %-escape";
            return p;
        }
        if (value->size() > k_max_value) {
            p.error = "the value of '" + name->substr(0, 40) + "' is too long";
            return p;
        }
        p.values.emplace(*name, *value);
    }
    return p;
}

// The session id from the Cookie header when it has our cookie in the shape make_token() gives; else "".
std::string session_cookie(std::string_view header) {
    while (!header.empty()) {
        const auto semi = header.find(';');
        std::string_view part = header.substr(0, semi);
        header = semi == std::string_view::npos ? std::string_view{} : header.substr(semi + 1);
        while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
        const std::string prefix = std::string(Dashboard::k_cookie) + "=";
        if (!part.starts_with(prefix)) continue;
        const std::string_view v = part.substr(prefix.size());
        const bool shaped = v.size() == 67 && v.starts_with("fk_") &&
                            std::ranges::all_of(v.substr(3), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; });
        return shaped ? std::string(v) : std::string();
    }
    return {};
}

bool is_id(std::string_view s) {
    return !s.empty() && s.size() <= 64 &&
           std::ranges::all_of(s, [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-'; });
}

// ---- Output: the page frame ---------------------------------------------------------------------------------

void security_headers(HttpResponse& res) {
    res.set_header("Content-Security-Policy",
                   "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("Referrer-Policy", "no-referrer");
    res.set_header("X-Frame-Options", "DENY");
    res.set_header("Cache-Control", "no-store");
}

const char* k_css = R"(*{box-sizing:border-box}
body{margin:0;font-family:Arial,Helvetica,sans-serif;font-size:19px;line-height:1.32;color:#0b0c0c;background:#fff}
a{color:#1d70b8}a:visited{color:#4c2c92}a:hover{color:#003078}
a:focus,button:focus,select:focus,input:focus{outline:3px solid #ffdd00;outline-offset:0;box-shadow:0 -2px #ffdd00,0 4px #0b0c0c}
.header{background:#0b0c0c;color:#fff;padding:12px 0;border-bottom:10px solid #1d70b8}
.header a{color:#fff;text-decoration:none;font-weight:bold}
.width{max-width:980px;margin:0 auto;padding:0 15px}
.header .width{display:flex;flex-wrap:wrap;gap:12px;align-items:center;justify-content:space-between}
nav ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:4px 18px}
nav a{font-weight:normal!important;text-decoration:underline!important}
main{padding:24px 0 40px}
h1{font-size:36px;margin:0 0 20px}h2{font-size:27px;margin:36px 0 12px}h3{font-size:21px;margin:24px 0 8px}
.caveat{border-left:10px solid #b1b4b6;padding:10px 15px;margin:0 0 24px;color:#0b0c0c;background:#f3f2f1}
.warning{border-left:10px solid #d4351c;padding:10px 15px;margin:0 0 24px}
.figure{font-size:48px;font-weight:bold;margin:0}
.figure small{font-size:19px;font-weight:normal;color:#505a5f}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(280px,1fr));gap:20px}
.card{border-top:5px solid #1d70b8;padding:10px 0}
.card h3{margin-top:0}
.secondary{color:#505a5f}
table{border-collapse:collapse;width:100%;margin:12px 0 24px;font-size:16px}
caption{text-align:left;font-weight:bold;font-size:19px;padding-bottom:8px}
th,td{text-align:left;padding:8px 10px 8px 0;border-bottom:1px solid #b1b4b6;vertical-align:top}
td.num,th.num{text-align:right}
.scroll{overflow-x:auto}
.chart-box{overflow-x:auto;margin:8px 0}
svg.chart{width:100%;height:auto;max-width:760px;min-width:540px;display:block}
svg.chart text{font-family:Arial,Helvetica,sans-serif}
form.filters{display:flex;flex-wrap:wrap;gap:12px 20px;align-items:flex-end;background:#f3f2f1;padding:15px;margin-bottom:24px}
form.filters>div{min-width:0;max-width:100%}
label{display:block;font-weight:bold;font-size:16px;margin-bottom:4px}
select,input[type=password]{font-size:19px;padding:5px;border:2px solid #0b0c0c;min-height:40px;max-width:100%}
.check{display:flex;gap:8px;align-items:center}.check label{font-weight:normal;margin:0}
.check input{width:24px;height:24px}
button{font-size:19px;padding:8px 12px;background:#00703c;color:#fff;border:0;box-shadow:0 2px #002d18;cursor:pointer;min-height:40px}
button.link{background:none;color:#fff;box-shadow:none;text-decoration:underline;padding:0;min-height:0;font-size:16px}
footer{border-top:1px solid #b1b4b6;padding:20px 0;font-size:16px;color:#505a5f}
@media (max-width:640px){h1{font-size:27px}.figure{font-size:36px}body{font-size:16px}table{font-size:14px}th[scope=row]{min-width:10em}}
)";

std::string page(const std::string& title, const std::string& nav, const std::string& body, const std::string& footer_extra = {}) {
    return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, "
           "initial-scale=1\"><title>" +
           escape_html(title) + " – " + std::string(k_title) +
           "</title><link rel=\"stylesheet\" href=\"/dashboard/style.css\"></head><body><header class=\"header\"><div class=\"width\"><a "
           "href=\"/dashboard/\">" +
           std::string(k_title) + "</a>" + nav + "</div></header><main id=\"main\" class=\"width\">" + body +
           "</main><footer><div class=\"width\">" + footer_extra +
           "<p>Figures from residents who chose to answer at the council's kiosks and with its outreach workers. Groups of fewer than 10 "
           "people are not shown.</p></div></footer></body></html>\n";
}

void answer_page(HttpResponse& res, int status, std::string html) {
    res.status = status;
    security_headers(res);
    res.set_content(std::move(html), "text/html; charset=utf-8");
}

void answer_message(HttpResponse& res, int status, const std::string& heading, const std::string& text) {
    answer_page(res, status,
                page(heading, "", "<h1>" + escape_html(heading) + "</h1><p>" + escape_html(text) + "</p><p><a href=\"/dashboard/\">Back to the "
                                  "results</a></p>"));
}

void redirect(HttpResponse& res, const std::string& to) {
    res.status = 303;
    security_headers(res);
    res.set_header("Location", to);
    res.set_content("", "text/plain; charset=utf-8");
}

// A chart in a box of its own: on a phone it keeps a legible size and scrolls sideways inside the box, not the page.
std::string box(const std::string& svg) { return "<div class=\"chart-box\">" + svg + "</div>"; }

// "Age band" -> "age band", for a breakdown inside a sentence.
std::string lower_first(std::string s) {
    if (!s.empty() && s[0] >= 'A' && s[0] <= 'Z') s[0] = static_cast<char>(s[0] - 'A' + 'a');
    return s;
}

std::string percent_text(double v, const std::string& unit) { return dashboard::one_decimal(v) + unit; }

// "12.3 % (95 % interval 8.1–17.0 %)" or "<10" / "hidden" for a protected cell.
std::string figure_text(const results::Figure& f, const std::string& unit) {
    if (f.protection.suppressed()) return f.protection.hidden == results::Hidden::Secondary ? "hidden" : "<10";
    std::string s = percent_text(f.value, unit);
    if (f.interval) s += " (" + percent_text(f.interval->low, unit) + "–" + percent_text(f.interval->high, unit) + ")";
    return s;
}

std::string hidden_reason(const results::Figure& f) { return f.protection.suppressed() ? f.protection.reason() : ""; }

}  // namespace

// ---- The dashboard --------------------------------------------------------------------------------------------

struct Dashboard::Impl {
    Storage& storage;
    const core::Clock& clock;
    DashboardOptions options;
    QualitySettings quality;
    Library surveys;
    bool tls;

    struct Session {
        std::string token_hash, who;
        std::chrono::system_clock::time_point created, last_seen;
    };
    std::mutex session_mutex;
    std::unordered_map<std::string, Session> sessions;  // by SHA-256 of the cookie's value

    // What the pages read besides the responses, loaded once per survey library (a SIGHUP reload makes new ones).
    struct Definitions {
        std::shared_ptr<const SurveyLibrary> library;
        results::IndicatorCatalog indicators;
        std::string problem;                          // why the dashboard cannot show figures ("" when it can)
        std::map<std::string, std::string> ward_code;  // ward choice -> boundary code
        std::optional<std::vector<dashboard::WardShape>> wards;
        std::string map_problem;  // why there is no map ("" when there is one, or none was asked for)
    };
    std::mutex definitions_mutex;
    std::shared_ptr<const Definitions> definitions;

    struct CachedTable {
        std::string stamp;
        std::shared_ptr<const results::Table> table;
        std::uint64_t used = 0;
        std::chrono::steady_clock::time_point made;
    };
    std::atomic<std::uint64_t> generation{0};
    std::mutex cache_mutex;
    std::map<std::string, CachedTable> cache;
    std::uint64_t cache_clock = 0;

    Impl(Storage& s, const core::Clock& c, DashboardOptions o, QualitySettings q, Library l, bool t)
        : storage(s), clock(c), options(std::move(o)), quality(q), surveys(std::move(l)), tls(t) {}

    // ---- sessions ----

    void audit(const std::string& who, const std::string& action, const std::string& what, std::int64_t rows) {
        // A page is not refused because its audit entry could not be written: the database would then have refused
        // the figures too. The failure is not silent: the entry's absence is the only trace, so it is kept small.
        (void)storage.record_audit(AuditEntry{core::format_utc(clock.wall_now()), who, action, what, rows});
    }

    std::optional<Session> current_session(const HttpRequest& req) {
        const std::string id = session_cookie(req.header("Cookie"));
        if (id.empty()) return std::nullopt;
        const auto key = protocol::sha256_hex(id);
        if (!key) return std::nullopt;
        const auto now = clock.wall_now();
        Session s;
        {
            std::lock_guard lock(session_mutex);
            const auto it = sessions.find(*key);
            if (it == sessions.end()) return std::nullopt;
            if (now - it->second.last_seen > options.session_idle || now - it->second.created > options.session_max) {
                sessions.erase(it);
                return std::nullopt;
            }
            it->second.last_seen = now;
            s = it->second;
        }
        // The token is checked again on every page: a revoked token or one that lost its read scope ends the session.
        auto found = storage.find_token(s.token_hash);
        if (!found || !*found || !constant_time_equal((*found)->token_hash, s.token_hash) || !role_allows((*found)->role, k_need_read)) {
            std::lock_guard lock(session_mutex);
            sessions.erase(*key);
            return std::nullopt;
        }
        return s;
    }

    void sign_in(const HttpRequest& req, HttpResponse& res) {
        const std::string type = req.header("Content-Type");
        if (!type.starts_with("application/x-www-form-urlencoded")) {
            answer_message(res, 415, "Sign-in not understood", "The sign-in form must be sent from the sign-in page.");
            return;
        }
        // SameSite=Strict keeps the cookie from other sites; the Origin check keeps other sites from signing a browser in.
        const std::string origin = req.header("Origin");
        if (!origin.empty() && origin != "null" && origin != std::string(tls ? "https://" : "http://") + req.header("Host")) {
            answer_message(res, 403, "Sign-in refused", "The sign-in form was sent from another site.");
            return;
        }
        const Params form = parse_params(req.body);
        const std::string token = form.get("token");
        const auto refuse = [&](int status, const std::string& why) {
            audit("unknown key", "dashboard sign-in refused", why, 0);
            answer_page(res, status, sign_in_page(why));
        };
        if (!form.error.empty() || token.empty()) return refuse(400, "Enter the admin key you were given.");
        const auto hash = protocol::sha256_hex(token);
        if (!hash) return refuse(503, "The server cannot check keys just now. Try again in a minute.");
        auto found = storage.find_token(*hash);
        if (!found) return refuse(503, "The server's database is not answering. Try again in a minute.");
        if (!*found || !constant_time_equal((*found)->token_hash, *hash) || !is_admin_role((*found)->role))
            return refuse(401, "That key was not accepted. Check it and try again, or ask for a new one.");
        if (!role_allows((*found)->role, k_need_read)) {
            audit((*found)->name, "dashboard sign-in refused", "the key has no read scope", 0);
            answer_page(res, 403, sign_in_page("That key may not read results (it has no 'read' scope)."));
            return;
        }
        std::string id;
        try {
            id = make_token();
        } catch (const std::exception&) {
            return refuse(503, "The server cannot start a session just now. Try again in a minute.");
        }
        const auto key = protocol::sha256_hex(id);
        if (!key) return refuse(503, "The server cannot start a session just now. Try again in a minute.");
        const auto now = clock.wall_now();
        {
            std::lock_guard lock(session_mutex);
            if (sessions.size() >= k_max_sessions) {  // the oldest session makes room
                auto oldest = std::ranges::min_element(sessions, {}, [](const auto& kv) { return kv.second.last_seen; });
                sessions.erase(oldest);
            }
            sessions[*key] = Session{*hash, (*found)->name, now, now};
        }
        audit((*found)->name, "dashboard sign-in", "signed in to the dashboard", 0);
        redirect(res, "/dashboard/");
        res.set_header("Set-Cookie", std::string(k_cookie) + "=" + id + "; Path=/dashboard; HttpOnly; SameSite=Strict; Max-Age=" +
                                         std::to_string(options.session_max.count()) + (tls ? "; Secure" : ""));
    }

    void sign_out(const HttpRequest& req, HttpResponse& res) {
        const std::string id = session_cookie(req.header("Cookie"));
        if (!id.empty())
            if (const auto key = protocol::sha256_hex(id)) {
                std::string who;
                {
                    std::lock_guard lock(session_mutex);
                    if (const auto it = sessions.find(*key); it != sessions.end()) {
                        who = it->second.who;
                        sessions.erase(it);
                    }
                }
                if (!who.empty()) audit(who, "dashboard sign-out", "signed out of the dashboard", 0);
            }
        redirect(res, "/dashboard/sign-in");
        res.set_header("Set-Cookie", std::string(k_cookie) + "=; Path=/dashboard; HttpOnly; SameSite=Strict; Max-Age=0" + (tls ? "; Secure" : ""));
    }

    static std::string sign_in_page(const std::string& problem) {
        std::string body = "<h1>Sign in</h1>";
        if (!problem.empty()) body += "<div class=\"warning\" role=\"alert\"><p>" + escape_html(problem) + "</p></div>";
        body +=
            "<p>Enter the admin key that your administrator made for you with <code>fieldkiosk-server add-admin</code>. It needs "
            "permission to read results.</p><form method=\"post\" action=\"/dashboard/sign-in\"><label for=\"token\">Admin key</label>"
            "<p><input type=\"password\" id=\"token\" name=\"token\" autocomplete=\"current-password\" size=\"40\" required></p>"
            "<button type=\"submit\">Sign in</button></form><p class=\"secondary\">You stay signed in for up to 8 hours, or 30 "
            "minutes without using the results.</p>";
        return page("Sign in", "", body);
    }

    // ---- definitions and figures ----

    std::shared_ptr<const Definitions> load_definitions() {
        auto library = surveys();
        std::lock_guard lock(definitions_mutex);
        if (definitions && definitions->library == library) return definitions;
        auto d = std::make_shared<Definitions>();
        d->library = library;
        if (options.indicators.empty()) {
            d->problem = "The dashboard has no indicator files: set [dashboard] indicators in server.toml.";
        } else if (library) {
            const auto& catalog = library->validator().catalog();
            d->indicators = results::load_indicator_dir(options.indicators, [&](std::string_view id) { return catalog.find(id); });
            if (!d->indicators.diagnostics.empty())
                d->problem = "The indicator files have problems: " + d->indicators.diagnostics.front().to_string();
            else if (d->indicators.sets.empty())
                d->problem = "No indicator file was found in " + options.indicators.string() + ".";
        }
        if (!options.ward_codes.empty()) {
            std::ifstream in(options.ward_codes, std::ios::binary);
            std::string line;
            int number = 0;
            while (in && std::getline(in, line)) {
                ++number;
                if (!line.empty() && line.back() == '\r') line.pop_back();
                if (line.empty() || line.starts_with('#') || (number == 1 && line.starts_with("choice,"))) continue;
                const auto comma = line.find(',');
                if (comma == std::string::npos) {
                    d->map_problem = options.ward_codes.string() + ":" + std::to_string(number) + ": expected 'choice,code'";
                    break;
                }
                const auto end = line.find(',', comma + 1);
                d->ward_code[line.substr(0, comma)] = line.substr(comma + 1, end == std::string::npos ? std::string::npos : end - comma - 1);
            }
            if (!in.eof() && d->map_problem.empty()) d->map_problem = options.ward_codes.string() + ": cannot be read";
        }
        if (!options.boundaries.empty() && d->map_problem.empty()) {
            auto w = dashboard::read_ward_boundaries(options.boundaries, options.code_property, options.name_property);
            if (w)
                d->wards = std::move(*w);
            else
                d->map_problem = w.error();
        }
        definitions = d;
        return d;
    }

    struct View {
        std::string period;  // "" all time
        bool weighted = false, include_flagged = false;
    };

    // Every indicator of `set` by every breakdown for one view, cached until the count of stored responses changes.
    std::expected<std::shared_ptr<const results::Table>, std::string> table_for(const results::IndicatorSet& set, const View& v) {
        const std::string key = set.survey->id + "|" + v.period + "|" + (v.weighted ? "w" : "") + (v.include_flagged ? "f" : "");
        // New responses make new figures: this receiver's batches bump `generation` (data_changed()); another
        // receiver's on the same database move the survey's latest received_at; and no set is older than 10 minutes.
        const auto latest = storage.latest_received(set.survey->id);
        if (!latest) return std::unexpected("the database is not answering: " + latest.error().message);
        const auto now = clock.steady_now();
        const std::string stamp = std::to_string(generation.load()) + "|" + *latest;
        {
            std::lock_guard lock(cache_mutex);
            const auto it = cache.find(key);
            if (it != cache.end() && it->second.stamp == stamp && now - it->second.made < std::chrono::minutes(10)) {
                it->second.used = ++cache_clock;
                return it->second.table;
            }
        }
        TabulateRequest request;
        request.survey = set.survey;
        request.set = &set;
        request.quality = quality;
        request.include_flagged = v.include_flagged;
        if (!v.period.empty()) request.filters.period = *results::parse_period(v.period);
        request.filters.breakdowns = results::breakdown_names();
        std::optional<results::PopulationTotals> totals;
        if (v.weighted) {
            auto t = read_weights_for(options.population_totals.string(), *set.survey);
            if (!t) return std::unexpected("weighting cannot be used for this survey: " + t.error());
            totals = std::move(*t);
            request.filters.weights = &*totals;
        }
        std::ostringstream err;
        auto table = tabulate_stored(storage, request, err);
        if (!table) return std::unexpected(table.error());
        auto shared = std::make_shared<const results::Table>(std::move(*table));
        std::lock_guard lock(cache_mutex);
        if (cache.size() >= k_max_cached_tables) cache.erase(std::ranges::min_element(cache, {}, [](const auto& kv) { return kv.second.used; }));
        cache[key] = CachedTable{stamp, shared, ++cache_clock, now};
        return shared;
    }

    // ---- pages ----

    struct Context {
        Session session;
        std::shared_ptr<const Definitions> defs;
        View view;
        std::string by;      // breakdown on the indicator page
        std::string option;  // option shares: the option broken down
    };

    static std::string nav(const Definitions& d) {
        std::set<std::string> missions;
        for (const auto& s : d.indicators.sets)
            for (const auto& i : s.indicators) missions.insert(i.mission);
        std::string s = "<nav aria-label=\"Missions\"><ul>";
        for (const auto& m : missions) s += "<li><a href=\"/dashboard/mission/" + escape_html(m) + "\">" + escape_html(mission_name(m)) + "</a></li>";
        s += "<li><form method=\"post\" action=\"/dashboard/sign-out\"><button class=\"link\" type=\"submit\">Sign out</button></form></li></ul></nav>";
        return s;
    }

    static std::string mission_name(const std::string& m) {
        if (m == "food") return "Food: everyone eats well every day";
        if (m == "safety") return "Safety: feeling safe in Camden";
        if (m == "youth") return "Young people: access to opportunity";
        if (m == "wellbeing") return "Well-being";
        return m;
    }

    static std::string unit_of(const results::Indicator& i) { return i.kind == results::IndicatorKind::Mean ? "" : "%"; }
    static double axis_of(const results::Indicator& i) { return i.kind == results::IndicatorKind::Mean ? i.scale_max : 100; }

    // The query string that keeps the view (and `extra`), for links.
    static std::string view_query(const View& v, const std::string& extra = {}) {
        std::string q;
        const auto add = [&q](const std::string& kv) { q += (q.empty() ? "?" : "&") + kv; };
        if (!v.period.empty()) add("period=" + v.period);
        if (v.weighted) add("weights=on");
        if (v.include_flagged) add("flagged=include");
        if (!extra.empty()) add(extra);
        return q;
    }

    // Period choices: all time, the last 8 quarters, the last 12 months and the rolling year to last month.
    std::vector<std::pair<std::string, std::string>> period_choices() const {
        const auto t = std::chrono::system_clock::to_time_t(clock.wall_now());
        std::tm tm{};
        gmtime_r(&t, &tm);
        const int month = (tm.tm_year + 1900) * 12 + tm.tm_mon;  // months since year 0, this month
        std::vector<std::pair<std::string, std::string>> out{{"", "All time"}};
        const int last = month - 1;
        out.emplace_back("12m-" + results::month_text(last), "12 months to " + results::month_text(last));
        for (int q = 0; q < 8; ++q) {
            const std::string text = results::quarter_text(month - 3 * q);
            out.emplace_back(text, text);
        }
        for (int m = 0; m < 12; ++m) out.emplace_back(results::month_text(month - m), results::month_text(month - m));
        return out;
    }

    static std::string breakdown_label(const std::string& b) {
        static const std::map<std::string, std::string> names = {
            {"ward", "Ward"},         {"site", "Kiosk site"}, {"kiosk", "Kiosk"},           {"mode", "How they answered"},
            {"age_band", "Age band"}, {"age_group", "Young people (16-24) and everyone else"}, {"ethnic_group", "Ethnic group"},
            {"disability", "Disability"}, {"disability_impact", "Disability: day-to-day impact"}, {"language", "Language of the survey"},
            {"month", "Month"},       {"quarter", "Quarter"}};
        const auto it = names.find(b);
        return it == names.end() ? b : it->second;
    }

    static std::string choice_label(const core::Survey& survey, const std::string& question, const std::string& value) {
        if (const core::Question* q = survey.find(question))
            if (const core::Choice* c = q->find_choice(value)) return c->label.get("en");
        return value;
    }

    static std::string group_label(const core::Survey& survey, const std::string& breakdown, const std::string& group) {
        if (breakdown == "age_group") return group == "16_24" ? "16 to 24" : group == "25_plus" ? "25 and over" : group;
        if (breakdown == "mode") return group == "kiosk" ? "At a kiosk" : group == "assisted" ? "With an outreach worker" : group;
        return choice_label(survey, breakdown, group);
    }

    std::string filters_form(const std::string& action, const Context& c, bool with_by, const results::IndicatorSet* set,
                             const results::Indicator* ind) const {
        std::string s = "<form class=\"filters\" method=\"get\" action=\"" + escape_html(action) +
                        "\"><div><label for=\"period\">Period</label><select id=\"period\" name=\"period\">";
        bool listed = false;
        for (const auto& [value, text] : period_choices()) {
            const bool sel = value == c.view.period;
            listed = listed || sel;
            s += "<option value=\"" + escape_html(value) + "\"" + (sel ? " selected" : "") + ">" + escape_html(text) + "</option>";
        }
        if (!listed) s += "<option value=\"" + escape_html(c.view.period) + "\" selected>" + escape_html(c.view.period) + "</option>";
        s += "</select></div>";
        if (with_by) {
            s += "<div><label for=\"by\">Break down by</label><select id=\"by\" name=\"by\">";
            for (const auto& b : results::breakdown_names())
                s += "<option value=\"" + escape_html(b) + "\"" + (b == c.by ? " selected" : "") + ">" + escape_html(breakdown_label(b)) + "</option>";
            s += "</select></div>";
        }
        if (set && ind && ind->kind == results::IndicatorKind::OptionShares) {
            s += "<div><label for=\"option\">Answer</label><select id=\"option\" name=\"option\">";
            for (const auto& o : ind->options)
                s += "<option value=\"" + escape_html(o) + "\"" + (o == c.option ? " selected" : "") + ">" +
                     escape_html(choice_label(*set->survey, ind->question, o)) + "</option>";
            s += "</select></div>";
        }
        if (!options.population_totals.empty())
            s += std::string("<div class=\"check\"><input type=\"checkbox\" id=\"weights\" name=\"weights\" value=\"on\"") +
                 (c.view.weighted ? " checked" : "") + "><label for=\"weights\">Weighted to Camden's population</label></div>";
        s += std::string("<div class=\"check\"><input type=\"checkbox\" id=\"flagged\" name=\"flagged\" value=\"include\"") +
             (c.view.include_flagged ? " checked" : "") + "><label for=\"flagged\">Include responses with quality flags</label></div>";
        return s + "<div><button type=\"submit\">Show</button></div></form>";
    }

    // The figures of one indicator (and option) in `table` for one breakdown ("all" for the total).
    static std::vector<const results::Figure*> figures_of(const results::Table& table, const results::Indicator& ind, const std::string& option,
                                                          const std::string& breakdown) {
        std::vector<const results::Figure*> out;
        for (const auto& f : table.figures)
            if ((f.indicator == ind.id || f.indicator == ind.id + "." + option) && f.option == option && f.breakdown == breakdown)
                out.push_back(&f);
        return out;
    }

    static const results::Figure* total_of(const results::Table& table, const results::Indicator& ind, const std::string& option = {}) {
        const auto all = figures_of(table, ind, option, "all");
        return all.empty() ? nullptr : all.front();
    }

    // What was left out, and the caveat; every page of figures carries both.
    static std::string notes(const results::Table& t, bool weighted) {
        std::string s = "<div class=\"caveat\"><p>" + escape_html(results::caveat_text(weighted)) + "</p>";
        s += "<p>" + std::to_string(t.in_period) + " responses in this period";
        if (t.excluded > 0) {
            s += "; " + std::to_string(t.excluded) + " left out: ";
            for (std::size_t i = 0; i < t.exclusion_reasons.size(); ++i) s += (i ? "; " : "") + escape_html(t.exclusion_reasons[i]);
            s += " (tick \"Include responses with quality flags\" to count flagged ones)";
        }
        s += ".</p>";
        if (t.weighting) s += "<p>Weighted: effective sample size " + dashboard::one_decimal(t.weighting->n_eff) + ".</p>";
        for (const auto& n : t.weighting_notes) s += "<p>" + escape_html(n) + "</p>";
        return s + "</div>";
    }

    // A table beside a chart: the same numbers, whole labels, and why a cell is hidden.
    static std::string figures_table(const std::string& caption, const std::string& first_column, const std::vector<std::pair<std::string, const results::Figure*>>& rows,
                                     const std::string& unit) {
        std::string s = "<div class=\"scroll\"><table><caption>" + escape_html(caption) + "</caption><thead><tr><th scope=\"col\">" +
                        escape_html(first_column) +
                        "</th><th scope=\"col\" class=\"num\">Figure</th><th scope=\"col\" class=\"num\">95&nbsp;% interval</th><th scope=\"col\" "
                        "class=\"num\">People</th><th scope=\"col\" class=\"num\">Did not answer</th></tr></thead><tbody>";
        for (const auto& [label, f] : rows) {
            s += "<tr><th scope=\"row\">" + escape_html(label) + "</th>";
            if (!f) {
                s += "<td class=\"num\">no figure</td><td></td><td></td><td></td></tr>";
                continue;
            }
            if (f->protection.suppressed()) {
                s += "<td class=\"num\">" + escape_html(figure_text(*f, unit)) + "</td><td class=\"num\" colspan=\"2\">" + escape_html(hidden_reason(*f)) +
                     "</td><td></td></tr>";
                continue;
            }
            s += "<td class=\"num\">" + percent_text(f->value, unit) + (f->weighted_value ? " (weighted " + percent_text(*f->weighted_value, unit) + ")" : "") +
                 "</td><td class=\"num\">" +
                 (f->interval ? percent_text(f->interval->low, unit) + "–" + percent_text(f->interval->high, unit) : std::string()) +
                 "</td><td class=\"num\">" + std::to_string(f->n) + (f->protection.low_base ? " (low base)" : "") + "</td><td class=\"num\">" +
                 results::shown_count(f->item_nonresponse) + "</td></tr>";
        }
        return s + "</tbody></table></div>";
    }

    static dashboard::Bar bar_of(const std::string& label, const results::Figure* f) {
        dashboard::Bar b{label, {}, {}, {}, {}};
        if (!f) {
            b.note = "no figure";
        } else if (f->protection.suppressed()) {  // the table beside says why in full
            b.note = f->protection.hidden == results::Hidden::Secondary ? "hidden, to protect a smaller group" : "fewer than 10 people: not shown";
        } else {
            b.value = f->weighted_value.value_or(f->value);
            if (f->interval) {
                b.low = f->interval->low;
                b.high = f->interval->high;
            }
        }
        return b;
    }

    static std::string headline_html(const results::Figure* f, const results::Indicator& ind) {
        if (!f) return "<p class=\"figure\">no figure</p>";
        if (f->protection.suppressed()) return "<p class=\"figure\">" + escape_html(figure_text(*f, unit_of(ind))) + " <small>" + escape_html(hidden_reason(*f)) + "</small></p>";
        std::string s = "<p class=\"figure\">" + percent_text(f->weighted_value.value_or(f->value), unit_of(ind)) + " <small>";
        if (f->interval) s += "95&nbsp;% interval " + percent_text(f->interval->low, unit_of(ind)) + "–" + percent_text(f->interval->high, unit_of(ind)) + "; ";
        s += std::to_string(f->n) + " people";
        if (f->item_nonresponse > 0) s += "; " + results::shown_count(f->item_nonresponse) + " did not answer";
        s += "</small></p>";
        if (f->change && f->previous_value) {
            const double lo = f->change->interval.low * 100, hi = f->change->interval.high * 100;
            s += "<p>Same period a year earlier (" + escape_html(f->previous_period) + "): " + percent_text(*f->previous_value, "%") + ". " +
                 (lo <= 0 && hi >= 0 ? std::string("No change detected")
                                     : std::string(hi < 0 ? "Lower" : "Higher") + " by " + dashboard::one_decimal(std::abs(f->change->difference * 100)) + " points") +
                 " (95&nbsp;% interval of the change " + dashboard::one_decimal(lo) + " to " + dashboard::one_decimal(hi) + " points).</p>";
        }
        return s;
    }

    static std::string label_of(const results::Indicator& ind) { return ind.label.get("en"); }

    std::string home(const Context& c, std::int64_t& rows) {
        std::string body = "<h1>" + std::string(k_title) + "</h1>" + filters_form("/dashboard/", c, false, nullptr, nullptr);
        std::map<std::string, std::string> cards;  // by mission
        std::string summary;
        for (const auto& set : c.defs->indicators.sets) {
            auto t = table_for(set, c.view);
            if (!t) return body + "<div class=\"warning\"><p>" + escape_html(t.error()) + "</p></div>";
            rows += (*t)->responses_read;
            summary += "<li>" + escape_html(set.survey->title.get("en")) + ": " + std::to_string((*t)->in_period) + " responses" +
                       ((*t)->excluded > 0 ? ", " + std::to_string((*t)->excluded) + " left out (quality flags or unreadable)" : "") +
                       " (<a href=\"/dashboard/quality/" + escape_html(set.survey->id) + "\">responses with quality flags</a>, <a href=\"/dashboard/process/" +
                       escape_html(set.survey->id) + "\">how collection goes</a>)</li>";
            for (const auto& ind : set.indicators) {
                if (!ind.headline) continue;
                cards[ind.mission] += "<div class=\"card\"><h3><a href=\"/dashboard/indicator/" + escape_html(ind.id) + view_query(c.view) + "\">" +
                                      escape_html(label_of(ind)) + "</a></h3>" +
                                      headline_html(total_of(**t, ind, ind.options.empty() ? "" : ind.options.front()), ind) + "</div>";
            }
        }
        body += "<div class=\"caveat\"><p>" + escape_html(results::caveat_text(c.view.weighted)) + "</p><ul>" + summary + "</ul></div>";
        for (const auto& [mission, html] : cards)
            body += "<h2><a href=\"/dashboard/mission/" + escape_html(mission) + view_query(c.view) + "\">" + escape_html(mission_name(mission)) +
                    "</a></h2><div class=\"cards\">" + html + "</div>";
        return page("Results", nav(*c.defs), body);
    }

    std::string mission(const Context& c, const std::string& m, std::int64_t& rows, int& status) {
        std::string body = "<h1>" + escape_html(mission_name(m)) + "</h1>" + filters_form("/dashboard/mission/" + m, c, false, nullptr, nullptr);
        bool any = false;
        for (const auto& set : c.defs->indicators.sets) {
            std::vector<const results::Indicator*> mine;
            for (const auto& ind : set.indicators)
                if (ind.mission == m) mine.push_back(&ind);
            if (mine.empty()) continue;
            any = true;
            auto t = table_for(set, c.view);
            if (!t) return page(mission_name(m), nav(*c.defs), body + "<div class=\"warning\"><p>" + escape_html(t.error()) + "</p></div>");
            rows += (*t)->responses_read;
            body += "<h2>From the " + escape_html(set.survey->title.get("en")) + " survey</h2>" + notes(**t, c.view.weighted);
            // One chart of the percentages, one of the 0-10 means, and one per multiple-choice question (its options).
            const std::string when = c.view.period.empty() ? "all time" : c.view.period;
            const auto chart_of = [&](const std::string& id, const std::string& heading, bool means,
                                      const std::vector<std::pair<std::string, const results::Figure*>>& figures) {
                if (figures.empty()) return;
                dashboard::BarChart chart{id, heading + ", " + when, "Horizontal bars with 95 percent intervals; the same figures are in the table below.",
                                          means ? 10.0 : 100.0, means ? "" : "%", {}};
                for (const auto& [label, f] : figures) chart.bars.push_back(bar_of(label, f));
                body += "<h3>" + escape_html(heading) + "</h3>" + box(dashboard::render_bar_chart(chart)) +
                        figures_table(chart.title, means ? "Average score" : "Indicator", figures, means ? "" : "%");
            };
            std::vector<std::pair<std::string, const results::Figure*>> shares, means;
            for (const auto* ind : mine) {
                if (ind->kind == results::IndicatorKind::Proportion) shares.emplace_back(label_of(*ind), total_of(**t, *ind));
                if (ind->kind == results::IndicatorKind::Mean) means.emplace_back(label_of(*ind), total_of(**t, *ind));
            }
            chart_of("m-" + set.survey->id + "-shares", "Percentages", false, shares);
            chart_of("m-" + set.survey->id + "-means", "Average scores (0 to 10)", true, means);
            for (const auto* ind : mine) {
                if (ind->kind != results::IndicatorKind::OptionShares) continue;
                std::vector<std::pair<std::string, const results::Figure*>> options_rows;
                for (const auto& o : ind->options) options_rows.emplace_back(choice_label(*set.survey, ind->question, o), total_of(**t, *ind, o));
                chart_of("m-" + ind->id, label_of(*ind), false, options_rows);
            }
            body += "<h3>Each indicator</h3><ul>";
            for (const auto* ind : mine)
                body += "<li><a href=\"/dashboard/indicator/" + escape_html(ind->id) + view_query(c.view) + "\">" + escape_html(label_of(*ind)) + "</a></li>";
            body += "</ul>";
        }
        if (!any) {
            status = 404;
            return page("Not found", nav(*c.defs), "<h1>No such mission</h1><p>There is no mission of that name. <a href=\"/dashboard/\">See every mission</a>.</p>");
        }
        return page(mission_name(m), nav(*c.defs), body);
    }

    std::string indicator(const Context& c0, const std::string& id, std::int64_t& rows, int& status) {
        const results::IndicatorSet* set = nullptr;
        const results::Indicator* ind = nullptr;
        for (const auto& s : c0.defs->indicators.sets)
            for (const auto& i : s.indicators)
                if (i.id == id) {
                    set = &s;
                    ind = &i;
                }
        if (!ind) {
            status = 404;
            return page("Not found", nav(*c0.defs), "<h1>No such indicator</h1><p><a href=\"/dashboard/\">See every mission</a>.</p>");
        }
        Context c = c0;
        if (c.by.empty()) c.by = ind->compare.empty() ? "age_group" : ind->compare;
        if (ind->kind == results::IndicatorKind::OptionShares) {
            if (c.option.empty() && !ind->options.empty()) c.option = ind->options.front();
            if (std::ranges::find(ind->options, c.option) == ind->options.end()) {
                status = 400;
                return page("Not understood", nav(*c.defs), "<h1>Not understood</h1><p>That answer is not one of this question's choices.</p>");
            }
        } else if (!c.option.empty()) {
            c.option.clear();
        }
        const std::string unit = unit_of(*ind);
        const double axis = axis_of(*ind);
        const std::string name = label_of(*ind) + (c.option.empty() ? "" : ": " + choice_label(*set->survey, ind->question, c.option));
        std::string body = "<p class=\"secondary\"><a href=\"/dashboard/mission/" + escape_html(ind->mission) + view_query(c.view) + "\">" +
                           escape_html(mission_name(ind->mission)) + "</a></p><h1>" + escape_html(name) + "</h1>";
        if (!ind->caption.get("en").empty()) body += "<p>" + escape_html(ind->caption.get("en")) + "</p>";
        body += filters_form("/dashboard/indicator/" + ind->id, c, true, set, ind);
        auto t = table_for(*set, c.view);
        if (!t) return page(name, nav(*c.defs), body + "<div class=\"warning\"><p>" + escape_html(t.error()) + "</p></div>");
        rows += (*t)->responses_read;
        const std::string when = c.view.period.empty() ? "all time" : c.view.period;
        body += "<h2>" + escape_html(when == "all time" ? "All time" : when) + "</h2>" + headline_html(total_of(**t, *ind, c.option), *ind) + notes(**t, c.view.weighted);

        // Breakdown.
        const auto groups = figures_of(**t, *ind, c.option, c.by);
        dashboard::BarChart chart{"by", name + " by " + lower_first(breakdown_label(c.by)) + ", " + when, "Horizontal bars with 95 percent intervals, one per group; the same figures are in the table below.", axis, unit, {}};
        std::vector<std::pair<std::string, const results::Figure*>> table_rows;
        for (const auto* f : groups) {
            const std::string label = group_label(*set->survey, c.by, f->group);
            chart.bars.push_back(bar_of(label, f));
            table_rows.emplace_back(label, f);
        }
        if (c.by != "ward") {  // by ward: the ward section below
            body += "<h2>" + escape_html(breakdown_label(c.by)) + "</h2>";
            body += groups.empty() ? "<p>No responses in this period.</p>"
                                   : box(dashboard::render_bar_chart(chart)) + figures_table(chart.title, breakdown_label(c.by), table_rows, unit);
        }

        // Trend by quarter over all time (the period filter does not apply; weighting and flags do).
        auto all = table_for(*set, View{"", c.view.weighted, c.view.include_flagged});
        if (all) {
            rows += (*all)->responses_read;
            auto quarters = figures_of(**all, *ind, c.option, "quarter");
            std::ranges::sort(quarters, {}, [](const results::Figure* f) { return f->group; });
            std::vector<dashboard::TrendPoint> points;
            std::vector<std::pair<std::string, const results::Figure*>> trend_rows;
            for (const auto* f : quarters) {
                if (f->group == "not answered") continue;
                dashboard::TrendPoint p{f->group, {}, {}, {}};
                if (!f->protection.suppressed()) {
                    p.value = f->weighted_value.value_or(f->value);
                    if (f->interval) {
                        p.low = f->interval->low;
                        p.high = f->interval->high;
                    }
                }
                points.push_back(p);
                trend_rows.emplace_back(f->group, f);
            }
            body += "<h2>Trend by quarter</h2>";
            const std::string title = name + " by quarter";
            body += points.empty() ? "<p>No responses yet.</p>"
                                   : box(dashboard::render_trend_chart("trend", title, "A line through each quarter's figure with its 95 percent interval; a quarter with fewer than 10 people leaves a gap. The same figures are in the table below.", points, axis, unit)) +
                                         figures_table(title, "Quarter", trend_rows, unit);
        }

        // Wards: the map when the boundaries are there, bars when not.
        const auto wards = figures_of(**t, *ind, c.option, "ward");
        body += "<h2>By ward</h2>";
        std::vector<std::pair<std::string, const results::Figure*>> ward_rows;
        for (const auto* f : wards) ward_rows.emplace_back(group_label(*set->survey, "ward", f->group), f);
        const std::string ward_title = name + " by ward, " + when;
        std::string footer;
        if (wards.empty()) {
            body += "<p>No responses in this period.</p>";
        } else if (c.defs->wards) {
            std::map<std::string, dashboard::WardValue> values;
            for (const auto* f : wards) {
                const auto code = c.defs->ward_code.find(f->group);
                if (code == c.defs->ward_code.end()) continue;  // not_camden, prefer_not, not answered: in the table only
                dashboard::WardValue v;
                v.hidden = f->protection.suppressed();
                if (!v.hidden) v.value = f->weighted_value.value_or(f->value);
                v.text = figure_text(*f, unit) + (v.hidden ? " (" + hidden_reason(*f) + ")" : ", " + std::to_string(f->n) + " people");
                values[code->second] = v;
            }
            body += box(dashboard::render_ward_map("wards", ward_title, "A map of Camden's wards shaded in five steps from the lowest to the highest figure; hatched wards are hidden to protect small groups. The same figures are in the table below.", *c.defs->wards, values, unit)) +
                    "<p class=\"secondary\">" + escape_html(options.attribution) + "</p>";
            footer = "<p>Ward boundaries: " + escape_html(options.attribution) + "</p>";
            body += figures_table(ward_title, "Ward", ward_rows, unit);
        } else {
            if (!c.defs->map_problem.empty()) body += "<p class=\"secondary\">No map: " + escape_html(c.defs->map_problem) + "</p>";
            dashboard::BarChart ward_chart{"wards", ward_title, "Horizontal bars with 95 percent intervals, one per ward; the same figures are in the table below.", axis, unit, {}};
            for (const auto& [label, f] : ward_rows) ward_chart.bars.push_back(bar_of(label, f));
            body += box(dashboard::render_bar_chart(ward_chart)) + figures_table(ward_title, "Ward", ward_rows, unit);
        }
        return page(name, nav(*c.defs), body, footer);
    }

    // Responses with quality flags, counted (never listed: a list of times and kiosks could single a person out).
    std::string quality_page(const Context& c, const std::string& survey_id, std::int64_t& rows, int& status) {
        const results::IndicatorSet* set = nullptr;
        for (const auto& s : c.defs->indicators.sets)
            if (s.survey->id == survey_id) set = &s;
        if (!set) {
            status = 404;
            return page("Not found", nav(*c.defs), "<h1>No such survey</h1><p><a href=\"/dashboard/\">See every mission</a>.</p>");
        }
        const std::string title = "Responses with quality flags: " + set->survey->title.get("en");
        // The kept flags (kept_figures.hpp), brought up to date: only the flagged responses are read.
        auto kept = refresh_kept(storage, KeptRequest{set->survey, set, quality});
        if (!kept) return page(title, nav(*c.defs), "<h1>" + escape_html(title) + "</h1><div class=\"warning\"><p>" + escape_html(kept.error().message) + "</p></div>");
        constexpr std::uint8_t k_flags[] = {k_flag_burst, k_flag_duplicate, k_flag_too_fast, k_flag_straight_line};
        std::map<std::string, std::array<std::int64_t, 5>> by_kiosk;  // burst, duplicate, too_fast, straight_line, any
        std::array<std::int64_t, 5> total{};
        const std::int64_t read = kept->responses;
        auto done = for_each_kept_exception(storage, survey_id, [&](const ExportRow& r, const KeptException& e) {
            if (e.flags == 0) return true;
            auto& k = by_kiosk[r.kiosk];
            for (std::size_t i = 0; i < 4; ++i)
                if (e.flags & k_flags[i]) ++k[i], ++total[i];
            ++k[4], ++total[4];
            return true;
        });
        if (!done) return page(title, nav(*c.defs), "<h1>" + escape_html(title) + "</h1><div class=\"warning\"><p>" + escape_html(done.error().message) + "</p></div>");
        rows += read;
        std::string body = "<h1>" + escape_html(title) + "</h1><p>" + std::to_string(total[4]) + " of " + std::to_string(read) +
                           " stored responses have at least one flag. Flagged responses are left out of every figure unless "
                           "\"Include responses with quality flags\" is ticked; a flag never stopped a resident, and nothing is deleted.</p>";
        body += "<div class=\"scroll\"><table><caption>Flags by kiosk</caption><thead><tr><th scope=\"col\">Kiosk</th>"
                "<th scope=\"col\" class=\"num\">Burst</th><th scope=\"col\" class=\"num\">Near-duplicate</th><th scope=\"col\" class=\"num\">Too fast</th>"
                "<th scope=\"col\" class=\"num\">Same answer down a scale</th><th scope=\"col\" class=\"num\">Responses flagged</th></tr></thead><tbody>";
        const auto cells = [](const std::array<std::int64_t, 5>& a) {
            std::string out;
            for (auto v : a) out += "<td class=\"num\">" + std::to_string(v) + "</td>";
            return out;
        };
        for (const auto& [kiosk, a] : by_kiosk) body += "<tr><th scope=\"row\">" + escape_html(kiosk) + "</th>" + cells(a) + "</tr>";
        body += "<tr><th scope=\"row\">All kiosks</th>" + cells(total) + "</tr></tbody></table></div>";
        const QualitySettings& q = quality;
        body += "<h2>What each flag means here</h2><ul>"
                "<li><strong>Burst</strong>: " + std::to_string(q.burst_count) + " or more completions from one kiosk within " + std::to_string(q.burst_window_s) + " seconds.</li>"
                "<li><strong>Near-duplicate</strong>: at least " + dashboard::one_decimal(q.near_identical_share * 100) + "% of its answers the same as a response from the same kiosk in the " + std::to_string(q.duplicate_window_s) + " seconds before.</li>"
                "<li><strong>Too fast</strong>: under " + dashboard::one_decimal(q.min_seconds_per_screen) + " seconds per answered screen.</li>"
                "<li><strong>Same answer down a scale</strong>: " + std::to_string(q.straight_line_min_items) + " or more scale answers, all the same.</li></ul>"
                "<p class=\"secondary\">The thresholds are the receiver's settings ([quality] in server.toml) at the time of this page; the exports carry each response's flags and reasons.</p>";
        return page(title, nav(*c.defs), body);
    }

    // How collection goes (process.hpp): completions, completion rate, where residents left, minutes, item
    // non-response. One read of the survey's responses and one of its drop-off counts.
    std::string process_page(const Context& c, const std::string& survey_id, std::int64_t& rows, int& status) {
        const core::Catalog& catalog = c.defs->library->validator().catalog();
        const core::SurveyPtr survey = catalog.find(survey_id);
        if (!survey) {
            status = 404;
            return page("Not found", nav(*c.defs), "<h1>No such survey</h1><p><a href=\"/dashboard/\">See every mission</a>.</p>");
        }
        const std::string title = "How collection goes: " + survey->title.get("en");
        const auto problem = [&](const std::string& message) {
            return page(title, nav(*c.defs), "<h1>" + escape_html(title) + "</h1><div class=\"warning\"><p>" + escape_html(message) + "</p></div>");
        };
        ProcessTally tally(survey, &catalog);
        auto done = storage.for_each_response(survey_id, [&](const ExportRow& r) {
            tally.add(r);
            ++rows;
            return true;
        });
        if (!done) return problem(done.error().message);
        auto dropped = storage.dropoffs(survey_id);
        if (!dropped) return problem(dropped.error().message);
        tally.add_dropoffs(*dropped);
        const ProcessFigures f = tally.finish();
        const auto pct = [](std::optional<double> v) { return v ? dashboard::one_decimal(*v * 100) + "%" : std::string("–"); };
        const auto mins = [](std::optional<double> v) { return v ? dashboard::one_decimal(*v) : std::string("–"); };
        const auto num = [](std::int64_t n) { return "<td class=\"num\">" + std::to_string(n) + "</td>"; };
        const auto site_name = [](const std::string& s) { return s.empty() ? std::string("(site not known)") : s; };
        std::string body = "<h1>" + escape_html(title) + "</h1>";
        body += "<p class=\"headline\">" + std::to_string(f.completed) + " completed: " + std::to_string(f.completed_kiosk) + " at kiosks, " +
                std::to_string(f.completed_assisted) + " with an outreach worker. " + std::to_string(f.dropoffs) +
                " left unfinished at kiosks.</p><ul><li>Completion rate at kiosks: <strong>" + pct(f.completion_rate) + "</strong> of " +
                std::to_string(f.completed_kiosk + f.dropoffs) + " who started.</li><li>Minutes to complete: median <strong>" +
                mins(f.median_minutes) + "</strong> (the middle half took " + mins(f.lower_quartile_minutes) + " to " +
                mins(f.upper_quartile_minutes) + ")" +
                (f.median_minutes_kiosk && f.median_minutes_assisted
                     ? "; at kiosks " + mins(f.median_minutes_kiosk) + ", with an outreach worker " + mins(f.median_minutes_assisted)
                     : std::string()) +
                ".</li>";
        if (f.untimed > 0) body += "<li>" + std::to_string(f.untimed) + " responses left out of the minutes (times not readable, or over 24 hours).</li>";
        if (f.sealed > 0) body += "<li>" + std::to_string(f.sealed) + " sealed responses: their answers are not readable here, so they are not in item non-response.</li>";
        body += "</ul>";

        dashboard::BarChart chart{"dropoff", "Where residents left",
                                  "Of everyone who started at a kiosk, the share who left at each question (the last one they reached).", 0, "%", {}};
        for (const auto& s : f.dropoff_by_screen) {
            chart.bars.push_back({s.label.empty() ? s.question : s.label, s.share_of_starts * 100, std::nullopt, std::nullopt, ""});
            chart.axis_max = std::max(chart.axis_max, s.share_of_starts * 100);
        }
        chart.axis_max = std::max(5.0, std::ceil(chart.axis_max / 5) * 5);
        body += "<h2>Where residents left</h2>";
        if (f.dropoff_by_screen.empty()) {
            body += "<p>No kiosk has reported a resident leaving this survey unfinished.</p>";
        } else {
            body += box(dashboard::render_bar_chart(chart));
            body += "<div class=\"scroll\"><table><caption>Where residents left</caption><thead><tr><th scope=\"col\">Question</th>"
                    "<th scope=\"col\" class=\"num\">Left here</th><th scope=\"col\" class=\"num\">Share of starts</th></tr></thead><tbody>";
            for (const auto& s : f.dropoff_by_screen)
                body += "<tr><th scope=\"row\">" + escape_html(s.label.empty() ? s.question : s.label) + "</th>" + num(s.dropoffs) +
                        "<td class=\"num\">" + pct(s.share_of_starts) + "</td></tr>";
            body += "</tbody></table></div>";
        }

        body += "<h2>By site</h2><div class=\"scroll\"><table><caption>Completions and completion rate by site</caption><thead><tr>"
                "<th scope=\"col\">Site</th><th scope=\"col\" class=\"num\">Completed</th><th scope=\"col\" class=\"num\">At kiosks</th>"
                "<th scope=\"col\" class=\"num\">Left unfinished</th><th scope=\"col\" class=\"num\">Completion rate</th></tr></thead><tbody>";
        for (const auto& s : f.by_site)
            body += "<tr><th scope=\"row\">" + escape_html(site_name(s.site)) + "</th>" + num(s.completed) + num(s.completed_kiosk) +
                    num(s.dropoffs) + "<td class=\"num\">" + pct(s.completion_rate) + "</td></tr>";
        body += "</tbody></table></div>";

        // The last 14 days with any activity (the whole series: fieldkiosk-server process).
        std::set<std::string> days;
        for (const auto& d : f.by_site_day) days.insert(d.day);
        while (days.size() > 14) days.erase(days.begin());
        body += "<h2>By site and day</h2><div class=\"scroll\"><table><caption>Completions and drop-offs by site and day (UTC), the last " +
                std::to_string(days.size()) + " days with any</caption><thead><tr><th scope=\"col\">Day</th><th scope=\"col\">Site</th>"
                "<th scope=\"col\" class=\"num\">Completed</th><th scope=\"col\" class=\"num\">Left unfinished</th></tr></thead><tbody>";
        for (auto it = f.by_site_day.rbegin(); it != f.by_site_day.rend(); ++it)
            if (days.contains(it->day))
                body += "<tr><td>" + escape_html(it->day.empty() ? std::string("(unknown)") : it->day) + "</td><td>" + escape_html(site_name(it->site)) +
                        "</td>" + num(it->completed) + num(it->dropoffs) + "</tr>";
        body += "</tbody></table></div>";

        body += "<h2>Item non-response</h2><p>Of the responses that were asked each question (its conditions met), how many left it "
                "unanswered, said \"don't know\" or preferred not to say.</p><div class=\"scroll\"><table><caption>Item non-response by question"
                "</caption><thead><tr><th scope=\"col\">Question</th><th scope=\"col\" class=\"num\">Asked</th><th scope=\"col\" class=\"num\">"
                "Answered</th><th scope=\"col\" class=\"num\">Unanswered</th><th scope=\"col\" class=\"num\">Don't know</th>"
                "<th scope=\"col\" class=\"num\">Prefer not to say</th><th scope=\"col\" class=\"num\">Non-response</th></tr></thead><tbody>";
        for (const auto& i : f.items)
            body += "<tr><th scope=\"row\">" + escape_html(i.label.empty() ? i.question : i.label) + "</th>" + num(i.asked) + num(i.answered) +
                    num(i.unanswered) + num(i.dont_know) + num(i.prefer_not) + "<td class=\"num\">" + pct(i.rate()) + "</td></tr>";
        body += "</tbody></table></div><p class=\"secondary\">Drop-offs are counted by the kiosks — the survey, its version, the last question "
                "reached and the site, never an answer — and sent with their regular check-ins, so the latest may be a few minutes behind. "
                "Interviews with an outreach worker are not in the completion rate: an unfinished interview stays on the tablet as a draft.</p>";
        return page(title, nav(*c.defs), body);
    }

    // ---- routing ----

    void handle(const HttpRequest& req, HttpResponse& res) {
        const std::string& path = req.path;
        if (path == "/dashboard/style.css") {
            if (req.method != "GET") return answer_message(res, 405, "Not allowed", "Only GET is taken here.");
            res.set_header("Cache-Control", "max-age=3600");
            res.set_header("X-Content-Type-Options", "nosniff");
            res.set_content(k_css, "text/css; charset=utf-8");
            return;
        }
        if (path == "/dashboard") return redirect(res, "/dashboard/");
        if (path == "/dashboard/sign-in") {
            if (req.method == "GET") return answer_page(res, 200, sign_in_page(""));
            if (req.method == "POST") return sign_in(req, res);
            return answer_message(res, 405, "Not allowed", "Sign in with the form.");
        }
        if (path == "/dashboard/sign-out") {
            if (req.method != "POST") return answer_message(res, 405, "Not allowed", "Sign out with the button on any page.");
            return sign_out(req, res);
        }
        if (req.method != "GET") return answer_message(res, 405, "Not allowed", "Only GET is taken here.");
        auto session = current_session(req);
        if (!session) return redirect(res, "/dashboard/sign-in");

        Context c;
        c.session = *session;
        c.defs = load_definitions();
        const Params q = parse_params(req.query);
        if (!q.error.empty()) return answer_message(res, 400, "Not understood", "The address is not understood: " + q.error + ".");
        c.view.period = q.get("period");
        if (!c.view.period.empty() && !results::parse_period(c.view.period))
            return answer_message(res, 400, "Not understood", "That period is not one we show: use the Period list.");
        const std::string weights = q.get("weights"), flagged = q.get("flagged");
        if (!weights.empty() && weights != "on") return answer_message(res, 400, "Not understood", "weights: only 'on' is understood.");
        if (!flagged.empty() && flagged != "include") return answer_message(res, 400, "Not understood", "flagged: only 'include' is understood.");
        if (weights == "on" && options.population_totals.empty())
            return answer_message(res, 400, "Not understood", "Weighting is not set up on this server ([dashboard] population_totals).");
        c.view.weighted = weights == "on";
        c.view.include_flagged = flagged == "include";
        c.by = q.get("by");
        if (!c.by.empty() && !results::is_breakdown(c.by)) return answer_message(res, 400, "Not understood", "That breakdown is not one we show: use the list.");
        c.option = q.get("option");
        if (!c.option.empty() && !is_id(c.option)) return answer_message(res, 400, "Not understood", "That answer is not one of the choices.");
        if (!c.defs->problem.empty()) return answer_message(res, 503, "Results not available", c.defs->problem);

        std::int64_t rows = 0;
        int status = 200;
        std::string html, what;
        if (path == "/dashboard/") {
            html = home(c, rows);
            what = "home";
        } else if (path.starts_with("/dashboard/mission/") && is_id(path.substr(19))) {
            html = mission(c, path.substr(19), rows, status);
            what = "mission " + path.substr(19);
        } else if (path.starts_with("/dashboard/quality/") && is_id(path.substr(19))) {
            html = quality_page(c, path.substr(19), rows, status);
            what = "quality flags of " + path.substr(19);
        } else if (path.starts_with("/dashboard/process/") && is_id(path.substr(19))) {
            html = process_page(c, path.substr(19), rows, status);
            what = "process figures of " + path.substr(19);
        } else if (path.starts_with("/dashboard/indicator/") && is_id(path.substr(21))) {
            html = indicator(c, path.substr(21), rows, status);
            what = "indicator " + path.substr(21) + (c.by.empty() ? "" : " by " + c.by);
        } else {
            return answer_message(res, 404, "Page not found", "There is no such page. The results start on the dashboard's first page.");
        }
        if (status == 200)
            audit(c.session.who, "dashboard", what + (c.view.period.empty() ? "" : " for " + c.view.period) + (c.view.weighted ? ", weighted" : "") +
                                              (c.view.include_flagged ? ", flagged included" : ""),
                  rows);
        answer_page(res, status, std::move(html));
    }
};

Dashboard::Dashboard(Storage& storage, const core::Clock& clock, DashboardOptions options, QualitySettings quality, Library surveys, bool tls)
    : m_impl(std::make_unique<Impl>(storage, clock, std::move(options), quality, std::move(surveys), tls)) {}
Dashboard::~Dashboard() = default;
void Dashboard::data_changed() { ++m_impl->generation; }
void Dashboard::handle(const HttpRequest& req, HttpResponse& res) { m_impl->handle(req, res); }

}  // namespace fieldkiosk::sync::server
