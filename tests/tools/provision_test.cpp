// fieldkiosk-ctl provision (tools/ctl/cmd_provision.cpp, tools/ctl/provision.*): the PIN rule's use, the TOML line
// editor, and the verb run in-process against the real fieldkiosk-server over loopback; what it writes is
// read back with the kiosk's own load_config(), read_token_file() and verify_pin().
#include "tools/ctl/provision.hpp"
#include "kiosk/settings/config.hpp"
#include "kiosk/settings/pin.hpp"
#include "tests/support/free_port.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/sync/loopback.hpp"
#include "tests/sync/self_signed.hpp"
#include "tests/tools/ctl_runner.hpp"
#include "tools/ctl/commands.hpp"

#include <gtest/gtest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

namespace fieldkiosk::tools {
namespace {

namespace fs = std::filesystem;

const fs::path k_example = fs::path(FIELDKIOSK_INSTALLER_DIR) / "fieldkiosk.toml";
constexpr const char* k_pin = "482916";

std::string read(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);) out.push_back(l);
    return out;
}

mode_t mode_of(const fs::path& p) {
    struct ::stat st {};
    EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
    return st.st_mode & 07777;
}

// A 127.0.0.1 port where nothing listens (bound, then closed).
int closed_port() { return fieldkiosk::testing::unused_loopback_port(); }

using fieldkiosk::testing::ctl;
using fieldkiosk::testing::Run;

// ---- TOML line editor -------------------------------------------------------------------------------------

TEST(ProvisionTomlEdit, ReplacesValuesInPlaceKeepingEveryOtherLineAndTheCommentColumn) {
    const std::string before = read(k_example);
    auto after = edit_toml(before, {{"kiosk", "site", toml_string("Kentish Town Library")},
                                    {"sync", "server_url", toml_string("https://surveys.camden.gov.uk")}});
    ASSERT_TRUE(after.has_value()) << after.error();
    const auto a = lines_of(before), b = lines_of(*after);
    ASSERT_EQ(a.size(), b.size());
    int changed = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (a[i] == b[i]) continue;
        ++changed;
        if (a[i].starts_with("site ")) {
            EXPECT_TRUE(b[i].starts_with("site = \"Kentish Town Library\" ")) << b[i];
            EXPECT_EQ(b[i].find('#'), a[i].find('#')) << "the comment moved:\n" << a[i] << "\n" << b[i];
        } else {
            EXPECT_TRUE(a[i].starts_with("server_url ")) << a[i];
            EXPECT_NE(b[i].find("\"https://surveys.camden.gov.uk\" # e.g."), std::string::npos) << b[i];
        }
    }
    EXPECT_EQ(changed, 2);
}

TEST(ProvisionTomlEdit, AddsMissingKeysAfterTheSectionsLastKeyAndMissingSectionsAtTheEnd) {
    const std::string before =
        "# operator's notes\n[kiosk]\nworker = \"Sam\"   # who\n\n# timing below\n[timing]\nidle_timeout_seconds = 90\n";
    auto after = edit_toml(before, {{"kiosk", "site", toml_string("Hall")}, {"admin", "pin_hash", toml_string("$argon2id$x")}});
    ASSERT_TRUE(after.has_value()) << after.error();
    EXPECT_EQ(*after,
              "# operator's notes\n[kiosk]\nworker = \"Sam\"   # who\nsite = \"Hall\"\n\n# timing below\n[timing]\n"
              "idle_timeout_seconds = 90\n\n[admin]\npin_hash = \"$argon2id$x\"\n");
}

TEST(ProvisionTomlEdit, KeepsWindowsLineEndsAndAFileWithoutAFinalNewline) {
    auto crlf = edit_toml("[kiosk]\r\nsite = \"a\"\r\n", {{"kiosk", "site", "\"b\""}, {"kiosk", "mode", "\"kiosk\""}});
    ASSERT_TRUE(crlf.has_value());
    EXPECT_EQ(*crlf, "[kiosk]\r\nsite = \"b\"\r\nmode = \"kiosk\"\r\n");
    auto no_nl = edit_toml("[sync]\nperiod_seconds = 60", {{"sync", "server_url", "\"u\""}});
    ASSERT_TRUE(no_nl.has_value());
    EXPECT_EQ(*no_nl, "[sync]\nperiod_seconds = 60\nserver_url = \"u\"\n");
}

TEST(ProvisionTomlEdit, SkipsMultiLineValuesOfOtherKeysWithoutMistakingThemForSections) {
    const std::string before =
        "[kiosk]\nenabled_surveys = [\n  \"food\",  # comment ]\n  \"safety\",\n]\nnote = '''\n[sync]\n'''\n";
    auto after = edit_toml(before, {{"sync", "server_url", "\"u\""}, {"kiosk", "site", "\"s\""}});
    ASSERT_TRUE(after.has_value()) << after.error();
    EXPECT_EQ(*after, before + "site = \"s\"\n\n[sync]\nserver_url = \"u\"\n");
}

TEST(ProvisionTomlEdit, RefusesWhatItCannotEditSafely) {
    auto twice = edit_toml("[kiosk]\nsite = \"a\"\nsite = \"b\"\n", {{"kiosk", "site", "\"c\""}});
    ASSERT_FALSE(twice.has_value());
    EXPECT_NE(twice.error().find("set twice (lines 2 and 3)"), std::string::npos) << twice.error();
    auto multi = edit_toml("[kiosk]\nsite = \"\"\"a\nb\"\"\"\n", {{"kiosk", "site", "\"c\""}});
    ASSERT_FALSE(multi.has_value());
    EXPECT_NE(multi.error().find("runs over several lines"), std::string::npos) << multi.error();
    auto open = edit_toml("[kiosk]\nsite = \"a\n", {{"kiosk", "site", "\"c\""}});
    ASSERT_FALSE(open.has_value());
    EXPECT_NE(open.error().find("line 2"), std::string::npos) << open.error();
}

TEST(ProvisionTomlEdit, StringsSurviveTheKiosksParser) {
    const std::string odd = "St Pancras \"Old\" Church \\ Café\ttab";
    auto after = edit_toml("", {{"kiosk", "site", toml_string(odd)}});
    ASSERT_TRUE(after.has_value());
    auto parsed = kiosk::parse_config(*after, "t.toml");
    EXPECT_TRUE(parsed.messages.empty()) << parsed.messages.front();
    EXPECT_EQ(parsed.config.site, odd);
}

// ---- the verb, against the real server ----------------------------------------------------------------------

class Provision : public ::testing::Test {
protected:
    Provision() : receiver("sqlite") {
        token_in = dir.write("given-token", receiver.kiosk_token + "\n");
        ::chmod(token_in.c_str(), 0600);
    }
    [[nodiscard]] std::vector<std::string> args(const std::string& url, std::vector<std::string> more = {}) const {
        std::vector<std::string> a = {"provision",
                                      "--server",
                                      url,
                                      "--site",
                                      "Kentish Town Library",
                                      "--config",
                                      config.string(),
                                      "--token-file",
                                      token.string(),
                                      "--token-file-in",
                                      token_in.string(),
                                      "--pin-stdin"};
        a.insert(a.end(), more.begin(), more.end());
        return a;
    }
    testing::TempDir dir;
    testing::Receiver receiver;
    fs::path config = dir.path() / "etc" / "fieldkiosk.toml";
    fs::path token = dir.path() / "etc" / "token";
    fs::path token_in;
};

TEST_F(Provision, FreshKioskGetsSettingsTheKioskAcceptsAndATokenFileOfMode0600) {
    auto r = ctl(args(receiver.url(), {"--mode", "assisted"}), std::string(k_pin) + "\n" + k_pin + "\n");
    ASSERT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("server reachable: " + receiver.url()), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("token accepted for kiosk 'kiosk-1'"), std::string::npos) << r.out;  // the token's name
    EXPECT_NE(r.out.find("wrote " + token.string() + " (mode 0600"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("provisioned"), std::string::npos) << r.out;
    EXPECT_EQ(r.err.find("error"), std::string::npos) << r.err;  // (as root without a fieldkiosk user: a warning)

    auto loaded = kiosk::load_config(config);
    EXPECT_TRUE(loaded.file_used);
    EXPECT_TRUE(loaded.messages.empty()) << loaded.messages.front();
    EXPECT_EQ(loaded.config.site, "Kentish Town Library");
    EXPECT_EQ(loaded.config.mode, core::Mode::Assisted);
    EXPECT_EQ(loaded.config.sync.server_url, receiver.url());
    EXPECT_EQ(loaded.config.sync.token_file, token.string());
    EXPECT_TRUE(kiosk::verify_pin(loaded.config.pin_hash, k_pin));
    EXPECT_FALSE(kiosk::verify_pin(loaded.config.pin_hash, "482917"));
    auto t = kiosk::read_token_file(loaded.config.sync.token_file);
    ASSERT_TRUE(t.has_value()) << t.error();
    EXPECT_EQ(*t, receiver.kiosk_token);
    EXPECT_EQ(mode_of(token), 0600u);
    EXPECT_EQ(mode_of(config), 0640u);
    EXPECT_FALSE(fs::exists(config.string() + ".bak"));                 // nothing to keep
    for (const auto& e : fs::directory_iterator(config.parent_path()))  // no temporary files left behind
        EXPECT_FALSE(e.path().filename().string().starts_with(".")) << e.path();
}

TEST_F(Provision, ReprovisioningKeepsTheOperatorsCommentsAndSettingsAndABackup) {
    fs::create_directories(config.parent_path());
    std::string operator_file = read(k_example);
    operator_file.replace(operator_file.find("idle_timeout_seconds = 60"), 25, "idle_timeout_seconds = 90");
    operator_file += "# Kentish Town: the caretaker has the spare key (set up by J. Okafor)\n";
    std::ofstream(config, std::ios::binary) << operator_file;
    auto r = ctl(args(receiver.url()), std::string(k_pin) + "\n");
    ASSERT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("kept the previous settings as " + config.string() + ".bak"), std::string::npos) << r.out;
    EXPECT_EQ(read(config.string() + ".bak"), operator_file);

    const auto a = lines_of(operator_file), b = lines_of(read(config));
    ASSERT_EQ(a.size(), b.size());  // every key already there: edited in place, nothing added
    for (std::size_t i = 0; i < a.size(); ++i) {
        const bool ours = a[i].starts_with("site ") || a[i].starts_with("server_url ") || a[i].starts_with("token_file ") ||
                          a[i].starts_with("pin_hash ");
        if (ours) {
            EXPECT_EQ(a[i].substr(a[i].find('#')), b[i].substr(b[i].find('#'))) << "comment of line " << i + 1;
        } else {
            EXPECT_EQ(a[i], b[i]) << "line " << i + 1;
        }
    }
    auto loaded = kiosk::load_config(config);
    EXPECT_EQ(loaded.config.idle_timeout, std::chrono::seconds(90));
    EXPECT_EQ(loaded.config.mode, core::Mode::Kiosk);  // --mode not given: left as it was
    EXPECT_EQ(loaded.config.site, "Kentish Town Library");

    // Again, keeping the PIN: the hash stays, the .bak is the file just written.
    const std::string first = read(config);
    auto again = ctl(args(receiver.url(), {"--keep-pin"}));
    // --keep-pin excludes --pin-stdin, which args() always passes: a usage error, nothing touched.
    EXPECT_EQ(again.code, 2) << again.err;
    EXPECT_EQ(read(config), first);
}

TEST_F(Provision, KeepPinLeavesTheHashAsItIs) {
    ASSERT_EQ(ctl(args(receiver.url()), std::string(k_pin) + "\n").code, 0);
    const auto hash = kiosk::load_config(config).config.pin_hash;
    auto a = args(receiver.url());
    a.pop_back();  // --pin-stdin
    a.push_back("--keep-pin");
    auto r = ctl(a);
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(kiosk::load_config(config).config.pin_hash, hash);
    EXPECT_EQ(r.out.find("pin_hash"), std::string::npos) << r.out;
}

TEST_F(Provision, RefusedTokenExitsFourAndWritesNothing) {
    fs::create_directories(config.parent_path());
    std::ofstream(config) << "[kiosk]\nsite = \"Old site\"  # as it was\n";
    const std::string before = read(config);
    std::ofstream(token_in) << "fk_not-a-token-the-server-knows\n";
    auto r = ctl(args(receiver.url()), std::string(k_pin) + "\n");
    EXPECT_EQ(r.code, 4) << r.out << r.err;
    EXPECT_NE(r.err.find("token refused by the server"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("Nothing was written"), std::string::npos) << r.err;
    EXPECT_EQ(read(config), before);
    EXPECT_FALSE(fs::exists(token));
    EXPECT_FALSE(fs::exists(config.string() + ".bak"));
}

TEST_F(Provision, RevokedTokenIsRefusedToo) {
    ASSERT_TRUE(receiver.storage->revoke_token("kiosk-1", receiver.now_utc()).has_value());
    auto r = ctl(args(receiver.url()), std::string(k_pin) + "\n");
    EXPECT_EQ(r.code, 4) << r.out << r.err;
}

TEST_F(Provision, UnreachableServerExitsThreeButTheKioskIsProvisioned) {
    const std::string url = "http://127.0.0.1:" + std::to_string(closed_port());
    auto r = ctl(args(url), std::string(k_pin) + "\n");
    EXPECT_EQ(r.code, 3) << r.out << r.err;
    EXPECT_NE(r.err.find("server not reachable"), std::string::npos) << r.err;
    EXPECT_EQ(kiosk::load_config(config).config.sync.server_url, url);
    EXPECT_TRUE(kiosk::read_token_file(token).has_value());

    auto skip = ctl(args(url, {"--no-check"}), std::string(k_pin) + "\n");  // --no-check: no contact, exit 0
    EXPECT_EQ(skip.code, 0) << skip.err;
    EXPECT_EQ(skip.out.find("server reachable"), std::string::npos) << skip.out;
    EXPECT_EQ(skip.err.find("server not reachable"), std::string::npos) << skip.err;
}

TEST_F(Provision, NotAFieldkioskServerExitsFive) {
    // The receiver's /metrics path as the "server": GET .../metrics/v1/health is a 404 with no health document.
    auto r = ctl(args(receiver.url() + "/metrics"), std::string(k_pin) + "\n");
    EXPECT_EQ(r.code, 5) << r.out << r.err;
    EXPECT_NE(r.err.find("not as a fieldkiosk server"), std::string::npos) << r.err;
}

// PIN strength has one rule, kiosk::pin_weakness (tests/kiosk/settings/pin_test.cpp, where `fieldkiosk
// --hash-pin` is held to it too): provision refuses exactly what it refuses, with its words.
TEST_F(Provision, RefusesEveryPinTheKiosksRuleRefuses) {
    for (const std::string pin : {"0000", "1234", "1212", "1984", "2580", "123", "12a4"}) {
        const auto weak = kiosk::pin_weakness(pin);
        ASSERT_TRUE(weak.has_value()) << pin;
        auto r = ctl(args(receiver.url()), pin + "\n");
        EXPECT_EQ(r.code, 2) << pin << ": " << r.out << r.err;
        EXPECT_NE(r.err.find(*weak), std::string::npos) << pin << ": " << r.err;
        EXPECT_FALSE(fs::exists(config)) << pin;
    }
    EXPECT_EQ(ctl(args(receiver.url()), std::string(k_pin) + "\n").code, 0);
}

TEST_F(Provision, UsageErrorsExitTwoAndWriteNothing) {
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
        {args(receiver.url()), "0000\n"},
        {args(receiver.url()), "1234\n"},
        {args(receiver.url()), std::string(k_pin) + "\n" + "482961\n"},   // the confirmation differs
        {args(receiver.url()), ""},                                       // no PIN at all
        {args("http://surveys.example.org"), std::string(k_pin) + "\n"},  // plain http to a real host
        {args("ftp://127.0.0.1"), std::string(k_pin) + "\n"},
        {args("https://"), std::string(k_pin) + "\n"},
        {args(receiver.url(), {"--mode", "kiosque"}), std::string(k_pin) + "\n"},
        {args(receiver.url(), {"--token", "x"}), std::string(k_pin) + "\n"},  // --token with --token-file-in
    };
    const std::vector<std::string> expected = {"one digit repeated",
                                               "consecutive digits",
                                               "differ",
                                               "standard input is empty",
                                               "refusing plain http://",
                                               "must be https://HOST",
                                               "must be https://HOST",
                                               "kiosque",
                                               "excludes"};
    for (std::size_t i = 0; i < cases.size(); ++i) {
        auto r = ctl(cases[i].first, cases[i].second);
        EXPECT_EQ(r.code, 2) << i << ": " << r.out << r.err;
        EXPECT_NE(r.err.find(expected[i]), std::string::npos) << i << ": " << r.err;
    }
    // Without --pin-stdin, and no terminal to ask on.
    auto a = args(receiver.url());
    a.pop_back();
    auto r = ctl(a, std::string(k_pin) + "\n");
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("not a terminal"), std::string::npos) << r.err;
    // --keep-pin with no PIN to keep.
    a.push_back("--keep-pin");
    r = ctl(a);
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("no [admin] pin_hash to keep"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(config.parent_path()));
}

TEST_F(Provision, TokenFromTheEnvironmentOrTheCommandLineWithAWarning) {
    auto a = args(receiver.url());
    a.erase(a.begin() + 9, a.begin() + 11);  // --token-file-in FILE
    ::setenv("FIELDKIOSK_TOKEN", receiver.kiosk_token.c_str(), 1);
    auto env = ctl(a, std::string(k_pin) + "\n");
    ::unsetenv("FIELDKIOSK_TOKEN");
    EXPECT_EQ(env.code, 0) << env.err;
    EXPECT_EQ(env.err.find("--token"), std::string::npos) << env.err;

    a.insert(a.end(), {"--token", receiver.kiosk_token});
    auto flag = ctl(a, std::string(k_pin) + "\n");
    EXPECT_EQ(flag.code, 0) << flag.err;
    EXPECT_NE(flag.err.find("warning: a token given with --token is visible"), std::string::npos) << flag.err;

    a.resize(a.size() - 2);
    auto none = ctl(a, std::string(k_pin) + "\n");
    EXPECT_EQ(none.code, 2);
    EXPECT_NE(none.err.find("no token"), std::string::npos) << none.err;
}

// The exit statuses of --help and of docs/kiosk_config.md / docs/operations.md: a token file that cannot be
// read is 1 (a file could not be read), an empty one is a missing token (2); nothing is written either way.
TEST_F(Provision, AnUnreadableTokenFileExitsOneAnEmptyOneTwo) {
    auto a = args(receiver.url());
    a[10] = (dir.path() / "no-such-token").string();  // --token-file-in FILE
    auto missing = ctl(a, std::string(k_pin) + "\n");
    EXPECT_EQ(missing.code, 1) << missing.err;
    EXPECT_NE(missing.err.find("cannot read " + a[10]), std::string::npos) << missing.err;
    EXPECT_FALSE(fs::exists(config.parent_path()));

    a[10] = dir.write("empty-token", "\n").string();
    auto empty = ctl(a, std::string(k_pin) + "\n");
    EXPECT_EQ(empty.code, 2) << empty.err;
    EXPECT_NE(empty.err.find("is empty"), std::string::npos) << empty.err;
    EXPECT_FALSE(fs::exists(config.parent_path()));
}

TEST_F(Provision, DryRunPrintsWhatItWouldWriteWithSecretsMaskedAndWritesNothing) {
    auto r = ctl(args(receiver.url(), {"--dry-run"}), std::string(k_pin) + "\n");
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("would write " + token.string() + " (mode 0600"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("site = \"Kentish Town Library\""), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("pin_hash = \"$arg"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("token accepted"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("dry run: nothing written"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find(receiver.kiosk_token), std::string::npos) << "the token was printed";
    EXPECT_EQ(r.out.find("$argon2id$v=19$m=16384,t=3,p=1$"), std::string::npos) << "the hash was printed whole";
    EXPECT_FALSE(fs::exists(config.parent_path()));
}

TEST(ProvisionTls, AnHttpsServerIsTrustedOnlyThroughItsCaFile) {
    testing::TempDir dir;
    const auto cert = testing::make_self_signed(dir);
    testing::Receiver receiver("sqlite", 0, 40, cert.cert.string(), cert.key.string());
    const auto token_in = dir.write("given-token", receiver.kiosk_token);
    const auto config = dir.path() / "fieldkiosk.toml";
    const std::vector<std::string> base = {"provision",
                                           "--server",
                                           receiver.url(),
                                           "--site",
                                           "Camden Town Library",
                                           "--config",
                                           config.string(),
                                           "--token-file",
                                           (dir.path() / "token").string(),
                                           "--token-file-in",
                                           token_in.string(),
                                           "--pin-stdin"};
    auto untrusted = ctl(base, std::string(k_pin) + "\n");  // the system's CAs do not know this certificate
    EXPECT_EQ(untrusted.code, 5) << untrusted.out << untrusted.err;
    EXPECT_NE(untrusted.err.find("server not verified"), std::string::npos) << untrusted.err;
    EXPECT_NE(untrusted.err.find("--ca-file"), std::string::npos) << untrusted.err;

    auto with_ca = base;
    with_ca.insert(with_ca.end(), {"--ca-file", cert.cert.string()});
    auto trusted = ctl(with_ca, std::string(k_pin) + "\n");
    EXPECT_EQ(trusted.code, 0) << trusted.out << trusted.err;
    EXPECT_NE(trusted.out.find("token accepted for kiosk 'kiosk-1'"), std::string::npos) << trusted.out;
    EXPECT_EQ(kiosk::load_config(config).config.sync.ca_file, cert.cert.string());  // the kiosk trusts it too
}

TEST_F(Provision, HelpExplainsTheExitCodes) {
    auto r = ctl({"provision", "--help"});
    EXPECT_EQ(r.code, 0);
    for (const char* s : {"--pin-stdin", "--token-file-in", "FIELDKIOSK_TOKEN", "--dry-run", "--no-check", "3 written",
                          "4 the server refused the token", "1 a file could not be read", "--token-file-in), edited safely"})
        EXPECT_NE(r.out.find(s), std::string::npos) << s;
}

}  // namespace
}  // namespace fieldkiosk::tools
