// Sealed answers end to end (docs/sealed_answers.md): a kiosk store seals at save time, the real client sends
// the sealed payloads to the real receiver over loopback (SQLite, and PostgreSQL when FIELDKIOSK_TEST_PG is
// set), which stores each once, counts it and cannot read it; its export, opened with `decrypt` where the key
// is, is the CSV an open survey's export would be.
#include "core/clock.hpp"
#include "core/session.hpp"
#include "seal/sealed_box.hpp"
#include "sync/server/export_csv.hpp"
#include "sync/server/export_formats.hpp"
#include "sync/server/quality_rows.hpp"
#include "sync/server/sealed_commands.hpp"
#include "tests/support/csv_reader.hpp"
#include "tests/support/fake_clock.hpp"
#include "tests/support/sealed_demo_survey.hpp"
#include "tests/sync/loopback.hpp"

#include <sys/stat.h>

#include <fstream>

namespace fieldkiosk::testing {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

using sealed_demo::k_no;
using sealed_demo::k_text;
using sealed_demo::k_yes;
nlohmann::json demo_survey(const std::string& version, const std::optional<core::Encryption>& enc) {
    return sealed_demo::survey(version, enc);
}

class SealedSync : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        if (GetParam() == "postgresql" && test_pg() == nullptr) GTEST_SKIP() << "set FIELDKIOSK_TEST_PG to run on PostgreSQL";
        receiver = std::make_unique<Receiver>(GetParam());
        // Version 1 sealed to the old key, version 2 to the new one (key rotation by survey version).
        std::ofstream(dir.path() / "v1.json") << demo_survey("1", seal::survey_setting(old_key)).dump();
        std::ofstream(dir.path() / "v2.json") << demo_survey("2", seal::survey_setting(new_key)).dump();
        const fs::path paths[] = {dir.path() / "v1.json", dir.path() / "v2.json"};
        auto catalog = core::load_paths(paths, core::LoadOptions{.all_versions = true});
        ASSERT_EQ(catalog.surveys.size(), 2u);
        v1 = catalog.find("sealed_demo", "1");
        v2 = catalog.find("sealed_demo", "2");
        ASSERT_TRUE(v1 && v2 && v1->encryption && v2->encryption);
        receiver->use_catalog(std::move(catalog));
    }

    // Residents' walks through the real Session, saved by the real store (which seals them).
    std::vector<core::Response> save(const core::SurveyPtr& survey, int count) {
        auto store = storage::ResponseStore::open(kiosk.db, clock);
        EXPECT_TRUE(store);
        std::vector<core::Response> out;
        for (int i = 0; i < count; ++i) {
            core::Session s(survey, {.site = "Kentish Town Library"}, clock, rng);
            EXPECT_TRUE(s.set_answer(core::Answer::choice(std::string(i % 2 ? k_yes : k_no))));
            EXPECT_TRUE(s.next());
            clock.advance(3s);
            EXPECT_TRUE(s.set_answer(core::Answer::text(std::string(k_text) + std::to_string(i))));
            EXPECT_TRUE(s.next());
            auto r = s.complete();
            EXPECT_TRUE(r);
            EXPECT_TRUE(store->save_completed(*r));
            out.push_back(*r);
        }
        return out;
    }

    std::string export_csv() {
        auto [status, body] = http_get(receiver->url() + "/v1/export/sealed_demo.csv", receiver->admin_token);
        EXPECT_EQ(status, 200);
        return body;
    }

    TempDir dir;
    FakeClock clock;
    core::SeededRng rng{5};
    seal::KeyPair old_key = *seal::generate_key_pair("demo-2026"), new_key = *seal::generate_key_pair("demo-2027");
    core::SurveyPtr v1, v2;
    Kiosk kiosk;
    std::unique_ptr<Receiver> receiver;
};

TEST_P(SealedSync, StoresEachSealedResponseOnceCountsItAndCannotReadIt) {
    auto responses = save(v1, 12);
    auto more = save(v2, 13);
    responses.insert(responses.end(), more.begin(), more.end());
    const auto first = kiosk.drain(receiver->url(), receiver->kiosk_token);
    EXPECT_EQ(first.accepted, 25);
    EXPECT_EQ(receiver->responses(), 25);
    std::vector<std::string> ids;
    for (const auto& r : responses) ids.push_back(r.id);
    expect_exactly_once(*receiver->storage, ids);

    // Sent again (an answer lost on the way): every one a duplicate, nothing stored twice.
    {
        core::SystemClock c;
        auto store = storage::ResponseStore::open(kiosk.db, c);
        ASSERT_TRUE(store);
        ASSERT_TRUE(store->database().exec("UPDATE outbox SET state = 'queued'"));
    }
    const auto again = kiosk.drain(receiver->url(), receiver->kiosk_token);
    EXPECT_EQ(again.duplicate, 25);
    EXPECT_EQ(receiver->responses(), 25);
    expect_exactly_once(*receiver->storage, ids);

    // What the receiver holds says nothing of the answers.
    auto r = receiver->storage->for_each_response("sealed_demo", [&](const sync::server::ExportRow& row) {
        EXPECT_EQ(row.payload.find(k_yes), std::string::npos);
        EXPECT_EQ(row.payload.find(k_no), std::string::npos);
        EXPECT_EQ(row.payload.find(k_text), std::string::npos);
        EXPECT_TRUE(seal::is_sealed(nlohmann::json::parse(row.payload)));
        return true;
    });
    ASSERT_TRUE(r);
    const std::string sealed = export_csv();
    EXPECT_EQ(sealed.find(k_text), std::string::npos);
    EXPECT_NE(sealed.find("sealed:v1:demo-2026:"), std::string::npos);
    EXPECT_NE(sealed.find("sealed:v1:demo-2027:"), std::string::npos);
}

TEST_P(SealedSync, DecryptGivesTheOpenSurveysExportWithBothKeys) {
    save(v1, 5);
    save(v2, 6);
    ASSERT_EQ(kiosk.drain(receiver->url(), receiver->kiosk_token).accepted, 11);
    // The open export these rows would have had: csv_row() over the opened payloads, with the quality flags the
    // receiver computed for the sealed rows (burst only: decrypt passes those cells through unchanged).
    const std::vector<seal::KeyPair> keys{old_key, new_key};
    const auto flags = sync::server::flag_survey(*receiver->storage, "sealed_demo", nullptr, {});
    ASSERT_TRUE(flags.has_value());
    std::string expected = sync::server::csv_header();
    ASSERT_TRUE(receiver->storage->for_each_response("sealed_demo", [&](const sync::server::ExportRow& row) {
        auto open = seal::open_payload(nlohmann::json::parse(row.payload), keys);
        EXPECT_TRUE(open);
        auto copy = row;
        copy.payload = open->dump();
        if (const auto* q = flags->find(row.id)) {
            copy.quality_flags = sync::server::flag_names(q->flags);
            copy.quality_reasons = q->reasons;
        }
        expected += sync::server::csv_row(copy);
        return true;
    }));
    EXPECT_NE(expected.find(k_text), std::string::npos);

    const auto old_file = dir.path() / "old.key", new_file = dir.path() / "new.key";
    ASSERT_TRUE(seal::write_key_file(old_file, old_key));
    ASSERT_TRUE(seal::write_key_file(new_file, new_key));
    std::istringstream in(export_csv());
    std::ostringstream out, err;
    EXPECT_EQ(sync::server::run_decrypt({new_file, old_file}, in, out, err), 0) << err.str();
    EXPECT_EQ(out.str(), expected);
    EXPECT_NE(err.str().find("opened 11 sealed"), std::string::npos) << err.str();

    // Only the new key: the old version's rows cannot be opened, and the message says which key is needed.
    std::istringstream in2(export_csv());
    std::ostringstream out2, err2;
    EXPECT_EQ(sync::server::run_decrypt({new_file}, in2, out2, err2), 1);
    EXPECT_NE(err2.str().find("sealed to key 'demo-2026'"), std::string::npos) << err2.str();
    EXPECT_NE(err2.str().find(" (response "), std::string::npos) << err2.str();  // names the line and the response
}

// Issue 10: the receiver cannot widen a sealed response (sealed = 1, empty answers); decrypt's output can be
// widened where the key is (export --from-csv), giving the answers in their columns.
TEST_P(SealedSync, WideExportFlagsSealedRowsAndTheDecryptedCsvWidens) {
    save(v2, 4);
    ASSERT_EQ(kiosk.drain(receiver->url(), receiver->kiosk_token).accepted, 4);
    auto [status, body] = http_get(receiver->url() + "/v1/export/sealed_demo.wide.csv", receiver->admin_token);
    ASSERT_EQ(status, 200) << body;
    auto rows = read_csv(body);
    ASSERT_EQ(rows.size(), 5u);
    const auto col = [&](std::string_view name) {
        return static_cast<std::size_t>(std::ranges::find(rows[0], name) - rows[0].begin());
    };
    for (std::size_t r = 1; r < rows.size(); ++r) {
        EXPECT_EQ(rows[r][col("sealed")], "1");
        EXPECT_EQ(rows[r][col("food_bank")], "");
        EXPECT_EQ(rows[r][col("comments")], "");
        EXPECT_EQ(rows[r][col("site")], "Kentish Town Library");
    }
    EXPECT_EQ(body.find(k_text), std::string::npos);

    const std::vector<seal::KeyPair> keys{old_key, new_key};
    std::istringstream in(export_csv());
    std::ostringstream opened, err;
    ASSERT_TRUE(sync::server::decrypt_csv(in, opened, keys));
    const fs::path paths[] = {dir.path() / "v1.json", dir.path() / "v2.json"};
    const auto catalog = core::load_paths(paths, core::LoadOptions{.all_versions = true});
    std::istringstream decrypted(opened.str());
    std::string wide;
    auto n = sync::server::export_wide_from_csv(decrypted, catalog, {"sealed_demo", sync::server::ExportFormat::Wide, ""},
                                                [&](std::string_view t) {
                                                    wide += t;
                                                    return true;
                                                });
    ASSERT_TRUE(n) << n.error().message;
    EXPECT_EQ(*n, 4);
    rows = read_csv(wide);
    ASSERT_EQ(rows.size(), 5u);
    for (std::size_t r = 1; r < rows.size(); ++r) {
        EXPECT_EQ(rows[r][col("sealed")], "0");
        EXPECT_TRUE(rows[r][col("food_bank")] == k_yes || rows[r][col("food_bank")] == k_no) << rows[r][col("food_bank")];
        EXPECT_TRUE(rows[r][col("comments")].starts_with(k_text)) << rows[r][col("comments")];
    }
    // A long CSV that is not one, or a row with a broken answers cell: refused, naming the line and the field.
    std::istringstream not_export("hello\r\n");
    auto bad = sync::server::export_wide_from_csv(not_export, catalog, {"sealed_demo", sync::server::ExportFormat::Wide, ""},
                                                  [](std::string_view) { return true; });
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("line 1"), std::string::npos) << bad.error().message;
    std::string broken = opened.str();
    broken.replace(broken.find("{\"\"comments"), 1, "[");
    std::istringstream broken_in(broken);
    bad = sync::server::export_wide_from_csv(broken_in, catalog, {"sealed_demo", sync::server::ExportFormat::Wide, ""},
                                             [](std::string_view) { return true; });
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("line 2"), std::string::npos) << bad.error().message;
    EXPECT_NE(bad.error().message.find("answers: not a JSON object"), std::string::npos) << bad.error().message;
}

// A stream that can be read once, front to back, as standard input from a pipe: it cannot be rewound.
class OneWay : public std::streambuf {
public:
    explicit OneWay(std::string text) : m_text(std::move(text)) { setg(m_text.data(), m_text.data(), m_text.data() + m_text.size()); }

private:
    std::string m_text;
};

// Issue 13: the receiver cannot compare sealed answers, so it cannot see two identical answer sets from one kiosk;
// where the key is, export --from-csv recomputes the flags over the opened answers and can.
TEST_P(SealedSync, TheDecryptedCsvHasItsQualityFlagsRecomputedOverTheOpenedAnswers) {
    auto store = storage::ResponseStore::open(kiosk.db, clock);
    ASSERT_TRUE(store);
    for (int i = 0; i < 2; ++i) {  // the same two answers twice, a minute apart, at one kiosk
        core::Session s(v2, {.site = "Kentish Town Library"}, clock, rng);
        ASSERT_TRUE(s.set_answer(core::Answer::choice(std::string(k_yes))));
        ASSERT_TRUE(s.next());
        clock.advance(20s);
        ASSERT_TRUE(s.set_answer(core::Answer::text(std::string(k_text))));
        ASSERT_TRUE(s.next());
        auto r = s.complete();
        ASSERT_TRUE(r);
        ASSERT_TRUE(store->save_completed(*r));
        clock.advance(60s);
    }
    ASSERT_EQ(kiosk.drain(receiver->url(), receiver->kiosk_token).accepted, 2);
    const std::string sealed = export_csv();
    auto receiver_rows = read_csv(sealed);
    ASSERT_EQ(receiver_rows.size(), 3u);
    const auto flags_at = [](const std::vector<std::vector<std::string>>& rows) {
        return std::find(rows[0].begin(), rows[0].end(), "quality_flags") - rows[0].begin();
    };
    for (std::size_t r = 1; r < 3; ++r)
        EXPECT_EQ(receiver_rows[r][static_cast<std::size_t>(flags_at(receiver_rows))].find("duplicate"), std::string::npos);

    const std::vector<seal::KeyPair> keys{old_key, new_key};
    std::istringstream in(sealed);
    std::ostringstream opened;
    ASSERT_TRUE(sync::server::decrypt_csv(in, opened, keys));
    const fs::path paths[] = {dir.path() / "v1.json", dir.path() / "v2.json"};
    const auto catalog = core::load_paths(paths, core::LoadOptions{.all_versions = true});
    sync::server::ExportRequest request{"sealed_demo", sync::server::ExportFormat::Wide, ""};
    request.quality.duplicate_min_answers = 2;  // the demo survey has two questions
    std::string wide;
    std::vector<std::string> warnings;
    const auto write = [&](std::string_view t) {
        wide += t;
        return true;
    };
    const auto warn = [&](const std::string& w) { warnings.push_back(w); };
    std::istringstream file(opened.str());
    ASSERT_TRUE(sync::server::export_wide_from_csv(file, catalog, request, write, warn));
    auto rows = read_csv(wide);
    ASSERT_EQ(rows.size(), 3u);
    const auto flags = static_cast<std::size_t>(flags_at(rows));
    const auto duplicates = [&] {
        return (rows[1][flags].find("duplicate") != std::string::npos) + (rows[2][flags].find("duplicate") != std::string::npos);
    };
    EXPECT_EQ(duplicates(), 2) << rows[1][flags] << " | " << rows[2][flags];  // a pair: both are flagged (docs/quality_flags.md)
    EXPECT_TRUE(warnings.empty());

    // Read from a pipe, the input cannot be read twice: the flags are the receiver's, and the export says so.
    wide.clear();
    OneWay buffer(opened.str());
    std::istream piped(&buffer);
    ASSERT_TRUE(sync::server::export_wide_from_csv(piped, catalog, request, write, warn));
    rows = read_csv(wide);
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(duplicates(), 0);
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_NE(warnings[0].find("cannot be read twice"), std::string::npos) << warnings[0];
}

INSTANTIATE_TEST_SUITE_P(Backends, SealedSync, ::testing::Values("sqlite", "postgresql"), [](const auto& p) { return p.param; });

// The receiver refuses what would leave answers in clear, or sealed to a key the survey does not name.
class SealedValidation : public ::testing::Test {
protected:
    void SetUp() override {
        std::ofstream(dir.path() / "sealed.json") << demo_survey("1", seal::survey_setting(key)).dump();
        auto open = demo_survey("1", std::nullopt);
        open["survey"] = "open_demo";
        std::ofstream(dir.path() / "open.json") << open.dump();
        const fs::path paths[] = {dir.path()};
        validator.emplace(core::load_paths(paths));
        ASSERT_EQ(validator->catalog().surveys.size(), 2u);
    }
    sync::protocol::WireItem item(const std::string& survey, const seal::KeyPair* sealed_to) {
        core::Response r;
        r.id = "1b4e28ba-2fa1-41d2-883f-0016d3cca427";
        r.survey_id = survey;
        r.survey_version = "1";
        r.language = "en";
        r.started_at = std::chrono::system_clock::time_point(1'800'000'000s);
        r.completed_at = r.started_at + 60s;
        r.answers.emplace_back("food_bank", core::Answer::choice(std::string(k_yes)));
        sync::protocol::WireItem w{r.id, survey, "1", "json", core::response_to_json(r)};
        if (sealed_to) {
            w.encoding = seal::k_encoding;
            w.payload = *seal::seal_response(r, seal::survey_setting(*sealed_to));
        }
        return w;
    }
    TempDir dir;
    seal::KeyPair key = *seal::generate_key_pair("demo-1"), other = *seal::generate_key_pair("demo-x");
    std::optional<sync::server::Validator> validator;
};

TEST_F(SealedValidation, AcceptsASealedResponseOfASealedSurvey) {
    EXPECT_EQ(validator->check(item("sealed_demo", &key)), std::nullopt);
}

TEST_F(SealedValidation, RefusesAnswersInClearForASealedSurvey) {
    auto why = validator->check(item("sealed_demo", nullptr));
    ASSERT_TRUE(why);
    EXPECT_NE(why->find("is sealed"), std::string::npos) << *why;
}

TEST_F(SealedValidation, RefusesASealedResponseOfAnOpenSurveyOrToAnotherKey) {
    EXPECT_TRUE(validator->check(item("open_demo", &key)));
    auto why = validator->check(item("sealed_demo", &other));
    ASSERT_TRUE(why);
    EXPECT_NE(why->find("sealed to key 'demo-x'"), std::string::npos) << *why;
}

TEST_F(SealedValidation, RefusesAnEnvelopeCarryingAnswersOrACutBox) {
    auto w = item("sealed_demo", &key);
    w.payload["answers"] = {{"food_bank", std::string(k_yes)}};
    EXPECT_TRUE(validator->check(w));
    auto cut = item("sealed_demo", &key);
    cut.payload["sealed"]["box"] = "AAAA";
    EXPECT_TRUE(validator->check(cut));
}

TEST(SealedKeygen, WritesAPrivateFileAndPrintsTheSurveySetting) {
    TempDir dir;
    std::ostringstream out, err;
    ASSERT_EQ(sync::server::run_keygen(dir.path() / "food.key", "food-2027", out, err), 0) << err.str();
    struct stat st {};
    ASSERT_EQ(::stat((dir.path() / "food.key").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    const auto key = seal::read_key_file(dir.path() / "food.key");
    ASSERT_TRUE(key);
    EXPECT_NE(
        out.str().find("\"encryption\": {\"key_id\":\"food-2027\",\"public_key\":\"" + seal::survey_setting(*key).public_key),
        std::string::npos)
        << out.str();
    EXPECT_NE(out.str().find("Fingerprint: " + seal::fingerprint(key->public_key)), std::string::npos) << out.str();
    std::ostringstream out2, err2;
    EXPECT_EQ(sync::server::run_keygen(dir.path() / "food.key", "food-2027", out2, err2), 1);
    EXPECT_NE(err2.str().find("never overwritten"), std::string::npos) << err2.str();
}

TEST(SealedDecrypt, RefusesAFileThatIsNotAnExportAndAnAlteredRow) {
    TempDir dir;
    const auto key = *seal::generate_key_pair("k1");
    ASSERT_TRUE(seal::write_key_file(dir.path() / "k.key", key));
    std::istringstream not_export("name,age\r\nx,1\r\n");
    std::ostringstream out, err;
    EXPECT_EQ(sync::server::run_decrypt({dir.path() / "k.key"}, not_export, out, err), 1);
    EXPECT_NE(err.str().find("not a fieldkiosk export"), std::string::npos) << err.str();

    core::Response r;
    r.id = "1b4e28ba-2fa1-41d2-883f-0016d3cca427";
    r.survey_id = "food";
    r.survey_version = "1";
    r.language = "en";
    r.site = "Library";
    r.answers.emplace_back("q", core::Answer::text("hello"));
    const auto env = *seal::seal_response(r, seal::survey_setting(key));
    const auto now = std::chrono::system_clock::now();
    sync::server::ExportRow row{r.id,      "kiosk-1", "dev", "food", "1", core::format_utc(now), core::format_utc(now + 1s),
                                env.dump()};
    std::string text = sync::server::csv_header() + sync::server::csv_row(row);
    std::string altered = text;
    altered.replace(altered.find("Library"), 7, "Librarx");
    std::istringstream in(altered);
    std::ostringstream out2, err2;
    EXPECT_EQ(sync::server::run_decrypt({dir.path() / "k.key"}, in, out2, err2), 1);
    EXPECT_NE(err2.str().find("site cell differs"), std::string::npos) << err2.str();
    std::istringstream good(text);
    std::ostringstream out3, err3;
    EXPECT_EQ(sync::server::run_decrypt({dir.path() / "k.key"}, good, out3, err3), 0) << err3.str();
    EXPECT_NE(out3.str().find("hello"), std::string::npos);
}

}  // namespace
}  // namespace fieldkiosk::testing
