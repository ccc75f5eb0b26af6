// sync/server/export_formats.cpp: the analysis-ready exports from the real receiver over loopback (GET
// /v1/export/ID.wide.csv, .codebook.csv, .sps, .xlsx) and from the real `fieldkiosk-server export`, on SQLite and
// (FIELDKIOSK_TEST_PG) PostgreSQL: same token, scope and audit entry as the long CSV; 404 / 400 with a reason.
#include "sync/server/export_formats.hpp"
#include "core/clock.hpp"
#include "core/xlsform/workbook.hpp"
#include "exports/wide.hpp"
#include "sync/server/kept_figures.hpp"
#include "tests/support/csv_reader.hpp"
#include "tests/support/run_command.hpp"
#include "tests/sync/loopback.hpp"

#include <nlohmann/json.hpp>

#include <sys/resource.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <fstream>

namespace fieldkiosk::testing {
namespace {

std::size_t index_of(const std::vector<std::string>& header, std::string_view name) {
    auto it = std::ranges::find(header, name);
    EXPECT_NE(it, header.end()) << name;
    return static_cast<std::size_t>(it - header.begin());
}

std::pair<int, std::string> run_server(const std::string& args) {
    return run_command(std::string(FIELDKIOSK_SERVER_PATH) + " " + args);
}

class ExportFormats : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        if (GetParam() == "postgresql" && test_pg() == nullptr) GTEST_SKIP() << "set FIELDKIOSK_TEST_PG to run on PostgreSQL";
        receiver = std::make_unique<Receiver>(GetParam());
    }
    std::pair<int, std::string> get(const std::string& path, const std::string& token) {
        return http_get(receiver->url() + path, token);
    }
    void send(int count, const std::string& survey = "food") {
        kiosk.fill(count, survey);
        ASSERT_FALSE(kiosk.drain(receiver->url(), receiver->kiosk_token).failure);
    }
    std::unique_ptr<Receiver> receiver;
    Kiosk kiosk;
};

TEST_P(ExportFormats, WideCsvHasOneRowPerResponseAndIndicatorsThatAgreeWithTheOriginal) {
    send(30);
    const auto [status, body] = get("/v1/export/food.wide.csv", receiver->admin_token);
    ASSERT_EQ(status, 200) << body;
    const auto rows = read_csv(body);
    ASSERT_EQ(rows.size(), 31u);
    const auto& h = rows[0];
    EXPECT_EQ(h[0], "id");
    EXPECT_EQ(h[2], "kiosk");
    const auto survey = shipped_catalog().find("food");
    const auto* sources = survey->find("food_sources");
    const std::size_t original = index_of(h, "food_sources");
    std::set<std::string> ids;
    std::size_t answered = 0;
    for (std::size_t r = 1; r < rows.size(); ++r) {
        ASSERT_EQ(rows[r].size(), h.size()) << "row " << r;
        ids.insert(rows[r][0]);
        EXPECT_EQ(rows[r][index_of(h, "kiosk")], "kiosk-1");
        EXPECT_FALSE(rows[r][index_of(h, "received_at")].empty());
        EXPECT_EQ(rows[r][index_of(h, "sealed")], "0");
        if (rows[r][original].empty()) continue;
        ++answered;
        const std::string chosen = " " + rows[r][original] + " ";
        for (const auto& c : sources->choices)
            EXPECT_EQ(rows[r][index_of(h, "food_sources/" + c.value)],
                      chosen.find(" " + c.value + " ") != std::string::npos ? "1" : "0");
    }
    EXPECT_EQ(ids, std::set<std::string>(kiosk.all_ids.begin(), kiosk.all_ids.end()));
    EXPECT_GT(answered, 0u);
}

TEST_P(ExportFormats, LabelsInAnotherLanguageAndAnUnknownOneIsA400) {
    send(5);
    const auto [status, body] = get("/v1/export/food.wide.csv?labels=es", receiver->admin_token);
    ASSERT_EQ(status, 200) << body;
    const auto rows = read_csv(body);
    const auto survey = shipped_catalog().find("food");
    const auto* q = survey->find("fresh_produce_nearby");
    const std::size_t col = index_of(rows[0], "fresh_produce_nearby");
    for (std::size_t r = 1; r < rows.size(); ++r) {
        if (rows[r][col].empty()) continue;
        EXPECT_TRUE(std::ranges::any_of(q->choices, [&](const core::Choice& c) { return c.label.get("es") == rows[r][col]; }))
            << rows[r][col];
    }
    const auto [bad, why] = get("/v1/export/food.wide.csv?labels=xx", receiver->admin_token);
    EXPECT_EQ(bad, 400);
    EXPECT_NE(why.find("no language 'xx'"), std::string::npos) << why;
    EXPECT_EQ(get("/v1/export/food.sps?labels=e%22s", receiver->admin_token).first, 400);
}

TEST_P(ExportFormats, CodebookSpssAndXlsxAreServed) {
    send(12);
    const auto [cs, codebook] = get("/v1/export/food.codebook.csv", receiver->admin_token);
    ASSERT_EQ(cs, 200);
    const auto rows = read_csv(codebook);
    EXPECT_EQ(rows[0][0], "variable");
    const auto [ss, sps] = get("/v1/export/food.sps", receiver->admin_token);
    ASSERT_EQ(ss, 200);
    EXPECT_NE(sps.find("VARIABLE LABELS"), std::string::npos);
    const auto [xs, xlsx] = get("/v1/export/food.xlsx", receiver->admin_token);
    ASSERT_EQ(xs, 200);
    auto book = xlsform::read_workbook_bytes(xlsx);
    ASSERT_TRUE(book) << book.error();
    ASSERT_TRUE(book->find("data") && book->find("codebook"));
    EXPECT_EQ(book->find("data")->rows.size(), 13u);
    EXPECT_EQ(book->find("codebook")->rows.size(), rows.size());
    // The data sheet holds the wide CSV's cells.
    const auto wide = read_csv(get("/v1/export/food.wide.csv", receiver->admin_token).second);
    ASSERT_EQ(wide.size(), book->find("data")->rows.size());
    for (std::size_t c = 0; c < wide[0].size(); ++c) EXPECT_EQ(book->find("data")->at(1, c), wide[0][c]);
}

TEST_P(ExportFormats, SameTokensAndScopeAsTheLongCsvAndUnknownsAre404) {
    const std::string manager = receiver->add_token("manager", "admin:manage");
    for (const char* path :
         {"/v1/export/food.wide.csv", "/v1/export/food.codebook.csv", "/v1/export/food.sps", "/v1/export/food.xlsx"}) {
        EXPECT_EQ(get(path, "").first, 401) << path;
        EXPECT_EQ(get(path, "not-a-token").first, 401) << path;
        EXPECT_EQ(get(path, receiver->kiosk_token).first, 401) << path;
        EXPECT_EQ(get(path, receiver->metrics_token).first, 401) << path;
        EXPECT_EQ(get(path, manager).first, 403) << path;
    }
    const auto [unknown, why] = get("/v1/export/nosuch.wide.csv", receiver->admin_token);
    EXPECT_EQ(unknown, 404);
    EXPECT_NE(why.find("'nosuch'"), std::string::npos) << why;
    const auto [format, says] = get("/v1/export/food.pdf", receiver->admin_token);
    EXPECT_EQ(format, 404);
    EXPECT_NE(says.find(".wide.csv"), std::string::npos) << says;
    EXPECT_EQ(get("/v1/export/food.pdf", "").first, 401);
    // The long CSV is unchanged.
    EXPECT_TRUE(get("/v1/export/food.csv", receiver->admin_token).second.starts_with("id,kiosk,device_id,survey,"));
}

TEST_P(ExportFormats, EachExportIsAuditedWithItsRowsAndRefusalsAreNot) {
    send(4);
    const std::string analyst = receiver->add_token("analyst", "admin:read");
    ASSERT_EQ(get("/v1/export/food.wide.csv", analyst).first, 200);
    ASSERT_EQ(get("/v1/export/food.xlsx?labels=fr", analyst).first, 200);
    ASSERT_EQ(get("/v1/export/food.codebook.csv", analyst).first, 200);
    ASSERT_EQ(get("/v1/export/food.wide.csv", receiver->add_token("no-read", "admin:manage")).first, 403);
    ASSERT_EQ(get("/v1/export/nosuch.wide.csv", analyst).first, 404);
    auto log = receiver->storage->audit_entries("");
    ASSERT_TRUE(log) << log.error().message;
    ASSERT_EQ(log->size(), 3u);
    EXPECT_EQ((*log)[0].who, "analyst");
    EXPECT_EQ((*log)[0].action, "export");
    EXPECT_EQ((*log)[0].what, "survey 'food' as wide over HTTP");
    EXPECT_EQ((*log)[0].rows, 4);
    EXPECT_EQ((*log)[1].what, "survey 'food' as xlsx (labels fr) over HTTP");
    EXPECT_EQ((*log)[1].rows, 4);
    EXPECT_EQ((*log)[2].rows, 0) << "the codebook reads no response";
}

TEST_P(ExportFormats, TheCommandLineWritesTheSameWideFileAndAuditsIt) {
    send(6);
    TempDir dir;
    const auto out = dir.path() / "food.wide.csv";
    const auto [rc, text] = run_server("export --db '" + receiver->db_url() + "' --survey food --format wide --surveys " +
                                       FIELDKIOSK_SURVEY_DEFS_DIR + " --out " + out.string());
    ASSERT_EQ(rc, 0) << text;
    std::ifstream in(out, std::ios::binary);
    const std::string file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(file, get("/v1/export/food.wide.csv", receiver->admin_token).second);
    auto log = receiver->storage->audit_entries("");
    ASSERT_TRUE(log);
    ASSERT_GE(log->size(), 1u);
    EXPECT_NE((*log)[0].what.find("as wide to " + out.string()), std::string::npos) << (*log)[0].what;
    EXPECT_EQ((*log)[0].rows, 6);
}

// The wide CSV is made in batches on two threads (export_formats.cpp, WideLines): over several batches the lines
// must be those of WideTable::row, in storage order, a payload that does not fit named by its own line, and the
// rows counted (and audited) as written, also when the output fails part-way.
TEST_P(ExportFormats, ManyRowsAreWrittenInOrderAndABadPayloadIsNamedByItsLine) {
    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    std::vector<sync::server::PreparedItem> items;
    for (int i = 0; i < 700; ++i) {
        const std::string id = "r-" + std::to_string(1000 + i);
        nlohmann::json answers = {{"fresh_produce_nearby", i % 3 ? "yes" : "no"}, {"food_sources", {"market", "online"}}};
        if (i == 299 || i == 611) answers["food_sources"] = "market";  // not a list: written as stored, with a note
        const nlohmann::json p = {{"id", id}, {"survey", "food"}, {"survey_version", "2026.1"}, {"language", "en"},
                                  {"mode", "kiosk"}, {"site", "Kentish Town Library"},
                                  {"started_at", core::format_utc(now - std::chrono::seconds(900 * i + 300))},
                                  {"completed_at", core::format_utc(now - std::chrono::seconds(900 * i))}, {"answers", answers}};
        items.push_back({id, "food", "2026.1", core::format_utc(now - std::chrono::seconds(900 * i)), "h-" + id, p.dump()});
    }
    const sync::server::BatchContext ctx{"kiosk-1", "dev-1", "b-1", core::format_utc(now), nullptr};
    ASSERT_TRUE(receiver->storage->store_batch(ctx, items, {}));

    const auto catalog = shipped_catalog();
    const core::SystemClock clock;
    const sync::server::ExportAudit audit{*receiver->storage, clock, "test", "wide"};
    std::string body;
    std::vector<std::string> notes;
    auto rows = sync::server::export_survey_to(
        *receiver->storage, &catalog, {"food", sync::server::ExportFormat::Wide, "", {}},
        [&](std::string_view part) {
            body += part;
            return true;
        },
        audit, [&](const std::string& note) { notes.push_back(note); });
    ASSERT_TRUE(rows.has_value()) << rows.error().message;
    EXPECT_EQ(*rows, 700);
    // The same lines made one by one, in the storage's order, with the kept flags.
    auto table = exports::WideTable::make(catalog.find("food"));
    ASSERT_TRUE(table.has_value());
    std::string expected = exports::csv_line(table->header());
    std::vector<std::string> order;
    ASSERT_TRUE(sync::server::for_each_response_with_flags(*receiver->storage, "food", [&](const sync::server::ExportRow& r) {
        exports::ResponseRecord rec;
        sync::server::fill_record(rec, r);
        expected += exports::csv_line(table->row(rec));
        order.push_back(r.id);
        return true;
    }));
    EXPECT_EQ(body, expected);
    ASSERT_EQ(notes.size(), 2u);
    const auto line_of = [&](const std::string& id) {
        return std::to_string(std::ranges::find(order, id) - order.begin() + 2);  // line 1 is the header
    };
    EXPECT_TRUE(notes[0].starts_with("row " + line_of("r-1299") + " (response r-1299): question 'food_sources'")) << notes[0];
    EXPECT_TRUE(notes[1].starts_with("row " + line_of("r-1611") + " (response r-1611)")) << notes[1];

    // The output fails after 300 rows' worth of text: the rows counted are the rows written.
    std::size_t lines = 0;
    std::string error;
    auto cut = sync::server::export_survey_to(*receiver->storage, &catalog, {"food", sync::server::ExportFormat::Wide, "", {}},
                                              [&](std::string_view part) {
                                                  const auto n = static_cast<std::size_t>(std::ranges::count(part, '\n'));
                                                  if (lines + n > 301) return false;
                                                  lines += n;
                                                  return true;
                                              },
                                              audit, {});
    ASSERT_FALSE(cut.has_value());
    auto log = receiver->storage->audit_entries("");
    ASSERT_TRUE(log);
    ASSERT_EQ(log->size(), 2u);
    EXPECT_EQ((*log)[1].rows, static_cast<std::int64_t>(lines) - 1) << "the header is not a row";
    EXPECT_NE((*log)[1].what.find("(cut short)"), std::string::npos);

    // Every byte taken, but what was buffered cannot be put on disk at the end (an HTTP export's spool on a full
    // disk): the export fails with that reason and its audit entry says "cut short", never a complete export.
    sync::server::ExportAudit flushing = audit;
    flushing.flush = [](std::string& why) {
        why = "cannot write the export to a temporary file in /x: No space left on device";
        return false;
    };
    auto unflushed = sync::server::export_survey_to(*receiver->storage, &catalog, {"food", sync::server::ExportFormat::Wide, "", {}},
                                                    [](std::string_view) { return true; }, flushing, {});
    ASSERT_FALSE(unflushed.has_value());
    EXPECT_NE(unflushed.error().message.find("No space left"), std::string::npos) << unflushed.error().message;
    log = receiver->storage->audit_entries("");
    ASSERT_TRUE(log);
    ASSERT_EQ(log->size(), 3u);
    EXPECT_NE((*log)[2].what.find("(cut short)"), std::string::npos) << (*log)[2].what;
}

// Over HTTP an export is made into a temporary file first (ExportSpool), so that its size costs no memory. A
// receiver whose temporary folder is missing answers 500 naming the folder, and audits no export.
TEST_P(ExportFormats, WithNoTemporaryFolderAnExportIsA500NamingItAndIsNotAudited) {
    send(3);
    const char* was = std::getenv("TMPDIR");
    const std::string saved = was ? was : "";
    const TempDir dir;
    const std::string missing = (dir.path() / "no-such-folder").string();
    ::setenv("TMPDIR", missing.c_str(), 1);
    const auto wide = get("/v1/export/food.wide.csv", receiver->admin_token);
    const auto long_csv = get("/v1/export/food.csv", receiver->admin_token);
    if (was) ::setenv("TMPDIR", saved.c_str(), 1); else ::unsetenv("TMPDIR");
    for (const auto& [status, body] : {wide, long_csv}) {
        EXPECT_EQ(status, 500) << body;
        EXPECT_NE(body.find(missing), std::string::npos) << "the folder is named: " << body;
    }
    auto log = receiver->storage->audit_entries("");
    ASSERT_TRUE(log) << log.error().message;
    EXPECT_TRUE(log->empty()) << log->front().what;
    EXPECT_EQ(get("/v1/export/food.wide.csv", receiver->admin_token).first, 200) << "with the folder back";
}

INSTANTIATE_TEST_SUITE_P(Backends, ExportFormats, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& p) { return p.param; });

// --- the verb's refusals, through the real program ---

TEST(ExportVerb, WideWithoutSurveyDefinitionsOrWithAnUnknownLanguageIsAUsageError) {
    TempDir dir;
    const std::string db = "sqlite:" + (dir.path() / "s.db").string();
    auto [rc, text] = run_server("export --db " + db + " --survey food --format wide");
    EXPECT_EQ(rc, 2);
    EXPECT_NE(text.find("--surveys"), std::string::npos) << text;
    std::tie(rc, text) = run_server("export --db " + db + " --survey food --format sps --labels xx --surveys " +
                                    std::string(FIELDKIOSK_SURVEY_DEFS_DIR));
    EXPECT_EQ(rc, 2);
    EXPECT_NE(text.find("no language 'xx'"), std::string::npos) << text;
    std::tie(rc, text) = run_server("export --db " + db + " --survey nosuch --format codebook --surveys " +
                                    std::string(FIELDKIOSK_SURVEY_DEFS_DIR));
    EXPECT_EQ(rc, 2);
    EXPECT_NE(text.find("'nosuch'"), std::string::npos) << text;
    std::tie(rc, text) = run_server("export --db " + db + " --survey food --format pdf");
    EXPECT_NE(rc, 0);
    std::tie(rc, text) = run_server("export --help");
    EXPECT_EQ(rc, 0);
    for (const char* word : {"wide", "codebook", "sps", "xlsx", "--labels", "--surveys", "--out", "docs/exports.md"})
        EXPECT_NE(text.find(word), std::string::npos) << word << " in\n" << text;
}

// --- ExportSpool: an export's bytes in a temporary file without a name ---

TEST(ExportSpool, KeepsEveryByteInOrderAndGivesThemAsAFileBody) {
    auto spool = sync::server::ExportSpool::open();
    ASSERT_TRUE(spool) << spool.error();
    std::string all;
    for (int i = 0; i < 5000; ++i) {  // 5,000 lines of 700 bytes: several flushes of the 1 MiB buffer
        const std::string line = std::to_string(i) + std::string(700 - std::to_string(i).size() - 2, static_cast<char>('a' + i % 26)) + "\r\n";
        ASSERT_TRUE(spool->write(line));
        all += line;
    }
    const auto body = spool->finish();
    ASSERT_NE(body, nullptr) << spool->error();
    ASSERT_EQ(body->size(), all.size());
    std::string back(all.size(), '\0');
    ASSERT_EQ(::pread(body->fd(), back.data(), back.size(), 0), static_cast<ssize_t>(back.size()));
    EXPECT_TRUE(back == all);
}

TEST(ExportSpool, AFolderThatIsNotThereIsNamed) {
    const TempDir dir;
    auto spool = sync::server::ExportSpool::open(dir.path() / "gone");
    ASSERT_FALSE(spool);
    EXPECT_NE(spool.error().find((dir.path() / "gone").string()), std::string::npos) << spool.error();
}

// A write that fails (the file size limit stands in for a full disk: both end write() with an error) is said,
// with the folder and the reason, and nothing is given as a body.
TEST(ExportSpool, AWriteThatFailsIsSaidAndGivesNoBody) {
    const TempDir dir;
    auto spool = sync::server::ExportSpool::open(dir.path());
    ASSERT_TRUE(spool) << spool.error();
    struct Limited {  // the file size limit and SIGXFSZ ignored (else the signal ends the test), undone at the end
        rlimit old{};
        void (*handler)(int) = nullptr;
        bool set = false;
        Limited() {
            ::getrlimit(RLIMIT_FSIZE, &old);
            handler = std::signal(SIGXFSZ, SIG_IGN);
            rlimit small = old;
            small.rlim_cur = 64 * 1024;
            set = ::setrlimit(RLIMIT_FSIZE, &small) == 0;
        }
        ~Limited() {
            ::setrlimit(RLIMIT_FSIZE, &old);
            std::signal(SIGXFSZ, handler);
        }
        Limited(const Limited&) = delete;
        Limited& operator=(const Limited&) = delete;
    };
    bool ok = true;
    std::shared_ptr<const sync::server::FileBody> body;
    {
        const Limited limited;
        ASSERT_TRUE(limited.set);
        for (int i = 0; i < 3000 && ok; ++i) ok = spool->write(std::string(1000, 'x'));
        body = spool->finish();
    }
    EXPECT_FALSE(ok);
    EXPECT_EQ(body, nullptr);
    EXPECT_NE(spool->error().find(dir.path().string()), std::string::npos) << spool->error();
    EXPECT_NE(spool->error().find("too large"), std::string::npos) << spool->error();
    EXPECT_FALSE(spool->write("more")) << "a spool that failed stays failed";
}

}  // namespace
}  // namespace fieldkiosk::testing
