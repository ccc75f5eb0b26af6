// sync/protocol: the JSON codec of protocol v1 and the capped gzip helpers.
#include "sync/protocol/gzip.hpp"
#include "sync/protocol/wire.hpp"

#include <gtest/gtest.h>

namespace fieldkiosk::sync::protocol {
namespace {

TEST(Wire, BatchRoundTrips) {
    Batch b;
    b.kiosk_id = "k-1";
    b.batch_id = "b-1";
    b.responses.push_back(WireItem{"id-1", "food", "1.0", "json", nlohmann::json{{"id", "id-1"}, {"answers", {{"q", 1}}}}});
    auto d = decode_batch(encode(b));
    ASSERT_TRUE(d) << d.error().message;
    EXPECT_EQ(d->protocol, 1);
    EXPECT_EQ(d->kiosk_id, "k-1");
    ASSERT_EQ(d->responses.size(), 1u);
    EXPECT_EQ(d->responses[0].survey_version, "1.0");
    EXPECT_EQ(canonical(d->responses[0].payload), canonical(b.responses[0].payload));
}

TEST(Wire, CanonicalPayloadIgnoresKeyOrderAndSpacing) {
    auto a = nlohmann::json::parse(R"({"b":1,"a":[1,2]})");
    auto b = nlohmann::json::parse("{ \"a\" : [1, 2],\n \"b\" : 1 }");
    EXPECT_EQ(canonical(a), canonical(b));
}

TEST(Wire, MalformedBatchesSayWhatIsWrong) {
    EXPECT_FALSE(decode_batch("not json"));
    EXPECT_FALSE(decode_batch("[]"));
    EXPECT_NE(decode_batch(R"({"kiosk_id":"k","batch_id":"b","responses":[]})").error().message.find("protocol"),
              std::string::npos);
    auto e = decode_batch(R"({"protocol":1,"kiosk_id":"k","batch_id":"b","responses":[{"id":"x","survey":"s"}]})");
    ASSERT_FALSE(e);
    EXPECT_NE(e.error().message.find("responses[0]"), std::string::npos) << e.error().message;
    EXPECT_FALSE(decode_batch(R"({"protocol":1,"kiosk_id":"k","batch_id":"b","responses":{}})"));
}

TEST(Wire, AnswerRoundTripsAndSkipsUnknownStatus) {
    BatchAnswer a;
    a.batch_id = "b";
    a.results = {{"1", ItemStatus::Accepted, ""},
                 {"2", ItemStatus::Duplicate, ""},
                 {"3", ItemStatus::Conflict, "why"},
                 {"4", ItemStatus::Rejected, "unknown survey"}};
    auto d = decode_batch_answer(encode(a));
    ASSERT_TRUE(d);
    ASSERT_EQ(d->results.size(), 4u);
    EXPECT_EQ(d->results[3].status, ItemStatus::Rejected);
    EXPECT_EQ(d->results[3].reason, "unknown survey");
    // A status added after this client is read as "not answered" (the item stays queued), not as a bad answer.
    auto later = decode_batch_answer(
        R"({"protocol":1,"batch_id":"b","results":[{"id":"1","status":"maybe"},{"id":"2","status":"accepted"}]})");
    ASSERT_TRUE(later);
    ASSERT_EQ(later->results.size(), 1u);
    EXPECT_EQ(later->results[0].id, "2");
}

TEST(Wire, RetryLaterRoundTrips) {
    BatchAnswer a;
    a.batch_id = "b";
    a.results = {{"1", ItemStatus::RetryLater, "unknown_survey_version: unknown survey 'new'"}};
    const std::string text = encode(a);
    EXPECT_NE(text.find(R"("status":"retry_later")"), std::string::npos) << text;
    auto d = decode_batch_answer(text);
    ASSERT_TRUE(d);
    ASSERT_EQ(d->results.size(), 1u);
    EXPECT_EQ(d->results[0].status, ItemStatus::RetryLater);
    EXPECT_TRUE(d->results[0].reason.starts_with(k_reason_unknown_survey_version));
}

TEST(Wire, ABatchErrorNamesTheResponseAtFault) {
    auto bad = decode_batch(R"({"protocol":1,"kiosk_id":"k","batch_id":"b","responses":[)"
                            R"({"id":"1","survey":"s","survey_version":"1","encoding":"json","payload":{}},)"
                            R"({"id":"2","survey":"s","encoding":"json","payload":{}}]})");
    ASSERT_FALSE(bad);
    ASSERT_TRUE(bad.error().item);
    EXPECT_EQ(*bad.error().item, 1u);
    EXPECT_FALSE(decode_batch(R"({"protocol":1,"kiosk_id":"k","responses":[]})").error().item);  // the envelope: no item
    auto e = decode_error(encode(ErrorBody{"malformed", "responses[1]: ...", 1}));
    ASSERT_TRUE(e);
    ASSERT_TRUE(e->item);
    EXPECT_EQ(*e->item, 1u);
    auto whole = decode_error(encode(ErrorBody{"unsupported_protocol", "no", std::nullopt}));
    ASSERT_TRUE(whole);
    EXPECT_FALSE(whole->item);
    EXPECT_EQ(whole->error, "unsupported_protocol");
}

TEST(Wire, LimitsAreReadFromHealthOrLimits) {
    Limits l;
    l.max_items = 7;
    auto direct = decode_limits(to_json(l).dump());
    ASSERT_TRUE(direct);
    EXPECT_EQ(direct->max_items, 7u);
    auto nested = decode_limits(nlohmann::json{{"status", "ok"}, {"limits", to_json(l)}}.dump());
    ASSERT_TRUE(nested);
    EXPECT_EQ(nested->max_items, 7u);
}

TEST(Gzip, RoundTrips) {
    std::string text;
    for (int i = 0; i < 1000; ++i) text += "{\"answer\":" + std::to_string(i) + "}";
    auto z = gzip_compress(text);
    EXPECT_LT(z.size(), text.size() / 4);
    auto back = gzip_decompress(z, text.size());
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, text);
}

TEST(Gzip, BombStopsAtTheCap) {
    const std::string zeros(64u << 20, '\0');  // 64 MiB of zeros: ~64 KB gzipped
    const auto bomb = gzip_compress(zeros, 9);
    EXPECT_LT(bomb.size(), 200'000u);
    auto r = gzip_decompress(bomb, 1u << 20);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, GzipError::Kind::TooLarge);
}

TEST(Gzip, CorruptAndTruncatedInputFails) {
    auto z = gzip_compress(std::string(10'000, 'x'));
    EXPECT_EQ(gzip_decompress("definitely not gzip", 1000).error().kind, GzipError::Kind::Corrupt);
    EXPECT_EQ(gzip_decompress(z.substr(0, z.size() / 2), 1u << 20).error().kind, GzipError::Kind::Corrupt);
}

}  // namespace
}  // namespace fieldkiosk::sync::protocol
