// Survey updates (docs/sync_protocol.md, "Survey updates"): the real fieldkiosk-server serving its survey
// definitions over loopback, the kiosk's SurveyUpdater with the real libcurl transport, the SyncEngine
// checking after a drain, and SIGHUP on the real binary. A deliberately misbehaving HTTP server (the one
// fake here: the real server cannot send a damaged file) shows that a bad download is refused.
// Over 600 lines on purpose: each test one path of a survey update (served, refused, damaged, SIGHUP) over the same loopback fixture.
#include "sync/client/curl_transport.hpp"
#include "sync/client/survey_updater.hpp"
#include "sync/client/sync_engine.hpp"
#include "sync/protocol/digest.hpp"
#include "sync/protocol/wire.hpp"
#include "sync/server/auth.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/fake_clock.hpp"
#include "tests/support/wait_until.hpp"
#include "tests/sync/loopback.hpp"
#include "tests/sync/self_signed.hpp"
#include "tests/sync/survey_folders.hpp"

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>

#include <fstream>
#include <limits>
#include <mutex>
#include <thread>

namespace fieldkiosk::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;
using sync::client::CurlTransport;
using sync::client::HttpRequest;
using sync::client::HttpResponse;

struct Curl {
    sync::client::CurlGlobal global;
    CurlTransport transport{Kiosk::quick()};
    HttpResponse get(const std::string& url, const std::string& token,
                     std::vector<std::pair<std::string, std::string>> extra = {}) {
        HttpRequest req;
        req.url = url;
        if (!token.empty()) req.headers.emplace_back("Authorization", "Bearer " + token);
        for (auto& h : extra) req.headers.push_back(std::move(h));
        auto r = transport.get(req);
        EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
        return r ? *r : HttpResponse{};
    }
};

std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

// ------------------------------------------------------------------------------------ the server

TEST(SurveyServer, TheIndexListsTheCurrentVersionOfEachEnabledSurveyWithAnETag) {
    Receiver server("sqlite");
    TempDir root;
    serve_folder(server, server_surveys(root, /*food_v2=*/true, /*keep_v1=*/true));
    Curl curl;
    const auto r = curl.get(server.url() + "/v1/surveys", server.kiosk_token);
    ASSERT_EQ(r.status, 200) << r.body;
    const auto index = json::parse(r.body);
    std::map<std::string, json> by_id;
    for (const auto& e : index.at("surveys")) by_id[e.at("id")] = e;
    // estates and leadership are "enabled": false (drafts): not offered to kiosks.
    EXPECT_EQ(by_id.size(), 3u) << r.body;
    ASSERT_TRUE(by_id.contains("food"));
    EXPECT_EQ(by_id["food"]["version"], k_food_v2);  // the newest, not the archived 2026.1
    EXPECT_FALSE(by_id.contains("estates"));
    const std::string etag = r.header("etag");
    ASSERT_FALSE(etag.empty());
    // The same index again, with its ETag: 304 and no body.
    const auto again = curl.get(server.url() + "/v1/surveys", server.kiosk_token, {{"If-None-Match", etag}});
    EXPECT_EQ(again.status, 304);
    EXPECT_TRUE(again.body.empty());
    // A stale ETag gets the index.
    EXPECT_EQ(curl.get(server.url() + "/v1/surveys", server.kiosk_token, {{"If-None-Match", "\"old\""}}).status, 200);
}

TEST(SurveyServer, ADefinitionIsServedSelfContainedWithItsSha256AndOldVersionsToo) {
    Receiver server("sqlite");
    TempDir root;
    const auto folder = server_surveys(root, true, true);
    serve_folder(server, folder);
    Curl curl;
    const auto index = json::parse(curl.get(server.url() + "/v1/surveys", server.kiosk_token).body);
    json food;
    for (const auto& e : index["surveys"])
        if (e["id"] == "food") food = e;
    const auto r = curl.get(server.url() + "/v1/surveys/food/" + std::string(k_food_v2), server.kiosk_token);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.body, core::expand_survey_file(folder / "food.json").value());
    EXPECT_EQ(r.header("x-fieldkiosk-sha256"), sync::protocol::sha256_hex(r.body).value());
    EXPECT_EQ(food["sha256"], sync::protocol::sha256_hex(r.body).value());
    EXPECT_EQ(food["bytes"], r.body.size());
    EXPECT_EQ(r.body.find("\"include\""), std::string::npos);
    // It loads on its own, in a folder with no blocks, as the same survey.
    TempDir alone;
    auto loaded = core::load_survey_file(alone.write("food.json", r.body));
    ASSERT_TRUE(loaded.ok()) << loaded.diagnostics.front().to_string();
    EXPECT_EQ(loaded.survey->version, k_food_v2);
    EXPECT_EQ(loaded.survey->questions.size(), core::load_survey_file(folder / "food.json").survey->questions.size());
    // The archived version is still served (a kiosk may need it), though it is not in the index.
    const auto old = curl.get(server.url() + "/v1/surveys/food/" + std::string(k_food_v1), server.kiosk_token);
    EXPECT_EQ(old.status, 200);
    EXPECT_EQ(core::load_survey_text(old.body, "food.json").survey->version, k_food_v1);
}

TEST(SurveyServer, AnUnknownSurveyOrVersionIs404WithAMessageThatSaysWhich) {
    Receiver server("sqlite");
    Curl curl;
    auto r = curl.get(server.url() + "/v1/surveys/food/1999.9", server.kiosk_token);
    EXPECT_EQ(r.status, 404);
    auto e = sync::protocol::decode_error(r.body);
    ASSERT_TRUE(e.has_value()) << r.body;
    EXPECT_EQ(e->error, "not_found");
    EXPECT_NE(e->message.find("survey 'food' has no version '1999.9'"), std::string::npos) << e->message;
    r = curl.get(server.url() + "/v1/surveys/nosuch/1", server.kiosk_token);
    EXPECT_EQ(r.status, 404);
    EXPECT_NE(r.body.find("there is no survey 'nosuch'"), std::string::npos) << r.body;
}

TEST(SurveyServer, NoTokenARevokedTokenOrAnAdminTokenIs401) {
    Receiver server("sqlite");
    Curl curl;
    EXPECT_EQ(curl.get(server.url() + "/v1/surveys", "").status, 401);
    EXPECT_EQ(curl.get(server.url() + "/v1/surveys/food/2026.1", "").status, 401);
    EXPECT_EQ(curl.get(server.url() + "/v1/surveys", server.admin_token).status, 401);
    EXPECT_EQ(curl.get(server.url() + "/v1/surveys", "fk_" + std::string(64, '0')).status, 401);
    ASSERT_TRUE(server.storage->revoke_token("kiosk-1", server.now_utc()).has_value());
    EXPECT_EQ(curl.get(server.url() + "/v1/surveys", server.kiosk_token).status, 401);
}

TEST(SurveyServer, AResponseMadeWithTheOldVersionIsAcceptedAfterTheServerMovedToTheNewOne) {
    Receiver server("sqlite");
    Kiosk kiosk;
    kiosk.fill(3, "food");  // made with the shipped food, 2026.1, and queued
    {
        // A server that was given only the new version cannot judge them: they wait (retry_later).
        TempDir root;
        serve_folder(server, server_surveys(root, /*food_v2=*/true, /*keep_v1=*/false));
        const auto s = kiosk.drain(server.url(), server.kiosk_token);
        EXPECT_EQ(s.accepted, 0);
        EXPECT_EQ(s.retry_later, 3);
    }
    // Kept as the operator steps say (the old file stays in the folder): accepted.
    TempDir root;
    serve_folder(server, server_surveys(root, true, /*keep_v1=*/true));
    core::SystemClock clock;
    auto store = storage::ResponseStore::open(kiosk.db, clock);
    ASSERT_TRUE(store.has_value());
    // retry_later deferred them; make them due now, as time would.
    ASSERT_TRUE(store->defer(kiosk.all_ids, std::chrono::system_clock::now() - 1h).has_value());
    const auto s = kiosk.drain(server.url(), server.kiosk_token);
    EXPECT_EQ(s.accepted, 3) << (s.failure ? s.failure->detail : "");
    expect_exactly_once(*server.storage, kiosk.all_ids);
}

// ------------------------------------------------------------------------------------ the updater

struct Updater {
    explicit Updater(const std::string& url, const std::string& token, std::chrono::milliseconds interval = 15min)
        : updater(sync::client::SurveyUpdateOptions{.folder = folder.path() / "surveys", .min_interval = interval}, url, token,
                  curl.transport, clock) {}
    // `options` as given, its folder set to this test's.
    Updater(const std::string& url, const std::string& token, sync::client::SurveyUpdateOptions options)
        : updater(with_folder(std::move(options)), url, token, curl.transport, clock) {}
    TempDir folder;
    FakeClock clock;
    Curl curl;
    sync::client::SurveyUpdater updater;

    fs::path file(const std::string& id, const std::string& version) {
        return sync::client::downloaded_survey_path(folder.path() / "surveys", id, version);
    }

private:
    sync::client::SurveyUpdateOptions with_folder(sync::client::SurveyUpdateOptions o) {
        o.folder = folder.path() / "surveys";
        return o;
    }
};

TEST(SurveyUpdater, DownloadsTheNewVersionKeepsTheOldOneAndAsksAgainOnlyWhenTheIndexChanged) {
    Receiver server("sqlite");
    Updater u(server.url(), server.kiosk_token);
    auto r = u.updater.update_now();
    ASSERT_TRUE(r.error.empty()) << r.error;
    EXPECT_EQ(r.downloaded, (std::vector<std::string>{"food 2026.1", "safety 2026.1", "youth 2026.1"}));
    ASSERT_TRUE(fs::exists(u.file("food", k_food_v1)));
    const std::string v1_bytes = read_file(u.file("food", k_food_v1));
    // Nothing changed on the server: 304, nothing fetched.
    r = u.updater.update_now();
    EXPECT_TRUE(r.not_modified);
    EXPECT_TRUE(r.downloaded.empty());
    // The server moves to food 2026.2.
    TempDir root;
    serve_folder(server, server_surveys(root, true, true));
    r = u.updater.update_now();
    ASSERT_TRUE(r.error.empty()) << r.error;
    EXPECT_EQ(r.downloaded, (std::vector<std::string>{"food 2026.2"}));
    auto v2 = core::load_survey_file(u.file("food", k_food_v2));
    ASSERT_TRUE(v2.ok());
    EXPECT_EQ(v2.survey->title.get("en"), "Food v2");
    EXPECT_EQ(read_file(u.file("food", k_food_v1)), v1_bytes);  // never deleted, never rewritten
    // No temporary file (hidden, ".NAME.XXXXXX": core/atomic_file.hpp) is left behind.
    for (const auto& e : fs::recursive_directory_iterator(u.folder.path()))
        EXPECT_FALSE(e.path().filename().string().starts_with(".")) << e.path();
}

TEST(SurveyUpdater, ChecksAtMostOncePerIntervalOnItsClock) {
    Receiver server("sqlite");
    Updater u(server.url(), server.kiosk_token, 10min);
    EXPECT_TRUE(u.updater.maybe_update().checked);
    u.clock.advance(9min);
    EXPECT_FALSE(u.updater.maybe_update().checked);
    u.clock.advance(1min);
    EXPECT_TRUE(u.updater.maybe_update().checked);
}

TEST(SurveyUpdater, AServerThatCannotBeReachedOrRefusesTheTokenIsReportedInPlainWords) {
    Receiver server("sqlite");
    {
        Updater u(server.url(), "fk_wrong");
        const auto r = u.updater.update_now();
        EXPECT_NE(r.error.find("HTTP 401"), std::string::npos) << r.error;
    }
    const std::string url = server.url();
    server.stop();
    Updater u(url, server.kiosk_token);
    const auto r = u.updater.update_now();
    EXPECT_NE(r.error.find("could not be fetched"), std::string::npos) << r.error;
    EXPECT_FALSE(fs::exists(u.folder.path() / "surveys" / "food"));
}

TEST(SurveyUpdater, GetKeepsTheTransportsRules_PlainHttpOnlyToLoopback) {
    Curl curl;
    HttpRequest req;
    req.url = "http://surveys.example.gov.uk/v1/surveys";
    const auto r = curl.transport.get(req);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().kind, sync::client::TransportError::Kind::Insecure);
    EXPECT_TRUE(r.error().message.starts_with(sync::client::k_insecure_url_message)) << r.error().message;
}

TEST(SurveyUpdater, OverHttpsTheServerIsVerifiedAsForBatches) {
    TempDir dir;
    const Cert cert = make_self_signed(dir);
    Receiver server("sqlite", 0, 40, cert.cert.string(), cert.key.string());
    sync::client::CurlGlobal global;
    FakeClock clock;
    const auto check = [&](sync::client::CurlOptions curl) {
        CurlTransport transport(curl);
        sync::client::SurveyUpdater u({.folder = dir.path() / "surveys"}, server.url(), server.kiosk_token, transport, clock);
        return u.update_now();
    };
    const auto untrusted = check(Kiosk::quick());  // the system's CAs do not know this certificate
    EXPECT_NE(untrusted.error.find("could not be fetched"), std::string::npos) << untrusted.error;
    EXPECT_TRUE(untrusted.downloaded.empty());
    auto trusted = Kiosk::quick();
    trusted.ca_file = cert.cert.string();
    const auto ok = check(trusted);
    EXPECT_TRUE(ok.error.empty()) << ok.error;
    EXPECT_EQ(ok.downloaded.size(), 3u);
}

// An HTTP server that lists the surveys the test gives it and serves whatever body the test gives it.
class BadServer {
public:
    BadServer() {
        m_http.Get("/v1/surveys", [this](const httplib::Request&, httplib::Response& res) {
            std::lock_guard lock(m_mutex);
            json list = json::array();
            for (const auto& e : m_entries)
                list.push_back({{"id", e.id}, {"version", e.version}, {"sha256", e.sha}, {"bytes", e.body.size()}});
            res.set_content(json{{"surveys", std::move(list)}}.dump(), "application/json");
        });
        m_http.Get(R"(/v1/surveys/([^/]+)/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
            std::lock_guard lock(m_mutex);
            ++m_downloads;
            // The entry of that id and version; any other path gets the first entry's body.
            const Entry* found = m_entries.empty() ? nullptr : &m_entries.front();
            for (const auto& e : m_entries)
                if (e.id == req.matches[1].str() && e.version == req.matches[2].str()) found = &e;
            res.status = found ? found->status : 404;
            res.set_content(found ? found->body : std::string(), "application/json");
        });
        m_port = m_http.bind_to_any_port("127.0.0.1");
        m_thread = std::thread([this] { m_http.listen_after_bind(); });
        EXPECT_TRUE(fieldkiosk::testing::wait_until([&] { return m_http.is_running(); }, 5s, 1ms));
    }
    ~BadServer() {
        m_http.stop();
        m_thread.join();
    }
    // Lists `id` `version` with `listed_sha` (empty: the body's real SHA-256) and serves `body`.
    void set(std::string id, std::string version, std::string body, std::string listed_sha = {}, int status = 200) {
        std::lock_guard lock(m_mutex);
        m_entries.clear();
        add_locked(std::move(id), std::move(version), std::move(body), std::move(listed_sha), status);
    }
    // One more listed entry, as set() describes.
    void add(std::string id, std::string version, std::string body, std::string listed_sha = {}, int status = 200) {
        std::lock_guard lock(m_mutex);
        add_locked(std::move(id), std::move(version), std::move(body), std::move(listed_sha), status);
    }
    // GET /v1/surveys/ID/VERSION requests answered so far.
    [[nodiscard]] int downloads() {
        std::lock_guard lock(m_mutex);
        return m_downloads;
    }
    [[nodiscard]] std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port); }

private:
    struct Entry {
        std::string id, version, sha, body;
        int status = 200;
    };
    void add_locked(std::string id, std::string version, std::string body, std::string listed_sha, int status) {
        std::string sha = listed_sha.empty() ? sync::protocol::sha256_hex(body).value() : std::move(listed_sha);
        m_entries.push_back({std::move(id), std::move(version), std::move(sha), std::move(body), status});
    }
    httplib::Server m_http;
    int m_port = 0;
    std::thread m_thread;
    std::mutex m_mutex;
    std::vector<Entry> m_entries;
    int m_downloads = 0;
};

TEST(SurveyUpdater, ADamagedInvalidOrMislabelledDownloadIsRefusedAndNothingIsWritten) {
    BadServer bad;
    const std::string good = core::expand_survey_file(fs::path(FIELDKIOSK_SURVEY_DEFS_DIR) / "food.json").value();
    json wrong_version = json::parse(good);
    wrong_version["version"] = "9";
    json invalid = json::parse(good);
    invalid["questions"][0]["type"] = "select_sometimes";
    json with_include = json::parse(good);
    with_include["questions"].push_back({{"include", "../../../etc/passwd"}});
    struct Case {
        std::string what, body, listed_sha, expect;
        int status = 200;
    };
    const std::vector<Case> cases = {
        {"damaged in transit", good.substr(0, good.size() / 2), sync::protocol::sha256_hex(good).value(), "its SHA-256 is"},
        {"not a valid survey", invalid.dump(2), "", "not a valid survey"},
        {"another version than listed", wrong_version.dump(2), "", "the file is survey 'food' version '9'"},
        {"not self-contained", with_include.dump(2), "", "includes other files"},
        {"larger than the cap", std::string(sync::client::k_max_get_bytes + 10, ' '), "", "larger than"},
        {"an error status", R"({"error":"internal","message":"disk on fire"})", "", "HTTP 500 (disk on fire)", 500},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.what);
        bad.set("food", k_food_v1, c.body, c.listed_sha, c.status);
        Updater u(bad.url(), "fk_any");
        const auto r = u.updater.update_now();
        EXPECT_TRUE(r.downloaded.empty());
        EXPECT_NE(r.error.find("'food' version '2026.1'"), std::string::npos) << r.error;
        EXPECT_NE(r.error.find(c.expect), std::string::npos) << r.error;
        EXPECT_FALSE(fs::exists(u.file("food", k_food_v1)));
        std::error_code ec;  // nothing at all, not even a hidden temporary file
        for (const auto& e : fs::recursive_directory_iterator(u.folder.path(), ec))
            EXPECT_FALSE(e.path().filename().string().starts_with(".")) << e.path();
    }
    // A version that cannot be a file name is refused before anything is fetched.
    bad.set("food", "../../evil", good);
    Updater u(bad.url(), "fk_any");
    const auto r = u.updater.update_now();
    EXPECT_NE(r.error.find("cannot be kept as a file"), std::string::npos) << r.error;
    // After a failure the index is asked for again in full (no If-None-Match), and the good file arrives.
    bad.set("food", k_food_v1, good);
    Updater again(bad.url(), "fk_any");
    bad.set("food", k_food_v1, good.substr(1), sync::protocol::sha256_hex(good).value());
    EXPECT_FALSE(again.updater.update_now().error.empty());
    bad.set("food", k_food_v1, good);
    const auto fixed = again.updater.update_now();
    EXPECT_TRUE(fixed.error.empty()) << fixed.error;
    EXPECT_TRUE(fs::exists(again.file("food", k_food_v1)));
}

// The shipped food survey, expanded, with another title (and version, when given).
std::string food_text(const std::string& title, const std::string& version = std::string(k_food_v1)) {
    json j = json::parse(core::expand_survey_file(fs::path(FIELDKIOSK_SURVEY_DEFS_DIR) / "food.json").value());
    j["title"]["en"] = title;
    j["version"] = version;
    return j.dump(2) + "\n";
}

TEST(SurveyUpdater, AVersionTheServerChangedInPlaceIsReportedAndTheKiosksFileIsKept) {
    BadServer bad;
    const std::string first = food_text("Food as first published");
    ASSERT_TRUE(core::load_survey_text(first, "food.json").ok());
    bad.set("food", k_food_v1, first);
    Updater u(bad.url(), "fk_any");
    auto r = u.updater.update_now();
    ASSERT_TRUE(r.error.empty()) << r.error;
    ASSERT_EQ(read_file(u.file("food", k_food_v1)), first);
    // The same version, edited on the server: not downloaded, not overwritten, and said in plain words.
    bad.set("food", k_food_v1, food_text("Food, edited without a new version"));
    const int before = bad.downloads();
    r = u.updater.update_now();
    EXPECT_TRUE(r.downloaded.empty());
    EXPECT_NE(r.error.find("the server's 'food' version 2026.1 differs from the one this kiosk has: a survey was "
                           "changed without raising its version"),
              std::string::npos)
        << r.error;
    EXPECT_EQ(bad.downloads(), before);
    EXPECT_EQ(read_file(u.file("food", k_food_v1)), first);
    // It stays reported at every check (the index is asked for in full, not answered 304) ...
    r = u.updater.update_now();
    EXPECT_FALSE(r.not_modified);
    EXPECT_NE(r.error.find("differs from the one this kiosk has"), std::string::npos) << r.error;
    // ... until the server serves what the kiosk has again.
    bad.set("food", k_food_v1, first);
    r = u.updater.update_now();
    EXPECT_TRUE(r.error.empty()) << r.error;
}

TEST(SurveyUpdater, AtMostMaxDownloadsPerCheckTheRestAtTheNextCheck) {
    BadServer bad;
    for (int i = 1; i <= 7; ++i) bad.add("food", "3." + std::to_string(i), food_text("Food", "3." + std::to_string(i)));
    Updater u(bad.url(), "fk_any", sync::client::SurveyUpdateOptions{.max_downloads_per_check = 3});
    auto r = u.updater.update_now();
    EXPECT_TRUE(r.error.empty()) << r.error;
    EXPECT_EQ(r.downloaded.size(), 3u);
    EXPECT_EQ(r.left_for_next_check, 4u);
    EXPECT_EQ(bad.downloads(), 3);
    r = u.updater.update_now();
    EXPECT_FALSE(r.not_modified);  // the ETag of an unfinished check is not kept
    EXPECT_EQ(r.downloaded.size(), 3u);
    EXPECT_EQ(r.left_for_next_check, 1u);
    r = u.updater.update_now();
    EXPECT_EQ(r.downloaded, std::vector<std::string>{"food 3.7"});
    EXPECT_EQ(r.left_for_next_check, 0u);
    EXPECT_EQ(bad.downloads(), 7);
    for (int i = 1; i <= 7; ++i) EXPECT_TRUE(fs::exists(u.file("food", "3." + std::to_string(i)))) << i;
    // The default is 50.
    EXPECT_EQ(sync::client::SurveyUpdateOptions{}.max_downloads_per_check, 50u);
}

TEST(SurveyUpdater, NothingIsDownloadedOrWrittenWhenTheDiskIsNearlyFull) {
    BadServer bad;
    bad.set("food", k_food_v1, food_text("Food"));
    bad.add("youth", "1", "{}");  // never asked for: the first refusal covers the whole check
    for (const auto& options : {sync::client::SurveyUpdateOptions{.min_free_bytes = std::numeric_limits<std::uintmax_t>::max()},
                                sync::client::SurveyUpdateOptions{.min_free_fraction = 1.0}}) {
        Updater u(bad.url(), "fk_any", options);
        const auto r = u.updater.update_now();
        EXPECT_TRUE(r.downloaded.empty());
        EXPECT_NE(r.error.find("Survey updates: nothing was downloaded: only "), std::string::npos) << r.error;
        EXPECT_NE(r.error.find("free for its responses"), std::string::npos) << r.error;
        EXPECT_EQ(r.error.find("and 1 more"), std::string::npos) << r.error;  // said once
        EXPECT_FALSE(fs::exists(u.file("food", k_food_v1)));
    }
    EXPECT_EQ(bad.downloads(), 0);
    // The defaults: 200 MB or 5 % of the disk, whichever is larger.
    EXPECT_EQ(sync::client::SurveyUpdateOptions{}.min_free_bytes, 200ull * 1024 * 1024);
    EXPECT_DOUBLE_EQ(sync::client::SurveyUpdateOptions{}.min_free_fraction, 0.05);
}

// ------------------------------------------------------------------------------------ the engine

// Statuses from `engine` until `done` says enough (bounded: 30 s of real time).
sync::client::SyncStatus wait_for(sync::client::SyncEngine& engine,
                                  const std::function<bool(const sync::client::SyncStatus&)>& done) {
    sync::client::SyncStatus last;
    const bool seen = fieldkiosk::testing::wait_until(
        [&] {
            for (auto& s : engine.status().drain()) {
                last = s;
                if (done(last)) return true;
            }
            return false;
        },
        30s, 10ms);
    if (!seen)
        ADD_FAILURE() << "the engine never posted the status waited for; last error: " << last.last_error << " / "
                      << last.survey_error;
    return last;
}

TEST(SurveyUpdatesInTheEngine, NewDefinitionsArriveAfterADrainAndAFailureThereNeverHoldsBackResponses) {
    sync::client::CurlGlobal global;
    Receiver server("sqlite");
    TempDir root;
    serve_folder(server, server_surveys(root, true, true));
    Kiosk kiosk;
    kiosk.fill(2, "food");
    // The download folder's place is taken by a file: every download fails to be written.
    const fs::path downloads = kiosk.db.parent_path() / "surveys";
    std::ofstream(downloads) << "not a folder";
    sync::client::EngineOptions o;
    o.database = kiosk.db;
    o.sync.server_url = server.url();
    o.sync.token = server.kiosk_token;
    o.debounce = 0ms;
    o.period = 1h;
    o.survey_updates = sync::client::SurveyUpdateOptions{.folder = downloads, .min_interval = 0ms};
    core::SystemClock clock;
    core::SeededRng rng{3};
    {
        sync::client::SyncEngine engine(
            o, [] { return std::make_unique<CurlTransport>(Kiosk::quick()); }, clock, rng);
        engine.start();
        const auto s = wait_for(engine, [](const auto& st) { return !st.survey_error.empty(); });
        EXPECT_EQ(s.delivered_total, 2);  // sent all the same
        EXPECT_EQ(s.queued, 0);
        EXPECT_EQ(s.surveys_updated, 0);
        EXPECT_NE(s.survey_error.find("Survey updates:"), std::string::npos) << s.survey_error;
        EXPECT_NE(s.survey_error.find("cannot"), std::string::npos) << s.survey_error;
    }
    fs::remove(downloads);
    sync::client::SyncEngine engine(
        o, [] { return std::make_unique<CurlTransport>(Kiosk::quick()); }, clock, rng);
    engine.start();
    const auto s = wait_for(engine, [](const auto& st) { return st.surveys_updated > 0; });
    EXPECT_EQ(s.surveys_updated, 3);
    EXPECT_TRUE(s.survey_error.empty()) << s.survey_error;
    EXPECT_NE(std::find(s.surveys_downloaded.begin(), s.surveys_downloaded.end(), "food 2026.2"), s.surveys_downloaded.end());
    EXPECT_TRUE(fs::exists(sync::client::downloaded_survey_path(downloads, "food", k_food_v2)));
}

// ------------------------------------------------------------------------------------ SIGHUP

// The child's stdout, line by line (kept between calls).
class Lines {
public:
    explicit Lines(int fd) : m_fd(fd) {}
    std::string wait_for(std::string_view want, int timeout_ms = 20'000) {
        pollfd p{m_fd, POLLIN, 0};
        char chunk[1024];
        for (int waited = 0; waited <= timeout_ms; waited += 10) {
            for (std::size_t nl; (nl = m_buf.find('\n')) != std::string::npos;) {
                std::string line = m_buf.substr(0, nl);
                m_buf.erase(0, nl + 1);
                if (line.find(want) != std::string::npos) return line;
            }
            if (poll(&p, 1, 10) > 0) {
                const ssize_t n = read(m_fd, chunk, sizeof chunk);
                if (n <= 0) break;
                m_buf.append(chunk, static_cast<std::size_t>(n));
            }
        }
        return {};
    }

private:
    int m_fd;
    std::string m_buf;
};

TEST(ServerBinary, SighupWithABrokenFileKeepsTheSurveysInForceAndAGoodFileReplacesThem) {
    TempDir root;
    const auto folder = server_surveys(root, /*food_v2=*/false, /*keep_v1=*/false);
    const std::string db = "sqlite:" + (root.path() / "server.db").string();
    Child add = spawn({FIELDKIOSK_SERVER_PATH, "add-kiosk", "kiosk-1", "--db", db});
    Lines add_out(add.out);
    const std::string token = add_out.wait_for("fk_");
    int status = 0;
    waitpid(add.pid, &status, 0);
    close(add.out);
    ASSERT_FALSE(token.empty());
    Child server = spawn({FIELDKIOSK_SERVER_PATH, "serve", "--db", db, "--listen", "127.0.0.1:0", "--surveys", folder.string()});
    ASSERT_GT(server.pid, 0);
    // A failed assertion below must not leave the server running.
    struct Reaper {
        pid_t pid;
        bool reaped = false;
        ~Reaper() {
            if (reaped) return;
            kill(pid, SIGKILL);
            waitpid(pid, nullptr, 0);
        }
    } reaper{server.pid};
    Lines out(server.out);
    const std::string listening = out.wait_for("listening on");
    ASSERT_FALSE(listening.empty());
    const std::string port =
        listening.substr(listening.rfind(':') + 1, listening.find(' ', listening.rfind(':')) - listening.rfind(':') - 1);
    const std::string url = "http://127.0.0.1:" + port;
    Curl curl;
    const auto food_version = [&] {
        const auto r = curl.get(url + "/v1/surveys", token);
        EXPECT_EQ(r.status, 200) << url << " " << r.body;
        const json index = json::parse(r.body);
        for (const auto& e : index["surveys"])
            if (e["id"] == "food") return e["version"].get<std::string>();
        return std::string("(none)");
    };
    ASSERT_EQ(food_version(), k_food_v1);

    // A new version with a mistake in it: refused as a whole, the old surveys stay in force.
    {
        std::ifstream in(folder / "food.json");
        auto j = json::parse(in);
        std::ofstream(folder / "archive-food-1.json") << j.dump(2);  // the old version, kept as the steps say
        j["version"] = k_food_v2;
        j["questions"][0]["relevant"] = "${nosuch} = 'x'";
        std::ofstream(folder / "food.json", std::ios::trunc) << j.dump(2);
    }
    ASSERT_EQ(kill(server.pid, SIGHUP), 0);
    const std::string refused = out.wait_for("surveys: ");
    EXPECT_NE(refused.find("reload refused"), std::string::npos) << refused;
    EXPECT_NE(refused.find("food 2026.1 (current)"), std::string::npos) << refused;
    EXPECT_EQ(food_version(), k_food_v1);

    // Fixed: the reload goes through; both versions are known, the new one is current.
    {
        std::ifstream in(folder / "food.json");
        auto j = json::parse(in);
        j["questions"][0].erase("relevant");
        std::ofstream(folder / "food.json", std::ios::trunc) << j.dump(2);
    }
    ASSERT_EQ(kill(server.pid, SIGHUP), 0);
    const std::string reloaded = out.wait_for("surveys: ");
    EXPECT_NE(reloaded.find("reloaded: "), std::string::npos) << reloaded;
    EXPECT_NE(reloaded.find("food 2026.1, food 2026.2 (current)"), std::string::npos) << reloaded;
    EXPECT_EQ(food_version(), k_food_v2);

    kill(server.pid, SIGTERM);
    waitpid(server.pid, &status, 0);
    reaper.reaped = true;
    close(server.out);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

TEST(ServerBinary, SighupRefusesAVersionAlreadyServedWhoseContentChangedAndKeepsServingTheOldOne) {
    TempDir root;
    const auto folder = server_surveys(root, /*food_v2=*/false, /*keep_v1=*/false);
    const std::string db = "sqlite:" + (root.path() / "server.db").string();
    Child add = spawn({FIELDKIOSK_SERVER_PATH, "add-kiosk", "kiosk-1", "--db", db});
    Lines add_out(add.out);
    const std::string token = add_out.wait_for("fk_");
    int status = 0;
    waitpid(add.pid, &status, 0);
    close(add.out);
    ASSERT_FALSE(token.empty());
    const fs::path errors = root.path() / "stderr.txt";
    Child server = spawn(
        {FIELDKIOSK_SERVER_PATH, "serve", "--db", db, "--listen", "127.0.0.1:0", "--surveys", folder.string()}, errors.string());
    ASSERT_GT(server.pid, 0);
    struct Reaper {
        pid_t pid;
        bool reaped = false;
        ~Reaper() {
            if (reaped) return;
            kill(pid, SIGKILL);
            waitpid(pid, nullptr, 0);
        }
    } reaper{server.pid};
    Lines out(server.out);
    const std::string listening = out.wait_for("listening on");
    ASSERT_FALSE(listening.empty());
    const auto colon = listening.rfind(':');
    const std::string url = "http://127.0.0.1:" + listening.substr(colon + 1, listening.find(' ', colon) - colon - 1);
    Curl curl;
    const auto served = curl.get(url + "/v1/surveys/food/" + std::string(k_food_v1), token);
    ASSERT_EQ(served.status, 200) << served.body;

    // food 2026.1 edited in place (a valid survey, same version): refused, the served one stays.
    {
        std::ifstream in(folder / "food.json");
        auto j = json::parse(in);
        j["title"]["en"] = "Food, quietly edited";
        std::ofstream(folder / "food.json", std::ios::trunc) << j.dump(2);
    }
    ASSERT_EQ(kill(server.pid, SIGHUP), 0);
    const std::string refused = out.wait_for("surveys: ");
    EXPECT_NE(refused.find("reload refused (1 problem(s)"), std::string::npos) << refused;
    EXPECT_NE(refused.find("food 2026.1 (current)"), std::string::npos) << refused;
    EXPECT_EQ(curl.get(url + "/v1/surveys/food/" + std::string(k_food_v1), token).body, served.body);
    const std::string said = read_file(errors);
    EXPECT_NE(said.find("surveys: reload: " + (folder / "food.json").string() +
                        ": survey 'food' version 2026.1 changed without a new version; raise \"version\" (kiosks "
                        "already have 2026.1)"),
              std::string::npos)
        << said;

    // The same edit under a new version, the old one frozen as the steps say (`fieldkiosk-ctl expand`,
    // which writes what the server served): accepted, and 2026.1 is still the same document.
    {
        std::ifstream in(folder / "food.json");
        auto j = json::parse(in);
        j["version"] = k_food_v2;
        std::ofstream(folder / "food.json", std::ios::trunc) << j.dump(2);
        std::ofstream(folder / "archive-food-1.json") << served.body;
    }
    ASSERT_EQ(kill(server.pid, SIGHUP), 0);
    const std::string reloaded = out.wait_for("surveys: ");
    EXPECT_NE(reloaded.find("surveys: reloaded: "), std::string::npos) << reloaded;
    EXPECT_NE(reloaded.find("food 2026.1, food 2026.2 (current)"), std::string::npos) << reloaded;
    EXPECT_EQ(curl.get(url + "/v1/surveys/food/" + std::string(k_food_v1), token).body, served.body);

    kill(server.pid, SIGTERM);
    waitpid(server.pid, &status, 0);
    reaper.reaped = true;
    close(server.out);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

}  // namespace
}  // namespace fieldkiosk::testing
