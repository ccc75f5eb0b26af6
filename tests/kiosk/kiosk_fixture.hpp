// Shared by the kiosk tests: the shipped surveys, the shipped UI strings, a real ResponseStore in a temp
// dir, and a StorePort that can be told to fail saves (a full disk) while forwarding everything else.
#pragma once

#include "core/loader.hpp"
#include "kiosk/app/app.hpp"
#include "kiosk/settings/pin.hpp"
#include "tests/support/fake_clock.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <optional>

namespace fieldkiosk::testing {

// What the admin panel says with no SyncPort: not configured, or (FIELDKIOSK_BUILD_SYNC=OFF) not built in.
#if FIELDKIOSK_KIOSK_WITH_SYNC
constexpr std::string_view k_sync_off = "Sync is not set up";
#else
constexpr std::string_view k_sync_off = "Sync is not built into this kiosk";
#endif

inline std::vector<core::SurveyPtr> shipped_surveys() {
    const std::filesystem::path paths[] = {FIELDKIOSK_SURVEY_DEFS_DIR};
    auto catalog = core::load_paths(paths);
    EXPECT_TRUE(catalog.diagnostics.empty());
    return catalog.surveys;
}

// tests/kiosk/data/widgets_demo.json: a text question (required, max 40), an integer with a constraint, a
// decimal and both faces appearances.
inline core::SurveyPtr widgets_demo() {
    auto r = core::load_survey_file(std::filesystem::path(FIELDKIOSK_SURVEY_DEFS_DIR).parent_path() /
                                    "tests/kiosk/data/widgets_demo.json");
    EXPECT_TRUE(r.ok()) << (r.diagnostics.empty() ? "" : r.diagnostics.front().to_string());
    return r.survey;
}

inline const kiosk::Strings& shipped_strings() {
    static const kiosk::Strings s = [] {
        std::vector<std::string> errors;
        auto out = kiosk::Strings::load(std::filesystem::path(FIELDKIOSK_SOURCE_ASSETS_DIR) / "strings", errors);
        EXPECT_TRUE(errors.empty()) << errors.front();
        return out;
    }();
    return s;
}

class FlakyStore final : public kiosk::StorePort {
public:
    explicit FlakyStore(storage::ResponseStore& s) : m_real(s) {}
    int fail_saves = 0;  // the next N save_completed() calls fail as a full disk would
    int saves_attempted = 0;
    storage::Result<void> save_completed(const core::Response& r) override {
        ++saves_attempted;
        if (fail_saves > 0) {
            --fail_saves;
            return std::unexpected(storage::StoreError{storage::StoreError::Kind::Full, "database or disk is full"});
        }
        return m_real.save_completed(r);
    }
    storage::Result<void> record_dropoff(const storage::DropoffAt& d) override { return m_real.record_dropoff(d); }
    storage::Result<storage::Stats> stats() override { return m_real.stats(); }
    storage::Result<void> save_draft(const storage::Draft& d) override { return m_real.save_draft(d); }
    storage::Result<std::vector<storage::DraftInfo>> list_drafts() override { return m_real.list_drafts(); }
    storage::Result<std::optional<storage::Draft>> load_draft(std::string_view id) override { return m_real.load_draft(id); }
    storage::Result<void> discard_draft(std::string_view id) override { return m_real.discard_draft(id); }
    storage::Result<std::optional<std::string>> setting(std::string_view key) override { return m_real.setting(key); }
    storage::Result<void> set_setting(std::string_view key, std::string_view value) override {
        return m_real.set_setting(key, value);
    }

private:
    kiosk::ResponseStorePort m_real;
};

// A kiosk on a fresh database with the shipped surveys and a fake clock.
struct KioskFixture {
    explicit KioskFixture(kiosk::KioskConfig config = {}, std::vector<core::SurveyPtr> surveys = shipped_surveys())
        : store_opened(storage::ResponseStore::open(dir.path() / "kiosk.db", clock)),
          store(*store_opened),
          app(std::move(config), std::move(surveys), store, shipped_strings(), clock, rng, log) {}

    TempDir dir;
    FakeClock clock;
    core::SeededRng rng{42};
    storage::Result<storage::ResponseStore> store_opened;
    FlakyStore store;
    kiosk::MemoryLogSink log;  // what the App logged (the kiosk's journal)
    kiosk::App app;

    // Every stored response's payload, parsed.
    std::vector<nlohmann::json> saved() {
        std::vector<nlohmann::json> out;
        auto r = store_opened->for_each_response(
            "", [&](const storage::StoredResponse& s) { out.push_back(nlohmann::json::parse(s.payload.value_or("null"))); });
        EXPECT_TRUE(r.has_value());
        return out;
    }
    std::int64_t dropoffs(std::string_view survey, std::string_view question) {
        auto st = store_opened->stats();
        EXPECT_TRUE(st.has_value());
        for (const auto& d : st->dropoffs)
            if (d.survey_id == survey && d.last_question == question) return d.count;
        return 0;
    }
};

// The staff PIN of the tests' kiosks, hashed once (Argon2id is slow on purpose).
constexpr std::string_view k_test_pin = "2468";
inline const std::string& test_pin_hash() {
    static const std::string hash = [] {
        auto h = kiosk::hash_pin(k_test_pin);
        EXPECT_TRUE(h.has_value());
        return h.value_or(std::string{});
    }();
    return hash;
}

// Clears the PIN pad, types `pin` and presses OK.
inline void enter_pin(KioskFixture& f, std::string_view pin = k_test_pin) {
    for (int i = 0; i < 12; ++i) f.app.apply(kiosk::act::PinBackspace{});
    for (char d : pin) f.app.apply(kiosk::act::PinDigit{d});
    f.app.apply(kiosk::act::PinSubmit{});
}

// Assisted mode: "Saved interviews" on the attract screen, then the worker's PIN.
inline void open_drafts(KioskFixture& f) {
    f.app.apply(kiosk::act::OpenDrafts{});
    ASSERT_EQ(f.app.screen(), kiosk::Screen::Admin);
    enter_pin(f);
    ASSERT_EQ(f.app.screen(), kiosk::Screen::Drafts) << f.app.view().admin.message;
}

// Attract -> tile -> (language, when the app asks: English) -> consent -> Start: on the first question.
inline void start_walk(KioskFixture& f, const std::string& survey = "food") {
    f.app.apply(kiosk::act::OpenSurvey{survey});
    if (f.app.screen() == kiosk::Screen::Language) f.app.apply(kiosk::act::ChooseLanguage{"en"});
    ASSERT_EQ(f.app.screen(), kiosk::Screen::Consent);
    f.app.apply(kiosk::act::ConsentStart{});
    ASSERT_EQ(f.app.screen(), kiosk::Screen::Question);
}

// Answers the current question with its first ordinary choice (or 5 on a scale), without continuing.
inline void answer(KioskFixture& f) {
    const auto& q = f.app.session()->current();
    if (q.is_select()) {
        for (const auto& c : q.choices)
            if (!c.exclusive && !c.other) {
                f.app.apply(kiosk::act::TapChoice{c.value});
                break;
            }
    } else if (q.type == core::QuestionType::Scale) {
        f.app.apply(kiosk::act::SetScale{5});
    }
}

// The same, then Continue. On a closing note (the response already saved, no Session) it only continues.
inline void answer_and_next(KioskFixture& f) {
    if (f.app.session() != nullptr) answer(f);
    f.app.apply(kiosk::act::Next{});
}

}  // namespace fieldkiosk::testing
