// A receiver that gives nothing away (issue 13): /metrics needs a metrics token, admin tokens have scopes,
// every export is in the audit log, and hostile export parameters and tokens get a plain refusal, never
// another survey's rows or a 500. The real server over loopback, on SQLite and (FIELDKIOSK_TEST_PG) PostgreSQL.
#include "core/utf8.hpp"
#include "core/csv.hpp"
#include "sync/server/auth.hpp"
#include "sync/server/export_audit.hpp"
#include "sync/server/export_csv.hpp"
#include "core/clock.hpp"
#include "tests/sync/loopback.hpp"

namespace fieldkiosk::testing {
namespace {

class ReceiverSecurity : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        if (GetParam() == "postgresql" && test_pg() == nullptr) GTEST_SKIP() << "set FIELDKIOSK_TEST_PG to run on PostgreSQL";
        receiver = std::make_unique<Receiver>(GetParam());
    }
    std::pair<int, std::string> get(const std::string& path, const std::string& token = {}) {
        return http_get(receiver->url() + path, token);
    }
    std::unique_ptr<Receiver> receiver;
};

TEST_P(ReceiverSecurity, MetricsNeedAMetricsTokenAndNothingElseWillDo) {
    EXPECT_EQ(get("/metrics").first, 401);
    EXPECT_EQ(get("/metrics", receiver->kiosk_token).first, 401);
    EXPECT_EQ(get("/metrics", receiver->admin_token).first, 401);
    EXPECT_EQ(get("/metrics", receiver->add_token("boss", "admin:read,manage")).first, 401);
    const auto [status, body] = get("/metrics", receiver->metrics_token);
    EXPECT_EQ(status, 200);
    EXPECT_NE(body.find("fieldkiosk_batches_in_flight"), std::string::npos);
    // A metrics token opens nothing else.
    EXPECT_EQ(get("/v1/export/food.csv", receiver->metrics_token).first, 401);
    EXPECT_EQ(get("/v1/surveys", receiver->metrics_token).first, 401);
}

TEST_P(ReceiverSecurity, ExportNeedsTheReadScope) {
    EXPECT_EQ(get("/v1/export/food.csv", receiver->admin_token).first, 200);  // a plain "admin" token: read, as before
    EXPECT_EQ(get("/v1/export/food.csv", receiver->add_token("reader", "admin:read")).first, 200);
    EXPECT_EQ(get("/v1/export/food.csv", receiver->add_token("both", "admin:read,manage")).first, 200);
    const auto [status, body] = get("/v1/export/food.csv", receiver->add_token("manager", "admin:manage"));
    EXPECT_EQ(status, 403);
    EXPECT_NE(body.find("no 'read' scope"), std::string::npos) << body;
    EXPECT_EQ(get("/v1/export/food.csv", receiver->kiosk_token).first, 401);
}

TEST_P(ReceiverSecurity, EveryExportIsInTheAuditLogWithItsRows) {
    Kiosk k;
    k.fill(3);
    ASSERT_FALSE(k.drain(receiver->url(), receiver->kiosk_token).failure);
    const std::string before = receiver->now_utc();
    ASSERT_EQ(get("/v1/export/food.csv", receiver->admin_token).first, 200);
    ASSERT_EQ(get("/v1/export/youth.csv", receiver->add_token("analyst", "admin:read")).first, 200);
    ASSERT_EQ(get("/v1/export/food.csv", receiver->add_token("no-read", "admin:manage")).first, 403);
    auto log = receiver->storage->audit_entries("");
    ASSERT_TRUE(log) << log.error().message;
    ASSERT_EQ(log->size(), 2u);  // the refused one exported nothing
    EXPECT_EQ((*log)[0].who, "council-admin");
    EXPECT_EQ((*log)[0].action, "export");
    EXPECT_EQ((*log)[0].what, "survey 'food' as CSV over HTTP");
    EXPECT_EQ((*log)[0].rows, 3);
    EXPECT_GE((*log)[0].at, before);
    EXPECT_EQ((*log)[1].who, "analyst");
    EXPECT_EQ((*log)[1].rows, 0);

    std::ostringstream out, err;
    EXPECT_EQ(sync::server::run_audit_report(*receiver->storage, "", false, out, err), 0) << err.str();
    EXPECT_NE(out.str().find("council-admin"), std::string::npos) << out.str();
    EXPECT_NE(out.str().find("survey 'youth' as CSV over HTTP"), std::string::npos) << out.str();
    std::ostringstream later, err2;
    EXPECT_EQ(sync::server::run_audit_report(*receiver->storage, "9999-01-01", true, later, err2), 0);
    EXPECT_EQ(nlohmann::json::parse(later.str())["audit"].size(), 0u);
}

TEST_P(ReceiverSecurity, AuditReportShowsNoControlCharactersFromNames) {
    ASSERT_TRUE(receiver->storage->record_audit({core::format_utc(std::chrono::system_clock::now()), "evil\x1b[2J\nname", "export", "x", 1}));
    std::ostringstream out, err;
    ASSERT_EQ(sync::server::run_audit_report(*receiver->storage, "", false, out, err), 0);
    EXPECT_EQ(out.str().find('\x1b'), std::string::npos);
    EXPECT_NE(out.str().find("evil?[2J?name"), std::string::npos) << out.str();
}

TEST_P(ReceiverSecurity, AuditReportKeepsItsColumnsInLineWithLongActions) {
    const std::string now = core::format_utc(std::chrono::system_clock::now());
    ASSERT_TRUE(receiver->storage->record_audit({now, "council-admin", "export", "survey 'food' as CSV", 12}));
    ASSERT_TRUE(receiver->storage->record_audit({now, "council-admin", "dashboard sign-in refused", "from 127.0.0.1", 0}));
    ASSERT_TRUE(receiver->storage->record_audit({now, "x", std::string(60, 'a'), "long", 7}));
    std::ostringstream out, err;
    ASSERT_EQ(sync::server::run_audit_report(*receiver->storage, "", false, out, err), 0);
    // The WHAT column starts at the same place on the header and every row, whatever the action's length.
    std::istringstream lines(out.str());
    std::string header, line;
    ASSERT_TRUE(std::getline(lines, header));
    const auto what = core::utf8_length(header.substr(0, header.find("WHAT")));
    int rows = 0;
    for (const std::string expect : {"survey 'food' as CSV", "from 127.0.0.1", "long"}) {
        ASSERT_TRUE(std::getline(lines, line));
        EXPECT_EQ(core::utf8_length(line.substr(0, line.find(expect))), what) << out.str();
        ++rows;
    }
    EXPECT_EQ(rows, 3);
    EXPECT_NE(out.str().find("…"), std::string::npos) << "the 60-character action is cut, not spilled";
}

// The export's only parameter is the survey id in the path. None of these may reach another survey's rows,
// break the answer (500), or put anything but the header in a file for a survey that does not exist.
TEST_P(ReceiverSecurity, HostileExportParametersGetNothing) {
    Kiosk k;
    k.fill(2);
    ASSERT_FALSE(k.drain(receiver->url(), receiver->kiosk_token).failure);
    const auto [ok_status, ok_body] = get("/v1/export/food.csv", receiver->admin_token);
    ASSERT_EQ(ok_status, 200);
    ASSERT_NE(ok_body, sync::server::csv_header());  // the real survey has rows: the checks below can fail
    const std::vector<std::string> corpus = {"/v1/export/../../etc/passwd.csv",
                                             "/v1/export/..%2F..%2Fetc%2Fpasswd.csv",
                                             "/v1/export/food%00.csv",
                                             "/v1/export/food%0d%0aX-Injected:%201.csv",
                                             "/v1/export/food'%20OR%20'1'='1.csv",
                                             "/v1/export/food%22.csv",
                                             "/v1/export/%F0%9F%8D%94.csv",
                                             "/v1/export/" + std::string(5000, 'a') + ".csv",
                                             "/v1/export/food.csv%3Fsurvey=youth",
                                             "/v1/export/FOOD.csv",
                                             "/v1/export/.csv",
                                             "/v1/export/food..csv",
                                             "/v1/export/food%25.csv",
                                             "/v1/export/%2e%2e.csv",
                                             "/v1/export/food.csv.csv",
                                             "/v1/export/food;DROP%20TABLE%20responses.csv",
                                             "/v1/export/*.csv",
                                             "/v1/export/%.csv"};
    for (const auto& path : corpus) {
        const auto [status, body] = get(path, receiver->admin_token);
        EXPECT_NE(status, 500) << path;
        EXPECT_NE(status, 0) << path << ": the server did not answer";
        if (status == 200) { EXPECT_EQ(body, sync::server::csv_header()) << path; }
    }
    // Tokens: garbage, an SQL-looking one, a kiosk token with junk after it: a plain 401. A huge one or control
    // characters may be refused earlier, as a bad request (400 or 431), but never let through.
    for (const std::string& token : {std::string("fk_' OR '1'='1"), "  " + receiver->kiosk_token + "  x"})
        EXPECT_EQ(get("/v1/export/food.csv", token).first, 401) << token.substr(0, 20);
    for (const std::string& token : {std::string(20000, 'x'), std::string("\x01\x02")}) {
        const int status = get("/v1/export/food.csv", token).first;
        EXPECT_TRUE(status == 401 || status == 400 || status == 431 || status == 0) << status;  // 0: connection refused outright
    }
    EXPECT_EQ(receiver->responses(), 2);  // nothing was dropped
}

INSTANTIATE_TEST_SUITE_P(Backends, ReceiverSecurity, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& p) { return p.param; });

// Answer text (and everything else) in an export is escaped: quotes doubled, and a cell a spreadsheet would
// run as a formula starts with an apostrophe.
TEST(ExportEscaping, FormulasAndQuotesInStoredTextAreDefused) {
    const nlohmann::json payload = {{"id", "x"},
                                    {"survey", "food"},
                                    {"site", "=HYPERLINK(\"http://evil\",\"click\")"},
                                    {"language", "@SUM(1+1)"},
                                    {"answers", {{"comments", "=1+1"}}},
                                    {"write_ins", {{"q", "-2+3"}}}};
    const std::string row = sync::server::csv_row({"x", "k", "d", "food", "1", "t", "t", payload.dump()});
    EXPECT_NE(row.find("\"'=HYPERLINK(\"\"http://evil\"\",\"\"click\"\")\""), std::string::npos) << row;
    EXPECT_NE(row.find(",'@SUM(1+1),"), std::string::npos) << row;
    EXPECT_EQ(row.find(",="), std::string::npos) << row;
    EXPECT_EQ(row.find(",@"), std::string::npos) << row;
}

TEST(TokenScopes, RolesAndScopes) {
    using namespace sync::server;
    EXPECT_EQ(admin_role("read").value(), "admin:read");
    EXPECT_EQ(admin_role("manage, read").value(), "admin:read,manage");
    EXPECT_FALSE(admin_role("write"));
    EXPECT_FALSE(admin_role(""));
    EXPECT_TRUE(role_allows("admin", k_need_read));
    EXPECT_FALSE(role_allows("admin", k_need_manage));
    EXPECT_TRUE(role_allows("admin:read,manage", k_need_manage));
    EXPECT_FALSE(role_allows("admin:manage", k_need_read));
    EXPECT_FALSE(role_allows("admin:readx", k_need_read));
    EXPECT_FALSE(role_allows("kiosk", k_need_read));
    EXPECT_FALSE(role_allows("admin:read", k_role_metrics));
    EXPECT_TRUE(role_allows("metrics", k_role_metrics));
    EXPECT_FALSE(role_allows("metrics", k_role_kiosk));
}

}  // namespace
}  // namespace fieldkiosk::testing
