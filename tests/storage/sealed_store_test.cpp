// Sealed answers on the kiosk (docs/storage.md, "Sealed answers"): a survey that names a key has its responses
// sealed before they are written, so a stolen kiosk's database files (WAL included) hold no answer.
#include "core/loader.hpp"
#include "core/session.hpp"
#include "seal/sealed_box.hpp"
#include "storage/response_store.hpp"
#include "tests/support/fake_clock.hpp"
#include "tests/support/sealed_demo_survey.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

namespace fieldkiosk::storage {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

using testing::sealed_demo::k_no;
using testing::sealed_demo::k_text;
using testing::sealed_demo::k_yes;

std::string survey_text(const std::optional<core::Encryption>& enc) { return testing::sealed_demo::survey("1", enc).dump(); }

std::string file_bytes(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

class SealedStoreTest : public ::testing::Test {
protected:
    testing::TempDir dir;
    testing::FakeClock clock;
    core::SeededRng rng{11};
    seal::KeyPair key = *seal::generate_key_pair("demo-1");

    core::SurveyPtr survey(bool sealed) {
        auto r =
            core::load_survey_text(survey_text(sealed ? std::optional(seal::survey_setting(key)) : std::nullopt), "demo.json");
        EXPECT_TRUE(r.ok());
        return r.survey;
    }

    // One resident's walk through the real Session.
    core::Response walk(const core::SurveyPtr& s, int i) {
        core::Session session(s, {.site = "Kentish Town Library"}, clock, rng);
        EXPECT_TRUE(session.set_answer(core::Answer::choice(std::string(i % 2 ? k_yes : k_no))));
        EXPECT_TRUE(session.next());
        clock.advance(5s);
        EXPECT_TRUE(session.set_answer(core::Answer::text(std::string(k_text) + std::to_string(i))));
        EXPECT_TRUE(session.next());
        auto r = session.complete();
        EXPECT_TRUE(r);
        return *r;
    }

    // Every byte of every file in the kiosk's folder (the database, its WAL and shared memory).
    std::string every_file() {
        std::string all;
        for (const auto& e : fs::directory_iterator(dir.path())) all += file_bytes(e.path());
        return all;
    }

    static bool holds_answers(const std::string& bytes) {
        return bytes.find(k_yes) != std::string::npos || bytes.find(k_no) != std::string::npos ||
               bytes.find(k_text) != std::string::npos;
    }
};

TEST_F(SealedStoreTest, StolenKioskHoldsNoAnswerInTheDatabaseOrItsWal) {
    auto s = survey(true);
    ASSERT_TRUE(s->encryption);
    auto store = ResponseStore::open(dir.path() / "kiosk.db", clock);
    ASSERT_TRUE(store);
    std::vector<core::Response> saved;
    for (int i = 0; i < 20; ++i) {
        if (i % 2 == 0) store->prepare_seal(*s->encryption);  // the kiosk's path; the odd ones seal in full
        saved.push_back(walk(s, i));
        ASSERT_TRUE(store->save_completed(saved.back()));
    }
    ASSERT_TRUE(fs::exists(dir.path() / "kiosk.db-wal"));
    EXPECT_GT(fs::file_size(dir.path() / "kiosk.db-wal"), 0u);  // the responses are still in the WAL: it is read too
    EXPECT_FALSE(holds_answers(every_file())) << "an answer reached the disk in clear while the store was open";

    // What is stored is the sealed response, and the key opens it to the very answers given.
    std::vector<StoredResponse> rows;
    ASSERT_TRUE(store->for_each_response("sealed_demo", [&](const StoredResponse& r) { rows.push_back(r); }));
    ASSERT_EQ(rows.size(), saved.size());
    const std::vector<seal::KeyPair> keys{key};
    for (std::size_t i = 0; i < rows.size(); ++i) {
        EXPECT_EQ(rows[i].encoding, seal::k_encoding);
        auto open = seal::open_payload(nlohmann::json::parse(*rows[i].payload), keys);
        ASSERT_TRUE(open) << open.error().message;
        EXPECT_EQ(*open, core::response_to_json(saved[i]));
    }
    auto check = store->check();
    ASSERT_TRUE(check);
    EXPECT_TRUE(check->ok);
    store = std::unexpected(StoreError{});  // closed: the WAL is checkpointed into the main file
    EXPECT_FALSE(holds_answers(every_file())) << "an answer reached the disk in clear after closing";
}

// The control that shows the search above can fail: the same walks without a key leave the answers on disk.
TEST_F(SealedStoreTest, OpenSurveyAnswersAreFoundByTheSameSearch) {
    auto s = survey(false);
    auto store = ResponseStore::open(dir.path() / "kiosk.db", clock);
    ASSERT_TRUE(store);
    for (int i = 0; i < 4; ++i) ASSERT_TRUE(store->save_completed(walk(s, i)));
    EXPECT_TRUE(holds_answers(every_file()));
}

TEST_F(SealedStoreTest, SavingTheSameSealedResponseTwiceIsANoOpAndAnotherIsRefused) {
    auto s = survey(true);
    auto store = ResponseStore::open(dir.path() / "kiosk.db", clock);
    ASSERT_TRUE(store);
    auto r = walk(s, 1);
    ASSERT_TRUE(store->save_completed(r));
    ASSERT_TRUE(store->save_completed(r)) << "a double tap must not fail (sealing again gives other bytes)";
    auto other = r;
    other.completed_at += 1s;
    auto refused = store->save_completed(other);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, StoreError::Kind::Constraint);
    EXPECT_EQ(store->outbox_counts()->queued, 1);
}

TEST_F(SealedStoreTest, OutboxOffersTheSealedPayload) {
    auto s = survey(true);
    auto store = ResponseStore::open(dir.path() / "kiosk.db", clock);
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->save_completed(walk(s, 0)));
    auto batch = store->next_batch({});
    ASSERT_TRUE(batch);
    ASSERT_EQ(batch->size(), 1u);
    EXPECT_EQ((*batch)[0].encoding, seal::k_encoding);
    EXPECT_FALSE(holds_answers((*batch)[0].payload));
}

}  // namespace
}  // namespace fieldkiosk::storage
