// The results dashboard (issue 10, item 4; issue 13, item 3): the real receiver over loopback with responses made by
// the real `fieldkiosk-ctl simulate` and sent by the real client (SQLite; PostgreSQL when FIELDKIOSK_TEST_PG is
// set). Sign-in and sessions, the figures equal to `report`'s, the ward map from the council's boundaries
// (../shared/data, skipped when absent) and the bars without them, escaping, a hostile-input corpus, the audit log.
// Session lengths are tested on the Dashboard itself with a fake clock. Times: responses are made now; no test
// compares a literal date with the clock.
#include "results/period.hpp"
#include "storage/response_store.hpp"
#include "sync/protocol/digest.hpp"
#include "sync/server/dashboard.hpp"
#include "sync/server/dashboard_charts.hpp"
#include "sync/server/http_message.hpp"
#include "sync/server/report_command.hpp"
#include "sync/server/survey_library.hpp"
#include "tests/support/fake_clock.hpp"
#include "tests/sync/http_call.hpp"
#include "tests/sync/loopback.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <sstream>

namespace fieldkiosk::testing {
namespace {

namespace fs = std::filesystem;
namespace srv = sync::server;

const fs::path k_boundaries = fs::path(FIELDKIOSK_SOURCE_DIR) / ".." / "shared" / "data" / "camden_wards_2022.geojson";
const fs::path k_indicators = fs::path(FIELDKIOSK_SURVEY_DEFS_DIR) / "indicators";

std::string form_encode(const std::string& s) {
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '_' || c == '-' || c == '.')
            out += static_cast<char>(c);
        else {
            char buf[4];
            std::snprintf(buf, sizeof buf, "%%%02X", c);
            out += buf;
        }
    }
    return out;
}

// The rows of the table captioned `caption_start...`: label -> the cells' text (tags dropped, entities as sent).
std::map<std::string, std::vector<std::string>> table_rows(const std::string& html, const std::string& caption_start) {
    std::map<std::string, std::vector<std::string>> rows;
    const auto at = html.find("<caption>" + caption_start);
    if (at == std::string::npos) return rows;
    const auto end = html.find("</table>", at);
    const std::string t = html.substr(at, end - at);
    static const std::regex row(R"(<tr><th scope="row">(.*?)</th>(.*?)</tr>)");
    static const std::regex cell(R"(<td[^>]*>(.*?)</td>)");
    for (std::sregex_iterator it(t.begin(), t.end(), row), e; it != e; ++it) {
        const std::string cells = (*it)[2];
        std::vector<std::string> v;
        for (std::sregex_iterator c(cells.begin(), cells.end(), cell); c != e; ++c) v.push_back((*c)[1]);
        rows[(*it)[1]] = v;
    }
    return rows;
}

class Dashboard : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        if (GetParam() == "postgresql" && test_pg() == nullptr) GTEST_SKIP() << "set FIELDKIOSK_TEST_PG to run on PostgreSQL";
        receiver = std::make_unique<Receiver>(GetParam());
        receiver->restart_with([](srv::ServerOptions& o) {
            o.dashboard.indicators = k_indicators;
            o.dashboard.ward_codes = k_indicators / "ward_codes.csv";
        });
    }

    // Simulated responses of `survey` at `site`, sent by the real client.
    void collect(const std::string& survey, const std::string& site, int count, int seed, int spread_days = 400) {
        const auto db = dir.path() / (site + survey + std::to_string(seed) + ".db");
        auto [rc, out, err] = run_ctl_args({"simulate", "--db", db.string(), "--surveys", FIELDKIOSK_SURVEY_DEFS_DIR, "--survey", survey,
                                            "--count", std::to_string(count), "--seed", std::to_string(seed), "--site", site,
                                            "--spread-days", std::to_string(spread_days)});
        ASSERT_EQ(rc, 0) << err;
        auto [rc2, out2, err2] = run_ctl_args({"sync", "--db", db.string(), "--server", receiver->url(), "--token", receiver->kiosk_token});
        ASSERT_EQ(rc2, 0) << err2;
    }

    // Signs in with `token` and returns the session cookie ("fk_session=...").
    std::string sign_in(const std::string& token) {
        const auto a = http_call("POST", receiver->url() + "/dashboard/sign-in", "token=" + form_encode(token),
                                 {"Content-Type: application/x-www-form-urlencoded"});
        EXPECT_EQ(a.status, 303) << a.body;
        const std::string set = a.header("set-cookie");
        return set.substr(0, set.find(';'));
    }

    HttpAnswer get(const std::string& path, const std::string& cookie) {
        return http_call("GET", receiver->url() + path, {}, {"Cookie: " + cookie});
    }

    std::vector<srv::AuditEntry> audit() { return receiver->storage->audit_entries("").value(); }

    TempDir dir;
    std::unique_ptr<Receiver> receiver;
};

TEST_P(Dashboard, PagesNeedASignInThatBecomesAnHttpOnlyStrictSession) {
    collect("food", "Kentish Town Library", 40, 1);
    // No cookie: every page sends the browser to the sign-in form, and says nothing else.
    for (const std::string path : {"/dashboard/", "/dashboard/mission/food", "/dashboard/indicator/F1"}) {
        const auto a = http_call("GET", receiver->url() + path);
        EXPECT_EQ(a.status, 303) << path;
        EXPECT_EQ(a.header("location"), "/dashboard/sign-in") << path;
        EXPECT_EQ(a.body.find("%"), std::string::npos) << path;
    }
    const auto form = http_call("GET", receiver->url() + "/dashboard/sign-in");
    EXPECT_EQ(form.status, 200);
    EXPECT_NE(form.body.find("type=\"password\""), std::string::npos);

    // A kiosk's token, a metrics token and a made-up key are refused, and each refusal is in the audit log.
    for (const std::string& bad : {receiver->kiosk_token, receiver->metrics_token, std::string("fk_") + std::string(64, 'a')}) {
        const auto a = http_call("POST", receiver->url() + "/dashboard/sign-in", "token=" + bad, {"Content-Type: application/x-www-form-urlencoded"});
        EXPECT_EQ(a.status, 401);
        EXPECT_TRUE(a.header("set-cookie").empty());
        EXPECT_NE(a.body.find("That key was not accepted"), std::string::npos);
    }
    const std::string manager = receiver->add_token("kiosk-manager", "admin:manage");
    const auto no_read = http_call("POST", receiver->url() + "/dashboard/sign-in", "token=" + manager, {"Content-Type: application/x-www-form-urlencoded"});
    EXPECT_EQ(no_read.status, 403);

    const auto a = http_call("POST", receiver->url() + "/dashboard/sign-in", "token=" + receiver->admin_token,
                             {"Content-Type: application/x-www-form-urlencoded"});
    ASSERT_EQ(a.status, 303);
    EXPECT_EQ(a.header("location"), "/dashboard/");
    const std::string set = a.header("set-cookie");
    EXPECT_TRUE(set.starts_with(std::string(srv::Dashboard::k_cookie) + "=fk_")) << set;
    EXPECT_NE(set.find("; HttpOnly"), std::string::npos) << set;
    EXPECT_NE(set.find("; SameSite=Strict"), std::string::npos) << set;
    EXPECT_NE(set.find("; Path=/dashboard"), std::string::npos) << set;
    EXPECT_EQ(set.find(receiver->admin_token), std::string::npos) << "the cookie must not be the token";
    const std::string cookie = set.substr(0, set.find(';'));

    const auto home = get("/dashboard/", cookie);
    EXPECT_EQ(home.status, 200);
    EXPECT_NE(home.header("content-security-policy").find("default-src 'none'"), std::string::npos);
    EXPECT_EQ(home.header("x-frame-options"), "DENY");
    EXPECT_EQ(home.header("cache-control"), "no-store");

    const auto entries = audit();
    const auto count = [&](const std::string& action, const std::string& who = {}) {
        return std::ranges::count_if(entries, [&](const srv::AuditEntry& e) { return e.action == action && (who.empty() || e.who == who); });
    };
    EXPECT_EQ(count("dashboard sign-in refused"), 4);
    EXPECT_EQ(count("dashboard sign-in", "council-admin"), 1);
    EXPECT_EQ(count("dashboard", "council-admin"), 1);
    const auto page = std::ranges::find_if(entries, [](const srv::AuditEntry& e) { return e.action == "dashboard"; });
    ASSERT_NE(page, entries.end());
    EXPECT_EQ(page->rows, 40) << "the rows read for the page";

    // Sign-out ends the session on the server, not only in the browser.
    const auto out = http_call("POST", receiver->url() + "/dashboard/sign-out", "", {"Cookie: " + cookie});
    EXPECT_EQ(out.status, 303);
    EXPECT_NE(out.header("set-cookie").find("Max-Age=0"), std::string::npos);
    EXPECT_EQ(get("/dashboard/", cookie).status, 303);
    EXPECT_EQ(count("dashboard sign-in", "council-admin"), 1);
    EXPECT_EQ(std::ranges::count_if(audit(), [](const srv::AuditEntry& e) { return e.action == "dashboard sign-out"; }), 1);
}

TEST_P(Dashboard, RevokingTheTokenEndsItsSessionsAtOnce) {
    const std::string cookie = sign_in(receiver->admin_token);
    ASSERT_EQ(get("/dashboard/", cookie).status, 200);
    ASSERT_TRUE(receiver->storage->revoke_token("council-admin", receiver->now_utc()).has_value());
    const auto a = get("/dashboard/", cookie);
    EXPECT_EQ(a.status, 303);
    EXPECT_EQ(a.header("location"), "/dashboard/sign-in");
}

TEST_P(Dashboard, EveryFigureOnAnIndicatorPageEqualsReports) {
    collect("food", "Kentish Town Library", 260, 3);
    collect("food", "Swiss Cottage Library", 190, 4);
    const std::string cookie = sign_in(receiver->admin_token);
    for (const std::string flagged : {"", "&flagged=include"}) {
        const auto page = get("/dashboard/indicator/F4_healthy?by=site" + flagged, cookie);
        ASSERT_EQ(page.status, 200) << page.body;
        const auto rows = table_rows(page.body, "In the last 12 months, unable to eat healthy");
        ASSERT_GE(rows.size(), 2U) << page.body;

        srv::ReportOptions o;
        o.db = receiver->db_url();
        o.survey = "food";
        o.surveys = {FIELDKIOSK_SURVEY_DEFS_DIR};
        o.by = {"site"};
        o.format = "csv";
        o.include_flagged = !flagged.empty();
        std::ostringstream out, err;
        ASSERT_EQ(srv::run_report(o, out, err), 0) << err.str();
        int compared = 0;
        std::istringstream lines(out.str());
        for (std::string line; std::getline(lines, line);) {
            if (!line.starts_with("F4_healthy,all,site,")) continue;
            std::vector<std::string> c;
            std::stringstream ss(line);
            for (std::string cell; std::getline(ss, cell, ',');) c.push_back(cell);
            const std::string group = c[3];
            ASSERT_TRUE(rows.contains(group)) << group;
            const auto& cells = rows.at(group);
            if (c[11] == "true" || c[11] == "1") {
                EXPECT_TRUE(cells[0] == "&lt;10" || cells[0] == "hidden") << group << ": " << cells[0];
            } else {
                // The report prints two decimals and the page one: equal within the page's rounding.
                EXPECT_NEAR(std::stod(cells[0]), std::stod(c[6]), 0.051) << group;
                const auto dash = cells[1].find("–");
                ASSERT_NE(dash, std::string::npos) << cells[1];
                EXPECT_NEAR(std::stod(cells[1]), std::stod(c[7]), 0.051) << group;
                EXPECT_NEAR(std::stod(cells[1].substr(dash + 3)), std::stod(c[8]), 0.051) << group;
                EXPECT_TRUE(cells[2].starts_with(c[4])) << group << ": n " << cells[2] << " vs " << c[4];
            }
            ++compared;
        }
        EXPECT_EQ(compared, 2) << out.str();
    }
}

TEST_P(Dashboard, FiguresComputedOnceAreShownAgainUntilNewResponsesArrive) {
    collect("food", "Kentish Town Library", 30, 9);
    const std::string cookie = sign_in(receiver->admin_token);
    const auto responses_in = [&] {
        const auto a = get("/dashboard/mission/food?flagged=include", cookie);
        const auto at = a.body.find(" responses in this period");
        const auto start = a.body.rfind('>', at) + 1;
        return std::stoi(a.body.substr(start, at - start));
    };
    EXPECT_EQ(responses_in(), 30);
    EXPECT_EQ(responses_in(), 30);
    collect("food", "Swiss Cottage Library", 25, 10);  // a batch through this receiver
    EXPECT_EQ(responses_in(), 55);
    // A batch through another receiver on the same database: this one's dashboard sees the survey's later received_at.
    core::SystemClock clock;
    srv::ServerOptions options;
    options.port = 0;
    options.threads = 2;
    srv::Server second(receiver->storage, receiver->validator, options, clock);
    ASSERT_TRUE(second.bind()) << second.error();
    std::thread serving([&] { second.run(); });
    ASSERT_TRUE(wait_until([&] { return second.is_running(); }, std::chrono::seconds(5), std::chrono::milliseconds(1)));
    const auto db = dir.path() / "other.db";
    auto [rc, out, err] = run_ctl_args({"simulate", "--db", db.string(), "--surveys", FIELDKIOSK_SURVEY_DEFS_DIR, "--survey", "food", "--count", "5"});
    ASSERT_EQ(rc, 0) << err;
    auto [rc2, out2, err2] = run_ctl_args({"sync", "--db", db.string(), "--server", "http://127.0.0.1:" + std::to_string(second.port()), "--token",
                                           receiver->kiosk_token});
    second.stop();
    serving.join();
    ASSERT_EQ(rc2, 0) << err2;
    EXPECT_EQ(responses_in(), 60);
}

TEST_P(Dashboard, TheQualityPageCountsFlaggedResponsesByKioskAndNeverListsThem) {
    collect("food", "Kentish Town Library", 120, 11);            // walks spread over 400 days, minutes each: no flag
    collect("food", "Swiss Cottage Library", 12, 12, 0);        // 12 walks in a second: each a burst, each too fast
    const std::string cookie = sign_in(receiver->admin_token);
    const auto a = get("/dashboard/quality/food", cookie);
    ASSERT_EQ(a.status, 200) << a.body;
    const auto rows = table_rows(a.body, "Flags by kiosk");
    ASSERT_TRUE(rows.contains("All kiosks")) << a.body;
    const auto& all = rows.at("All kiosks");  // burst, near-duplicate, too fast, straight-line, any
    EXPECT_EQ(all[0], "12");
    EXPECT_EQ(all[2], "12");
    EXPECT_EQ(all[4], "12");
    EXPECT_NE(a.body.find("12 of 132 stored responses have at least one flag"), std::string::npos);
    EXPECT_EQ(a.body.find("uuid"), std::string::npos);
    // The same flags leave those responses out of the figures, and the home page links here.
    const auto home = get("/dashboard/", cookie);
    EXPECT_NE(home.body.find("12 left out"), std::string::npos) << home.body;
    EXPECT_NE(home.body.find("href=\"/dashboard/quality/food\""), std::string::npos);
    EXPECT_EQ(get("/dashboard/quality/nope", cookie).status, 404);
    EXPECT_EQ(get("/dashboard/quality/%3Cx%3E", cookie).status, 404);
}

TEST_P(Dashboard, TheProcessPageShowsCompletionRateWhereResidentsLeftAndItemNonResponse) {
    // 30 walks at one library, and 10 residents who left there: 6 at the first FIES item, 4 on the closing screens.
    const auto db = dir.path() / "process.db";
    auto [rc, out, err] = run_ctl_args({"simulate", "--db", db.string(), "--surveys", FIELDKIOSK_SURVEY_DEFS_DIR, "--survey", "food",
                                        "--count", "30", "--seed", "3", "--site", "Kentish Town Library", "--spread-days", "20"});
    ASSERT_EQ(rc, 0) << err;
    {
        core::SystemClock clock;
        auto store = storage::ResponseStore::open(db, clock);
        ASSERT_TRUE(store.has_value());
        for (int i = 0; i < 6; ++i) ASSERT_TRUE(store->record_dropoff({"food", "2026.1", "fies_worried", "Kentish Town Library"}));
        for (int i = 0; i < 4; ++i) ASSERT_TRUE(store->record_dropoff({"food", "2026.1", "(end)", "Kentish Town Library"}));
    }
    for (int i = 0; i < 2; ++i) {  // twice: the second heartbeat carries the same tally, never counted again
        auto [rc2, out2, err2] = run_ctl_args({"sync", "--db", db.string(), "--server", receiver->url(), "--token", receiver->kiosk_token});
        ASSERT_EQ(rc2, 0) << err2;
    }
    const std::string cookie = sign_in(receiver->admin_token);
    const auto a = get("/dashboard/process/food", cookie);
    ASSERT_EQ(a.status, 200) << a.body;
    EXPECT_NE(a.body.find("30 completed: 30 at kiosks, 0 with an outreach worker. 10 left unfinished at kiosks."), std::string::npos) << a.body;
    EXPECT_NE(a.body.find("<strong>75.0%</strong> of 40 who started"), std::string::npos);
    const auto sites = table_rows(a.body, "Completions and completion rate by site");
    ASSERT_TRUE(sites.contains("Kentish Town Library")) << a.body;
    EXPECT_EQ(sites.at("Kentish Town Library"), (std::vector<std::string>{"30", "30", "10", "75.0%"}));
    const auto left = table_rows(a.body, "Where residents left");
    ASSERT_EQ(left.size(), 2u) << a.body;
    EXPECT_EQ(left.at("the closing screens"), (std::vector<std::string>{"4", "10.0%"}));
    EXPECT_NE(a.body.find("role=\"img\""), std::string::npos);  // the chart, with the same numbers in the table
    // Item non-response: every question the survey asks, each asked at most 30 times.
    const auto items = table_rows(a.body, "Item non-response by question");
    EXPECT_GE(items.size(), 10u);
    for (const auto& [label, cells] : items) EXPECT_LE(std::stoi(cells[0]), 30) << label;
    EXPECT_EQ(get("/dashboard/process/nope", cookie).status, 404);
    const auto home = get("/dashboard/", cookie);
    EXPECT_NE(home.body.find("href=\"/dashboard/process/food\""), std::string::npos);
    const auto entries = audit();
    ASSERT_FALSE(entries.empty());
    bool seen = false;
    for (const auto& e : entries) seen = seen || (e.action == "dashboard" && e.what == "process figures of food" && e.rows == 30);
    EXPECT_TRUE(seen);
}

TEST_P(Dashboard, WardsAreAMapFromTheCouncilsBoundariesAndBarsWithoutThem) {
    collect("food", "Kentish Town Library", 300, 5);
    std::string cookie = sign_in(receiver->admin_token);
    // Without a boundaries file: a ward bar chart, and the ward table.
    const auto bars = get("/dashboard/indicator/F4_healthy?by=ward", cookie);
    ASSERT_EQ(bars.status, 200);
    EXPECT_NE(bars.body.find("aria-labelledby=\"wards-title wards-desc\""), std::string::npos);
    EXPECT_EQ(bars.body.find("id=\"wards-hidden\""), std::string::npos) << "no map without boundaries";
    EXPECT_FALSE(table_rows(bars.body, "In the last 12 months, unable to eat healthy and nutritious food (FIES item, screening) by ward").empty());

    if (!fs::exists(k_boundaries)) GTEST_SKIP() << "the ward boundaries are not at " << k_boundaries << " (a plain clone has no ../shared)";
    receiver->restart_with([](srv::ServerOptions& o) { o.dashboard.boundaries = k_boundaries; });
    cookie = sign_in(receiver->admin_token);  // sessions live in the server: a restart signs everyone out
    const auto map = get("/dashboard/indicator/F4_healthy?by=ward", cookie);
    ASSERT_EQ(map.status, 200);
    // Every one of Camden's 20 wards is drawn, joined on its code, with its name and figure (or why not) in its title.
    std::ifstream codes(k_indicators / "ward_codes.csv");
    int wards = 0;
    for (std::string line; std::getline(codes, line);) {
        if (line.starts_with('#') || line.starts_with("choice,")) continue;
        const std::string name = line.substr(line.rfind(',') + 1);
        const std::string title = "<title>" + srv::dashboard::escape_html(name) + ": ";
        EXPECT_NE(map.body.find(title), std::string::npos) << name;
        EXPECT_EQ(map.body.find(title + "no respondents"), std::string::npos) << name << " was not joined";
        ++wards;
    }
    EXPECT_EQ(wards, 20);
    EXPECT_NE(map.body.find("Office for National Statistics licensed under the Open Government Licence"), std::string::npos);
}

TEST_P(Dashboard, TextFromKiosksAndFilesIsEscapedAndWriteInsAreNeverShown) {
    // A site name is typed by whoever sets up a kiosk; the dashboard must show it as text, never as markup.
    collect("food", "<script>alert(1)</script>", 60, 6);
    collect("food", "Library \"A\" & <b>B</b>", 60, 7);
    const std::string cookie = sign_in(receiver->admin_token);
    std::string all;
    for (const std::string path : {"/dashboard/", "/dashboard/mission/food", "/dashboard/indicator/F4_healthy?by=site",
                                   "/dashboard/indicator/F7?by=site", "/dashboard/indicator/F1?by=ward"}) {
        const auto a = get(path + (path.find('?') == std::string::npos ? "?" : "&") + "flagged=include", cookie);
        EXPECT_EQ(a.status, 200) << path << a.body;
        all += a.body;
    }
    EXPECT_EQ(all.find("<script"), std::string::npos);
    EXPECT_EQ(all.find("<b>B"), std::string::npos);
    EXPECT_NE(all.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
    EXPECT_NE(all.find("Library &quot;A&quot; &amp; &lt;b&gt;B&lt;/b&gt;"), std::string::npos);
    EXPECT_EQ(all.find("simulated write-in"), std::string::npos) << "write-in text must never reach the dashboard";
}

TEST_P(Dashboard, HostileParametersCookiesAndPathsGetA4xxOrTheSignInNeverAnErrorNorAnEcho) {
    collect("food", "Kentish Town Library", 30, 8);
    const std::string cookie = sign_in(receiver->admin_token);
    const std::vector<std::string> queries = {
        "period=%3Cscript%3Ealert(1)%3C/script%3E", "period=2026-Q9", "period=12m-1999-13", "by=%22%3E%3Csvg%20onload%3Dalert(1)%3E",
        "by=ward%00", "weights=on", "weights=1", "flagged=yes", "option=%3Cimg%20src%3Dx%3E", "period=%ZZ", "period=%",
        "by=" + std::string(5000, 'w'), "period=2026-Q3&period=%3Cx%3E", "%3Cscript%3E=1", "period=%C0%AF", "by=..%2F..%2Fetc%2Fpasswd"};
    for (const auto& q : queries) {
        const auto a = get("/dashboard/indicator/F1?" + q, cookie);
        EXPECT_TRUE(a.status == 200 || a.status == 400) << q << " -> " << a.status;
        EXPECT_EQ(a.body.find("<script"), std::string::npos) << q;
        EXPECT_EQ(a.body.find("<svg onload"), std::string::npos) << q;
        EXPECT_EQ(a.body.find("<img"), std::string::npos) << q;
        EXPECT_EQ(a.body.find("<x>"), std::string::npos) << q;
    }
    const std::vector<std::string> paths = {"/dashboard/indicator/%3Cscript%3E", "/dashboard/indicator/../../v1/export/food.csv",
                                            "/dashboard/mission/<svg>", "/dashboard/nothing", "/dashboard/indicator/", "/dashboard/indicator/NOPE",
                                            "/dashboard/mission/nope"};
    for (const auto& p : paths) {
        const auto a = get(p, cookie);
        EXPECT_TRUE(a.status == 404 || a.status == 400) << p << " -> " << a.status;
        EXPECT_EQ(a.body.find("<script"), std::string::npos) << p;
        EXPECT_EQ(a.body.find("<svg>"), std::string::npos) << p;
    }
    const std::vector<std::string> cookies = {"fk_session=' OR 1=1 --", "fk_session=fk_" + std::string(64, 'g'), "fk_session=",
                                              "fk_session", "fk_session=fk_" + std::string(64, 'a'), "; ; ;=;",
                                              "other=1; fk_session=" + std::string(10000, 'x'), "fk_session=%00%0d%0aSet-Cookie:%20x=1"};
    for (const auto& c : cookies) {
        const auto a = get("/dashboard/", c);
        EXPECT_EQ(a.status, 303) << c.substr(0, 60);
        EXPECT_EQ(a.header("location"), "/dashboard/sign-in");
        EXPECT_TRUE(a.header("set-cookie").empty());
    }
    // The sign-in form only from this site, only as a form.
    const auto cross = http_call("POST", receiver->url() + "/dashboard/sign-in", "token=" + receiver->admin_token,
                                 {"Content-Type: application/x-www-form-urlencoded", "Origin: https://evil.example"});
    EXPECT_EQ(cross.status, 403);
    EXPECT_TRUE(cross.header("set-cookie").empty());
    const auto json = http_call("POST", receiver->url() + "/dashboard/sign-in", "{\"token\":\"" + receiver->admin_token + "\"}",
                                {"Content-Type: application/json"});
    EXPECT_EQ(json.status, 415);
    const auto broken = http_call("POST", receiver->url() + "/dashboard/sign-in", "token=%G1", {"Content-Type: application/x-www-form-urlencoded"});
    EXPECT_EQ(broken.status, 400);
    EXPECT_EQ(http_call("DELETE", receiver->url() + "/dashboard/", {}, {"Cookie: " + cookie}).status, 405);
    EXPECT_EQ(http_call("GET", receiver->url() + "/dashboard/sign-out", {}, {"Cookie: " + cookie}).status, 405);
    // The session is still good after all that.
    EXPECT_EQ(get("/dashboard/", cookie).status, 200);
}

INSTANTIATE_TEST_SUITE_P(Backends, Dashboard, ::testing::Values("sqlite", "postgresql"), [](const auto& p) { return p.param; });

// ---- Sessions on the Dashboard itself, with a fake clock ------------------------------------------------------

struct Direct {
    TempDir dir;
    FakeClock clock;
    std::shared_ptr<srv::Storage> storage;
    std::shared_ptr<const srv::SurveyLibrary> library;
    std::unique_ptr<srv::Dashboard> dashboard;
    std::string token;

    Direct() {
        storage = std::shared_ptr<srv::Storage>(srv::open_storage("sqlite:" + (dir.path() / "s.db").string()).value());
        library = srv::SurveyLibrary::from_validator(std::make_shared<const srv::Validator>(shipped_catalog()));
        srv::DashboardOptions o;
        o.indicators = k_indicators;
        dashboard = std::make_unique<srv::Dashboard>(*storage, clock, o, srv::QualitySettings{}, [this] { return library; }, false);
        token = srv::make_token();
        EXPECT_TRUE(storage->add_token("analyst", "admin:read", sync::protocol::sha256_hex(token).value(), core::format_utc(clock.wall_now())));
    }
    srv::HttpResponse call(const std::string& method, const std::string& path, const std::string& cookie = {}, const std::string& body = {}) {
        srv::HttpRequest req;
        req.method = method;
        req.path = path;
        req.body = body;
        if (!cookie.empty()) req.headers.emplace_back("cookie", cookie);
        if (method == "POST") req.headers.emplace_back("content-type", "application/x-www-form-urlencoded");
        srv::HttpResponse res;
        dashboard->handle(req, res);
        return res;
    }
    std::string sign_in() {
        const auto res = call("POST", "/dashboard/sign-in", {}, "token=" + token);
        for (const auto& [k, v] : res.headers)
            if (k == "Set-Cookie") return v.substr(0, v.find(';'));
        return {};
    }
};

TEST(DashboardSessions, EndAfterThirtyIdleMinutesAndAfterEightHoursWhateverTheUse) {
    Direct d;
    std::string cookie = d.sign_in();
    ASSERT_FALSE(cookie.empty());
    EXPECT_EQ(d.call("GET", "/dashboard/", cookie).status, 200);
    d.clock.advance(std::chrono::minutes(29));
    EXPECT_EQ(d.call("GET", "/dashboard/", cookie).status, 200) << "29 idle minutes: still signed in";
    d.clock.advance(std::chrono::minutes(30) + std::chrono::seconds(1));
    EXPECT_EQ(d.call("GET", "/dashboard/", cookie).status, 303) << "over 30 idle minutes: signed out";

    cookie = d.sign_in();
    for (int i = 1; i <= 19; ++i) {  // used every 25 minutes: never idle ...
        d.clock.advance(std::chrono::minutes(25));
        EXPECT_EQ(d.call("GET", "/dashboard/", cookie).status, 200) << i * 25 << " minutes";
    }
    d.clock.advance(std::chrono::minutes(25));  // ... but 500 minutes is over the 8 hours a session may live
    EXPECT_EQ(d.call("GET", "/dashboard/", cookie).status, 303);
}

TEST(DashboardSessions, WithoutIndicatorFilesThePagesSaySoAfterSignIn) {
    Direct d;
    srv::DashboardOptions o;  // no indicators folder
    d.dashboard = std::make_unique<srv::Dashboard>(*d.storage, d.clock, o, srv::QualitySettings{}, [&d] { return d.library; }, true);
    const auto res = d.call("POST", "/dashboard/sign-in", {}, "token=" + d.token);
    ASSERT_EQ(res.status, 303);
    std::string cookie, set;
    for (const auto& [k, v] : res.headers)
        if (k == "Set-Cookie") set = v;
    EXPECT_NE(set.find("; Secure"), std::string::npos) << "over TLS the cookie is Secure";
    cookie = set.substr(0, set.find(';'));
    const auto page = d.call("GET", "/dashboard/", cookie);
    EXPECT_EQ(page.status, 503);
    EXPECT_NE(page.body.find("[dashboard] indicators"), std::string::npos);
}

// ---- Charts ---------------------------------------------------------------------------------------------------

TEST(DashboardCharts, EscapingCoversTextAttributesAndControlCharacters) {
    EXPECT_EQ(srv::dashboard::escape_html("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    EXPECT_EQ(srv::dashboard::escape_html(std::string("a\x01z", 3)), "a\xEF\xBF\xBDz");
    EXPECT_EQ(srv::dashboard::escape_html("Bengali \xE0\xA6\xAC ok"), "Bengali \xE0\xA6\xAC ok");
}

TEST(DashboardCharts, AHiddenBarHasNoRectangleAndSaysWhy) {
    srv::dashboard::BarChart c{"c", "Title <1>", "Desc", 100, "%", {}};
    c.bars.push_back({"Shown", 40.0, 30.0, 50.0, ""});
    c.bars.push_back({"Hidden", std::nullopt, std::nullopt, std::nullopt, "fewer than 10 people"});
    const std::string svg = srv::dashboard::render_bar_chart(c);
    EXPECT_EQ(std::count(svg.begin(), svg.end(), '\n'), 0);
    std::size_t rects = 0;
    for (auto at = svg.find("<rect"); at != std::string::npos; at = svg.find("<rect", at + 1)) ++rects;
    EXPECT_EQ(rects, 1U);
    EXPECT_NE(svg.find("fewer than 10 people"), std::string::npos);
    EXPECT_NE(svg.find("<title id=\"c-title\">Title &lt;1&gt;</title>"), std::string::npos);
    EXPECT_NE(svg.find("role=\"img\""), std::string::npos);
    EXPECT_NE(svg.find(">40.0%<"), std::string::npos);
}

TEST(DashboardCharts, TheMapShadesLowToHighAndHatchesAHiddenWard) {
    using srv::dashboard::WardShape;
    const std::vector<WardShape> wards = {{"A", "Ward A", {{{0, 51}, {0.01, 51}, {0.01, 51.01}}}},
                                          {"B", "Ward B", {{{0.01, 51}, {0.02, 51}, {0.02, 51.01}}}},
                                          {"C", "Ward C", {{{0.02, 51}, {0.03, 51}, {0.03, 51.01}}}},
                                          {"D", "Ward D", {{{0.03, 51}, {0.04, 51}, {0.04, 51.01}}}}};
    std::map<std::string, srv::dashboard::WardValue> v;
    v["A"] = {10.0, false, "10.0%"};
    v["B"] = {90.0, false, "90.0%"};
    v["C"] = {std::nullopt, true, "<10"};
    const std::string svg = srv::dashboard::render_ward_map("m", "T", "D", wards, v, "%");
    const auto fill_of = [&](const std::string& name) {
        const auto title = svg.find("<title>" + name);
        const auto path = svg.rfind("<path", title);
        const auto f = svg.find("fill=\"", path);
        return svg.substr(f + 6, svg.find('"', f + 6) - f - 6);
    };
    EXPECT_EQ(fill_of("Ward A"), "#eff3ff");
    EXPECT_EQ(fill_of("Ward B"), "#08519c");
    EXPECT_EQ(fill_of("Ward C"), "url(#m-hidden)");
    EXPECT_EQ(fill_of("Ward D"), "#f3f2f1");
    EXPECT_NE(svg.find("<title>Ward C: &lt;10</title>"), std::string::npos);
    EXPECT_NE(svg.find("<title>Ward D: no respondents</title>"), std::string::npos);
}

TEST(DashboardCharts, ABoundaryFileThatCannotBeUsedIsNamedWithTheFeatureAndWhy) {
    TempDir dir;
    const auto write = [&](const std::string& text) {
        const auto p = dir.path() / "w.geojson";
        std::ofstream(p) << text;
        return p;
    };
    const auto error_of = [&](const std::string& text) {
        auto r = srv::dashboard::read_ward_boundaries(write(text));
        return r ? std::string("(read)") : r.error();
    };
    EXPECT_NE(srv::dashboard::read_ward_boundaries(dir.path() / "missing.geojson").error().find("cannot be read"), std::string::npos);
    EXPECT_NE(error_of("{").find("is not JSON"), std::string::npos);
    EXPECT_NE(error_of("{\"type\":\"Feature\"}").find("not a GeoJSON FeatureCollection"), std::string::npos);
    EXPECT_NE(error_of("{\"type\":\"FeatureCollection\",\"features\":[]}").find("has no ward"), std::string::npos);
    const std::string point = R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"WD22CD":"E1","WD22NM":"X"},
        "geometry":{"type":"Point","coordinates":[0,51]}}]})";
    EXPECT_NE(error_of(point).find("feature 1 (E1): geometry is Point"), std::string::npos) << error_of(point);
    const std::string nocode = R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"E1"},
        "geometry":{"type":"Polygon","coordinates":[[[0,51],[1,51],[1,52],[0,51]]]}}]})";
    EXPECT_NE(error_of(nocode).find("feature 1: property WD22CD (the ward code) is missing"), std::string::npos) << error_of(nocode);
    const std::string badring = R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"WD22CD":"E1"},
        "geometry":{"type":"Polygon","coordinates":[[[0,51],[1,"x"],[1,52]]]}}]})";
    EXPECT_NE(error_of(badring).find("feature 1 (E1): coordinates are not rings"), std::string::npos) << error_of(badring);
    if (fs::exists(k_boundaries)) {
        auto camden = srv::dashboard::read_ward_boundaries(k_boundaries);
        ASSERT_TRUE(camden) << camden.error();
        EXPECT_EQ(camden->size(), 20U);
    }
}

}  // namespace
}  // namespace fieldkiosk::testing
