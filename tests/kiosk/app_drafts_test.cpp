// The kiosk's App in assisted mode (kiosk/app/app_drafts.cpp): interviews kept as drafts, the worker's PIN
// to open them, their maximum age, resuming and discarding. A fake clock; no ImGui, no SDL.
#include "tests/kiosk/app_steps.hpp"

using namespace fieldkiosk;
using namespace fieldkiosk::kiosk;
using namespace fieldkiosk::testing;  // KioskFixture (kiosk_fixture.hpp), start, idle_out (app_steps.hpp)
using std::chrono::seconds;

namespace {

// Assisted mode with the worker's (staff) PIN set: what every test here starts from.
KioskConfig assisted() {
    KioskConfig c;
    c.mode = core::Mode::Assisted;
    c.pin_hash = test_pin_hash();
    return c;
}

}  // namespace

TEST(KioskApp, IdleTimeoutInAssistedModeKeepsADraftThatCanBeResumed) {
    KioskConfig c = assisted();
    c.worker = "Amina";
    c.site = "Kentish Town library";
    KioskFixture f(c);
    start(f, "safety");
    for (int i = 0; i < 3; ++i) answer_and_next(f);
    const std::string id = f.app.session()->id();
    const auto answers = f.app.session()->snapshot()["answers"];
    const std::string at = f.app.session()->current().name;
    idle_out(f);
    EXPECT_EQ(f.app.screen(), Screen::Attract);
    EXPECT_EQ(f.app.session(), nullptr);
    EXPECT_EQ(f.dropoffs("safety", at), 0);
    EXPECT_EQ(f.app.view().drafts_count, 1u);
    open_drafts(f);
    const auto v = f.app.view();
    ASSERT_EQ(v.drafts.items.size(), 1u);
    EXPECT_EQ(v.drafts.items[0].worker, "Amina");
    f.app.apply(act::ResumeDraft{id});
    ASSERT_EQ(f.app.screen(), Screen::Question);
    EXPECT_EQ(f.app.session()->id(), id);
    EXPECT_EQ(f.app.session()->snapshot()["answers"], answers);
    EXPECT_EQ(f.app.session()->current().name, at);
    // Finishing it saves the response (with the worker and site) and removes the draft.
    while (f.app.screen() == Screen::Question) answer_and_next(f);
    EXPECT_EQ(f.app.screen(), Screen::Thanks);
    const auto saved = f.saved();
    ASSERT_EQ(saved.size(), 1u);
    EXPECT_EQ(saved[0]["id"], id);
    EXPECT_EQ(saved[0]["mode"], "assisted");
    EXPECT_EQ(saved[0]["worker"], "Amina");
    EXPECT_EQ(saved[0]["site"], "Kentish Town library");
    EXPECT_EQ(f.store_opened->list_drafts()->size(), 0u);
}

// Issue 16 item 8: the list of saved interviews holds other residents' answers; whoever holds the
// tablet must not open it without the worker's (staff) PIN, and the PIN pad keeps its lock-out.
TEST(KioskApp, SavedInterviewsOpenOnlyWithTheWorkersPinUnderTheSameLockOut) {
    KioskFixture f(assisted());
    start(f, "food");
    answer_and_next(f);
    idle_out(f);
    ASSERT_EQ(f.store_opened->list_drafts()->size(), 1u);
    f.app.apply(act::OpenDrafts{});
    ASSERT_EQ(f.app.screen(), Screen::Admin) << "the saved interviews opened without a PIN";
    auto v = f.app.view();
    EXPECT_TRUE(v.admin.for_drafts);
    EXPECT_FALSE(v.admin.unlocked);
    EXPECT_TRUE(v.drafts.items.empty());
    for (int i = 0; i < 3; ++i) enter_pin(f, "1111");
    EXPECT_EQ(f.app.view().admin.locked_seconds, 30);
    enter_pin(f);  // refused while locked, even when right
    EXPECT_EQ(f.app.screen(), Screen::Admin);
    f.clock.advance(seconds{30});
    f.app.tick();
    f.app.apply(act::StillHere{});
    enter_pin(f);
    ASSERT_EQ(f.app.screen(), Screen::Drafts);
    EXPECT_EQ(f.app.view().drafts.items.size(), 1u);
    EXPECT_FALSE(f.app.view().admin.unlocked);  // the PIN opened the list, not the staff panel
    // Each visit asks again; Close on the PIN pad goes back to the attract screen.
    f.app.apply(act::CloseDrafts{});
    ASSERT_EQ(f.app.screen(), Screen::Attract);
    f.clock.advance(seconds{1});
    f.app.apply(act::OpenDrafts{});
    ASSERT_EQ(f.app.screen(), Screen::Admin);
    f.app.apply(act::AdminClose{});
    EXPECT_EQ(f.app.screen(), Screen::Attract);
    // The staff corner still opens the panel, not the list.
    ASSERT_TRUE(f.app.go_to("admin"));
    for (int i = 0; i < 12; ++i) f.app.apply(act::PinBackspace{});
    enter_pin(f);
    EXPECT_EQ(f.app.screen(), Screen::Admin);
    EXPECT_TRUE(f.app.view().admin.unlocked);
}

// Issue 16 item 8: a draft not resumed within [assisted] draft_max_age_hours is deleted, at start-up
// (a tablet switched off for a week) and while the kiosk runs; by the injected clock.
TEST(KioskApp, ADraftOlderThanItsMaximumAgeIsDeletedAtStartAndWhileRunning) {
    KioskConfig c = assisted();
    c.draft_max_age = std::chrono::hours{72};
    KioskFixture f(c);
    start(f, "food");
    answer_and_next(f);
    idle_out(f);
    ASSERT_EQ(f.store_opened->list_drafts()->size(), 1u);
    f.clock.advance(std::chrono::hours{73});
    {
        App restarted(c, fieldkiosk::testing::shipped_surveys(), f.store, fieldkiosk::testing::shipped_strings(), f.clock, f.rng);
        EXPECT_EQ(f.store_opened->list_drafts()->size(), 0u) << "an old draft survived a restart";
        EXPECT_EQ(restarted.view().drafts_count, 0u);
    }
    start(f, "food");
    answer_and_next(f);
    idle_out(f);
    EXPECT_EQ(f.app.view().drafts_count, 1u);
    f.clock.advance(std::chrono::hours{71});
    f.app.tick();
    EXPECT_EQ(f.store_opened->list_drafts()->size(), 1u) << "a draft younger than the limit was deleted";
    f.clock.advance(std::chrono::hours{2});
    f.app.tick();
    EXPECT_EQ(f.store_opened->list_drafts()->size(), 0u);
    EXPECT_EQ(f.app.view().drafts_count, 0u);
}

// Issue 16, minor: the saved interviews showed "2026-12-03T20:41:50.677Z"; they say when in local time and
// words, and where each interview stopped.
TEST(KioskApp, SavedInterviewsSayWhenInWordsAndWhereTheyStopped) {
    KioskFixture f(assisted());  // the fake clock starts on Friday 15 January 2027, 08:00 UTC
    const FixedOffsetZone utc;
    f.app.set_time_zone(utc);
    start(f, "food");
    answer_and_next(f);
    const std::string stopped = f.app.view().question.label;
    idle_out(f);  // saved at 08:01:20
    open_drafts(f);
    auto items = f.app.view().drafts.items;
    ASSERT_EQ(items.size(), 1u);
    EXPECT_EQ(items[0].saved_at, "Saved today at 08:01");
    EXPECT_EQ(items[0].stopped_at, "Stopped at: " + stopped);
    f.app.apply(act::CloseDrafts{});
    f.clock.advance(std::chrono::hours{20});  // 04:01 on Saturday
    open_drafts(f);
    EXPECT_EQ(f.app.view().drafts.items.at(0).saved_at, "Saved yesterday at 08:01");
    f.app.apply(act::CloseDrafts{});
    f.clock.advance(std::chrono::hours{24});
    open_drafts(f);
    EXPECT_EQ(f.app.view().drafts.items.at(0).saved_at, "Saved on Friday 15 January at 08:01");
    f.app.apply(act::CloseDrafts{});
    // In the interview's language too (the list follows the kiosk's language).
    f.app.apply(act::OpenLanguage{});
    f.app.apply(act::ChooseLanguage{"es"});
    open_drafts(f);
    EXPECT_EQ(f.app.view().drafts.items.at(0).saved_at.rfind("Guardada el ", 0), 0u) << f.app.view().drafts.items.at(0).saved_at;
}

TEST(KioskApp, DraftsCanBeDiscarded) {
    KioskFixture f(assisted());
    start(f, "food");
    answer_and_next(f);
    idle_out(f);
    open_drafts(f);
    const auto id = f.app.view().drafts.items.at(0).id;
    f.app.apply(act::DiscardDraft{id});  // asks first: nothing is deleted yet
    EXPECT_EQ(f.app.view().drafts.confirm_discard, id);
    EXPECT_EQ(f.app.view().drafts.confirm_discard_title, f.app.view().drafts.items.at(0).survey_title);
    EXPECT_EQ(f.store_opened->list_drafts()->size(), 1u);
    f.app.apply(act::ResumeDraft{id});  // nothing else acts while the question is up
    f.app.apply(act::CloseDrafts{});
    EXPECT_EQ(f.app.screen(), Screen::Drafts);
    f.app.apply(act::DiscardDraftConfirm{false});
    EXPECT_TRUE(f.app.view().drafts.confirm_discard.empty());
    EXPECT_EQ(f.app.view().drafts.items.size(), 1u);
    f.app.apply(act::DiscardDraft{id});
    f.app.apply(act::DiscardDraftConfirm{true});
    EXPECT_TRUE(f.app.view().drafts.items.empty());
    EXPECT_EQ(f.store_opened->list_drafts()->size(), 0u);
    f.app.apply(act::CloseDrafts{});
    EXPECT_EQ(f.app.screen(), Screen::Attract);
}

// An interview kept (before closing notes existed) on safety's closing note has nothing left to answer:
// resuming it saves it at once and shows the note, and its draft goes.
TEST(KioskApp, ResumingADraftKeptOnAClosingNoteSavesIt) {
    KioskFixture f(assisted());
    core::SurveyPtr safety;
    for (const auto& s : f.app.surveys())
        if (s->id == "safety") safety = s;
    ASSERT_NE(safety, nullptr);
    core::Session walk(safety, {.language = "en", .mode = core::Mode::Assisted}, f.clock, f.rng);
    for (int i = 0; i < 80 && walk.current().name != "safety_signpost"; ++i) {
        if (walk.current().is_select()) (void)walk.toggle_choice(walk.current().choices.front().value);
        ASSERT_TRUE(walk.next().has_value()) << walk.current().name;
    }
    storage::Draft d;
    d.info.id = walk.id();
    d.info.survey_id = "safety";
    d.state = walk.snapshot().dump();
    ASSERT_TRUE(f.store_opened->save_draft(d).has_value());
    open_drafts(f);
    f.app.apply(act::ResumeDraft{walk.id()});
    EXPECT_EQ(f.app.screen(), Screen::Question);
    EXPECT_TRUE(f.app.view().question.closing);
    EXPECT_EQ(f.app.view().question.name, "safety_signpost");
    ASSERT_EQ(f.saved().size(), 1u);
    EXPECT_EQ(f.saved()[0]["id"], walk.id());
    EXPECT_EQ(f.store_opened->list_drafts()->size(), 0u);
}

TEST(KioskApp, AResumedDraftIsKeptUntilItsResponseIsDurable) {
    KioskFixture f(assisted());
    start(f, "safety");
    answer_and_next(f);
    const std::string id = f.app.session()->id();
    idle_out(f);
    ASSERT_EQ(f.store_opened->list_drafts()->size(), 1u);
    open_drafts(f);
    f.app.apply(act::ResumeDraft{id});
    f.store.fail_saves = 1;
    while (f.app.screen() == Screen::Question) answer_and_next(f);
    ASSERT_EQ(f.app.screen(), Screen::SaveFailed);
    EXPECT_EQ(f.store_opened->list_drafts()->size(), 1u);  // the only copy on disk stays
    f.app.apply(act::RetrySave{});
    EXPECT_TRUE(f.app.view().question.closing);  // safety's closing note, after the save
    EXPECT_EQ(f.store_opened->list_drafts()->size(), 0u);
    EXPECT_EQ(f.saved().size(), 1u);
}
