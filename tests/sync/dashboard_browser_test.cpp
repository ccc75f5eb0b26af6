// The results dashboard in real headless Chromium (issue 10, "Checks"), driven over WebDriver by chromedriver (both
// Debian packages, installed by installer/setup-deps.sh): a council researcher signs in with the form, then every
// page is opened at 1366×768 and at 390 px wide. On each: no console error, no request to any other host (and
// none could succeed: every other host resolves to nothing), no sideways scrolling on a phone, every chart an
// image with an accessible name and a table beside it. Screenshots of the whole page go to
// $FIELDKIOSK_SCREENSHOT_DIR, or to the test's folder (docs/screenshots holds copies that were looked at).
// The responses: `fieldkiosk-ctl simulate --spread-days` over two years at two sites, sent by the real client.
#include "core/base64.hpp"
#include "tests/support/free_port.hpp"
#include "tests/sync/http_call.hpp"
#include "storage/response_store.hpp"
#include "tests/sync/loopback.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

namespace fieldkiosk::testing {
namespace {

namespace fs = std::filesystem;
namespace srv = sync::server;
using nlohmann::json;

const fs::path k_boundaries = fs::path(FIELDKIOSK_SOURCE_DIR) / ".." / "shared" / "data" / "camden_wards_2022.geojson";
const fs::path k_indicators = fs::path(FIELDKIOSK_SURVEY_DEFS_DIR) / "indicators";
constexpr const char* k_element = "element-6066-11e4-a52e-4f735466cecf";  // W3C WebDriver's element reference key

// chromedriver as a child process, and one browser session on it.
class Browser {
public:
    Browser() {
        m_port = unused_loopback_port();
        m_pid = ::fork();
        if (m_pid == 0) {
            // The browser keeps the real clock, as a researcher's would, when CI runs the tests a year ahead under
            // libfaketime (.ci/run): Chromium does not start with it preloaded.
            ::unsetenv("LD_PRELOAD");
            const std::string port = "--port=" + std::to_string(m_port);
            ::execl("/usr/bin/chromedriver", "chromedriver", port.c_str(), "--log-level=OFF", static_cast<char*>(nullptr));
            ::_exit(127);
        }
        m_base = "http://127.0.0.1:" + std::to_string(m_port);
        const bool up = wait_until([&] { return http_call("GET", m_base + "/status", {}, {}, 2).status == 200; }, std::chrono::seconds(30),
                                   std::chrono::milliseconds(100));
        if (!up) throw std::runtime_error("chromedriver did not start on port " + std::to_string(m_port));
        const json caps = {
            {"capabilities",
             {{"alwaysMatch",
               {{"browserName", "chrome"},
                {"goog:loggingPrefs", {{"browser", "ALL"}}},
                {"goog:chromeOptions",
                 {{"binary", "/usr/bin/chromium"},
                  {"args",
                   {"--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
                    "--window-size=1366,768", "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"}}}}}}}}};
        const json r = call("POST", "/session", caps);
        m_session = r["value"]["sessionId"].get<std::string>();
    }
    ~Browser() {
        if (!m_session.empty()) http_call("DELETE", m_base + "/session/" + m_session);
        if (m_pid > 0) {
            ::kill(m_pid, SIGTERM);
            ::waitpid(m_pid, nullptr, 0);
        }
    }
    Browser(const Browser&) = delete;
    Browser& operator=(const Browser&) = delete;

    json call(const std::string& method, const std::string& path, const json& body = json::object()) {
        const auto a = http_call(method, m_base + path, method == "GET" || method == "DELETE" ? std::string() : body.dump(),
                                 {"Content-Type: application/json"}, 120);
        auto j = json::parse(a.body, nullptr, false);
        if (a.status != 200 || j.is_discarded())
            throw std::runtime_error("WebDriver " + method + " " + path + ": HTTP " + std::to_string(a.status) + ": " + a.body.substr(0, 400));
        return j;
    }
    json session(const std::string& method, const std::string& path, const json& body = json::object()) {
        return call(method, "/session/" + m_session + path, body);
    }
    void open(const std::string& url) { session("POST", "/url", {{"url", url}}); }
    std::string url() { return session("GET", "/url")["value"].get<std::string>(); }
    json run(const std::string& script) { return session("POST", "/execute/sync", {{"script", script}, {"args", json::array()}})["value"]; }
    std::string find(const std::string& css) {
        return session("POST", "/element", {{"using", "css selector"}, {"value", css}})["value"][k_element].get<std::string>();
    }
    void type(const std::string& element, const std::string& text) { session("POST", "/element/" + element + "/value", {{"text", text}}); }
    void click(const std::string& element) { session("POST", "/element/" + element + "/click"); }
    void resize(int width, int height) { session("POST", "/window/rect", {{"width", width}, {"height", height}}); }
    // The console messages since the last call (chromedriver's log endpoint).
    json console() { return session("POST", "/se/log", {{"type", "browser"}})["value"]; }
    // The whole page as a PNG: the window is made as tall as the page first.
    void screenshot(const fs::path& file, int width) {
        const int height = run("return Math.ceil(document.documentElement.scrollHeight)").get<int>();
        resize(width, std::min(std::max(height, 400), 6000));
        const auto png = core::base64_decode(session("GET", "/screenshot")["value"].get<std::string>());
        ASSERT_TRUE(png.has_value());
        std::ofstream(file, std::ios::binary).write(reinterpret_cast<const char*>(png->data()), static_cast<std::streamsize>(png->size()));
    }

private:
    pid_t m_pid = -1;
    int m_port = 0;
    std::string m_base, m_session;
};

TEST(DashboardBrowser, EveryPageInHeadlessChromiumAtDesktopAndPhoneWidths) {
    if (!fs::exists("/usr/bin/chromedriver") || !fs::exists("/usr/bin/chromium"))
        GTEST_SKIP() << "Chromium and chromedriver are not installed (bash installer/setup-deps.sh installs them)";
    Receiver receiver("sqlite");
    const bool map = fs::exists(k_boundaries);
    receiver.restart_with([map](srv::ServerOptions& o) {
        o.dashboard.indicators = k_indicators;
        o.dashboard.ward_codes = k_indicators / "ward_codes.csv";
        if (map) o.dashboard.boundaries = k_boundaries;
    });
    TempDir dir;
    int seed = 20;
    for (const std::string survey : {"food", "safety", "youth"})
        for (const std::string site : {"Kentish Town Library", "Swiss Cottage Library"}) {
            const auto db = dir.path() / (survey + std::to_string(seed) + ".db");
            auto [rc, out, err] = run_ctl_args({"simulate", "--db", db.string(), "--surveys", FIELDKIOSK_SURVEY_DEFS_DIR, "--survey", survey,
                                                "--count", "400", "--seed", std::to_string(seed++), "--site", site, "--spread-days", "730"});
            ASSERT_EQ(rc, 0) << err;
            if (survey == "food") {  // residents who left, for the process page: counts only, as the kiosk keeps them
                core::SystemClock clock;
                auto store = storage::ResponseStore::open(db, clock);
                ASSERT_TRUE(store.has_value());
                const std::pair<const char*, int> left[] = {{"food_intro", 9}, {"fies_worried", 14}, {"fies_healthy", 6}, {"ward", 3}, {"(end)", 5}};
                for (const auto& [question, n] : left)
                    for (int i = 0; i < n; ++i) ASSERT_TRUE(store->record_dropoff({"food", "2026.1", question, site}));
            }
            auto [rc2, out2, err2] = run_ctl_args({"sync", "--db", db.string(), "--server", receiver.url(), "--token", receiver.kiosk_token});
            ASSERT_EQ(rc2, 0) << err2;
        }

    const char* shots_env = std::getenv("FIELDKIOSK_SCREENSHOT_DIR");
    const fs::path shots = shots_env && *shots_env ? fs::path(shots_env) : fs::current_path() / "dashboard-screenshots";
    fs::create_directories(shots);

    std::unique_ptr<Browser> browser;
    try {
        browser = std::make_unique<Browser>();
    } catch (const std::exception& e) {
        FAIL() << e.what();
    }
    Browser& b = *browser;
    const std::string base = receiver.url();

    // Signing in as a person does: the first page sends the browser to the form; the key is typed and sent.
    b.open(base + "/dashboard/");
    EXPECT_TRUE(b.url().ends_with("/dashboard/sign-in")) << b.url();
    b.screenshot(shots / "dashboard-sign-in-390.png", 390);
    b.type(b.find("#token"), receiver.admin_token);
    b.click(b.find("button[type=submit]"));
    EXPECT_TRUE(b.url().ends_with("/dashboard/")) << b.url();
    EXPECT_EQ(b.run("return document.cookie").get<std::string>(), "") << "the session cookie is HttpOnly: no script can read it";

    const std::vector<std::pair<std::string, std::string>> pages = {
        {"home", "/dashboard/"},
        {"mission-food", "/dashboard/mission/food"},
        {"mission-safety", "/dashboard/mission/safety"},
        {"mission-youth", "/dashboard/mission/youth"},
        {"mission-wellbeing", "/dashboard/mission/wellbeing"},
        {"indicator-F4_healthy-ward", "/dashboard/indicator/F4_healthy?by=ward"},
        {"indicator-S1-age", "/dashboard/indicator/S1?by=age_band"},
        {"indicator-F7-site", "/dashboard/indicator/F7?by=site"},
        {"indicator-Y1-quarter", "/dashboard/indicator/Y1?by=quarter&flagged=include"},
        {"process-food", "/dashboard/process/food"},
    };
    (void)b.console();  // the sign-in's messages, if any, are not the pages'
    int checked = 0;
    for (const int width : {1366, 390}) {
        for (const auto& [name, path] : pages) {
            b.resize(width, width == 390 ? 844 : 768);
            b.open(base + path);
            EXPECT_EQ(b.run("return window.innerWidth").get<int>(), width) << name;
            EXPECT_NE(b.run("return document.title").get<std::string>().find("Residents' survey results"), std::string::npos) << name;
            // Nothing from another host: every resource the page loaded came from the receiver.
            const json resources = b.run("return performance.getEntriesByType('resource').map(e => e.name)");
            for (const auto& r : resources) EXPECT_TRUE(r.get<std::string>().starts_with(base)) << name << ": " << r;
            EXPECT_EQ(b.run("return document.querySelectorAll('script, iframe, img[src^=http], link[href^=http]').length").get<int>(), 0) << name;
            // No sideways scrolling on a phone; charts shrink and wide tables scroll inside their own box.
            EXPECT_LE(b.run("return document.documentElement.scrollWidth").get<int>(), width + 1)
                << name << ": too wide: "
                << b.run("return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > innerWidth + 1)"
                         ".slice(0, 6).map(e => e.tagName + '.' + e.className + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().right))")
                       .dump();
            // Every chart is an image with a name, and has a table beside it with the same figures.
            const json charts = b.run(
                "return [...document.querySelectorAll('svg')].map(s => {"
                " const box = s.parentElement.classList.contains('chart-box') ? s.parentElement : s;"
                " let n = box.nextElementSibling, table = false;"
                " for (let i = 0; i < 3 && n && !table; i++, n = n.nextElementSibling) table = n.tagName === 'TABLE' || !!n.querySelector('table');"
                " return {role: s.getAttribute('role'), table: table,"
                " name: (document.getElementById((s.getAttribute('aria-labelledby') || '').split(' ')[0]) || {}).textContent || ''}; })");
            for (const auto& c : charts) {
                EXPECT_EQ(c["role"], "img") << name;
                EXPECT_FALSE(c["name"].get<std::string>().empty()) << name;
                EXPECT_TRUE(c["table"].get<bool>()) << name << ": chart '" << c["name"] << "' has no table beside it";
            }
            if (name != "home") {
                EXPECT_GE(charts.size(), 1U) << name;
            }
            if (name == "indicator-F4_healthy-ward" && map) {
                EXPECT_EQ(b.run("return document.querySelectorAll('svg path title').length").get<int>(), 20) << "the ward map draws every ward";
            }
            for (const auto& m : b.console())
                EXPECT_NE(m.value("level", ""), "SEVERE") << name << " at " << width << ": " << m.value("message", "");
            b.screenshot(shots / ("dashboard-" + name + "-" + std::to_string(width) + ".png"), width);
            ++checked;
        }
    }
    EXPECT_EQ(checked, static_cast<int>(pages.size()) * 2);
    // The browser's requests are in the audit log under the key's name, like any export.
    const auto entries = receiver.storage->audit_entries("").value();
    EXPECT_GE(std::ranges::count_if(entries, [](const srv::AuditEntry& e) { return e.action == "dashboard" && e.who == "council-admin"; }), static_cast<long>(pages.size()) * 2);
}

}  // namespace
}  // namespace fieldkiosk::testing
