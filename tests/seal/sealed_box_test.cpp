// seal/: sealing a response to a survey's key and opening it again; key files; what is refused.
#include "seal/sealed_box.hpp"

#include "core/base64.hpp"
#include "core/clock.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <fstream>

namespace fieldkiosk::seal {
namespace {

core::Response sample_response() {
    core::Response r;
    r.id = "5f0c6a0e-8d3b-4c1e-9a57-0b9e8f7a6d21";
    r.survey_id = "food";
    r.survey_version = "2027.1";
    r.language = "en";
    r.site = "Kentish Town Library";
    r.started_at = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));
    r.completed_at = r.started_at + std::chrono::seconds(95);
    r.answers.emplace_back("fies_worried", core::Answer::choice("often"));
    r.answers.emplace_back("comments", core::Answer::text("the bus is late"));
    return r;
}

KeyPair key(std::string id) {
    auto k = generate_key_pair(std::move(id));
    EXPECT_TRUE(k) << (k ? "" : k.error().message);
    return *k;
}

TEST(SealedBox, OpensToExactlyTheOpenPayload) {
    const KeyPair k = key("food-2027");
    const auto r = sample_response();
    auto env = seal_response(r, survey_setting(k));
    ASSERT_TRUE(env) << env.error().message;
    EXPECT_TRUE(is_sealed(*env));
    EXPECT_FALSE(env->contains("answers"));
    EXPECT_FALSE(env->contains("write_ins"));
    EXPECT_EQ(env->dump().find("the bus is late"), std::string::npos);
    EXPECT_EQ(check_envelope(*env), std::nullopt);
    const std::vector<KeyPair> keys{k};
    auto open = open_payload(*env, keys);
    ASSERT_TRUE(open) << open.error().message;
    EXPECT_EQ(*open, core::response_to_json(r));
}

TEST(SealedBox, APreparedSealMakesTheSameKindOfBoxAndIsUsedOnce) {
    const KeyPair k = key("k");
    const auto setting = survey_setting(k);
    auto prepared = prepare_seal(setting);
    ASSERT_TRUE(prepared) << prepared.error().message;
    const auto open = core::response_to_json(sample_response());
    auto env = seal_json(open, setting, &*prepared);
    ASSERT_TRUE(env) << env.error().message;
    const std::vector<KeyPair> keys{k};
    auto opened = open_payload(*env, keys);  // crypto_box_seal_open() opens it: the same format
    ASSERT_TRUE(opened) << opened.error().message;
    EXPECT_EQ(*opened, open);
    EXPECT_TRUE(prepared->to().key_id.empty());         // used up
    auto again = seal_json(open, setting, &*prepared);  // falls back to a full seal, never reuses the ephemeral key
    ASSERT_TRUE(again);
    EXPECT_NE(again->at("sealed").at("box").get<std::string>().substr(0, 43),
              env->at("sealed").at("box").get<std::string>().substr(0, 43));
    EXPECT_TRUE(open_payload(*again, keys));
    auto other = prepare_seal(survey_setting(key("other")));  // prepared for another key: not used
    ASSERT_TRUE(other);
    auto third = seal_json(open, setting, &*other);
    ASSERT_TRUE(third);
    EXPECT_TRUE(open_payload(*third, keys));
    EXPECT_EQ(other->to().key_id, "other");
}

TEST(SealedBox, SealingTwiceGivesDifferentBoxes) {
    const KeyPair k = key("k");
    auto a = seal_response(sample_response(), survey_setting(k)), b = seal_response(sample_response(), survey_setting(k));
    ASSERT_TRUE(a && b);
    EXPECT_NE((*a)["sealed"]["box"], (*b)["sealed"]["box"]);
}

TEST(SealedBox, AKeyOfAnotherIdSaysWhichKeyIsNeeded) {
    const KeyPair right = key("food-2027"), other = key("food-2026");
    auto env = seal_response(sample_response(), survey_setting(right));
    ASSERT_TRUE(env);
    const std::vector<KeyPair> keys{other};
    auto open = open_payload(*env, keys);
    ASSERT_FALSE(open);
    EXPECT_EQ(open.error().kind, SealError::Kind::NoKey);
    EXPECT_NE(open.error().message.find("sealed to key 'food-2027'"), std::string::npos) << open.error().message;
    EXPECT_NE(open.error().message.find("'food-2026'"), std::string::npos) << open.error().message;
}

TEST(SealedBox, AnotherKeyWithTheSameIdIsRefusedClearly) {
    const KeyPair right = key("food-2027"), impostor = key("food-2027");
    auto env = seal_response(sample_response(), survey_setting(right));
    ASSERT_TRUE(env);
    const std::vector<KeyPair> keys{impostor};
    auto open = open_payload(*env, keys);
    ASSERT_FALSE(open);
    EXPECT_EQ(open.error().kind, SealError::Kind::WrongKey);
    EXPECT_NE(open.error().message.find("does not open this response"), std::string::npos) << open.error().message;
}

TEST(SealedBox, OldKeysStillOpenOldResponsesAfterRotation) {
    const KeyPair old_key = key("food-2026"), new_key = key("food-2027");
    auto old_env = seal_response(sample_response(), survey_setting(old_key));
    auto new_env = seal_response(sample_response(), survey_setting(new_key));
    ASSERT_TRUE(old_env && new_env);
    const std::vector<KeyPair> both{new_key, old_key};
    EXPECT_TRUE(open_payload(*old_env, both));
    EXPECT_TRUE(open_payload(*new_env, both));
}

TEST(SealedBox, TruncatedBoxIsRefused) {
    const KeyPair k = key("k");
    auto env = seal_response(sample_response(), survey_setting(k));
    ASSERT_TRUE(env);
    auto bytes = *core::base64_decode((*env)["sealed"]["box"].get<std::string>());
    for (const std::size_t keep : {bytes.size() - 1, std::size_t{60}, std::size_t{48}, std::size_t{10}}) {
        std::vector<std::uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(keep));
        (*env)["sealed"]["box"] = core::base64_encode(cut);
        const std::vector<KeyPair> keys{k};
        auto open = open_payload(*env, keys);
        ASSERT_FALSE(open) << "kept " << keep << " bytes";
        EXPECT_TRUE(open.error().kind == SealError::Kind::Damaged || open.error().kind == SealError::Kind::WrongKey);
    }
    (*env)["sealed"]["box"] = "not base64!";
    const std::vector<KeyPair> keys{k};
    EXPECT_EQ(open_payload(*env, keys).error().kind, SealError::Kind::Damaged);
}

TEST(SealedBox, EveryAlteredByteIsRefused) {
    const KeyPair k = key("k");
    auto env = seal_response(sample_response(), survey_setting(k));
    ASSERT_TRUE(env);
    const auto bytes = *core::base64_decode((*env)["sealed"]["box"].get<std::string>());
    const std::vector<KeyPair> keys{k};
    for (std::size_t i = 0; i < bytes.size(); i += 7) {
        auto changed = bytes;
        changed[i] ^= 0x01;
        auto e = *env;
        e["sealed"]["box"] = core::base64_encode(changed);
        EXPECT_FALSE(open_payload(e, keys)) << "byte " << i;
    }
}

TEST(SealedBox, AlteredMetadataInClearIsRefused) {
    const KeyPair k = key("k");
    auto env = seal_response(sample_response(), survey_setting(k));
    ASSERT_TRUE(env);
    (*env)["completed_at"] = core::format_utc(sample_response().completed_at + std::chrono::hours(1));  // an hour later
    const std::vector<KeyPair> keys{k};
    auto open = open_payload(*env, keys);
    ASSERT_FALSE(open);
    EXPECT_EQ(open.error().kind, SealError::Kind::Damaged);
    EXPECT_NE(open.error().message.find("completed_at"), std::string::npos);
}

TEST(SealedBox, EnvelopeCheckRefusesAnswersInClearAndShortBoxes) {
    const KeyPair k = key("k");
    auto env = seal_response(sample_response(), survey_setting(k));
    ASSERT_TRUE(env);
    auto with_answers = *env;
    with_answers["answers"] = {{"fies_worried", "often"}};
    EXPECT_NE(check_envelope(with_answers), std::nullopt);
    auto short_box = *env;
    short_box["sealed"]["box"] = core::base64_encode(std::vector<std::uint8_t>(48, 1));
    EXPECT_NE(check_envelope(short_box), std::nullopt);
    EXPECT_NE(check_envelope(nlohmann::json{{"id", "x"}}), std::nullopt);
}

TEST(SealedBox, KeyFileIsPrivateNeverOverwrittenAndReadsBack) {
    testing::TempDir dir;
    const KeyPair k = key("food-2027");
    const auto path = dir.path() / "food.key";
    ASSERT_TRUE(write_key_file(path, k));
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    auto again = write_key_file(path, key("other"));
    ASSERT_FALSE(again);
    EXPECT_NE(again.error().message.find("never overwritten"), std::string::npos);
    auto read = read_key_file(path);
    ASSERT_TRUE(read) << read.error().message;
    EXPECT_EQ(read->key_id, "food-2027");
    EXPECT_EQ(read->public_key, k.public_key);
    EXPECT_EQ(read->secret_key, k.secret_key);
}

TEST(SealedBox, KeyFileThatOthersMayReadOrThatWasEditedIsRefused) {
    testing::TempDir dir;
    const KeyPair k = key("k");
    const auto path = dir.path() / "k.key";
    ASSERT_TRUE(write_key_file(path, k));
    ::chmod(path.c_str(), 0644);
    auto loose = read_key_file(path);
    ASSERT_FALSE(loose);
    EXPECT_NE(loose.error().message.find("chmod 600"), std::string::npos);
    ::chmod(path.c_str(), 0600);
    auto j = nlohmann::json::parse(std::ifstream(path));
    j["public_key"] = survey_setting(key("x")).public_key;
    std::ofstream(path, std::ios::trunc) << j.dump();
    auto edited = read_key_file(path);
    ASSERT_FALSE(edited);
    EXPECT_NE(edited.error().message.find("does not belong"), std::string::npos);
}

TEST(SealedBox, FingerprintIsFourGroupsAndFollowsTheKey) {
    const KeyPair a = key("a"), b = key("b");
    const std::string fa = fingerprint(a.public_key);
    EXPECT_EQ(fa.size(), 19u);
    EXPECT_EQ(fingerprint_of(survey_setting(a).public_key), fa);
    EXPECT_NE(fingerprint(b.public_key), fa);
    EXPECT_EQ(fingerprint_of("short"), std::nullopt);
}

TEST(SealedBox, DefaultKeyIdComesFromTheFingerprint) {
    const KeyPair k = key("");
    std::string fp = fingerprint(k.public_key);
    std::erase(fp, ' ');
    EXPECT_EQ(k.key_id, "key-" + fp.substr(0, 8));
    EXPECT_FALSE(generate_key_pair("has space"));
}

TEST(SealedBox, CsvCellRoundTrips) {
    const KeyPair k = key("food-2027");
    auto env = seal_response(sample_response(), survey_setting(k));
    ASSERT_TRUE(env);
    const auto parsed = parse_sealed_cell(sealed_cell(*env));
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->first, "food-2027");
    EXPECT_EQ(parsed->second, (*env)["sealed"]["box"]);
    EXPECT_EQ(parse_sealed_cell("{\"a\":1}"), std::nullopt);
}

}  // namespace
}  // namespace fieldkiosk::seal
