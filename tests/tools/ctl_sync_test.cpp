// fieldkiosk-ctl sync (tools/ctl/cmd_sync.cpp) against the real receiver over loopback (moved from
// tests/sync/loopback_test.cpp).
#include "tests/sync/loopback.hpp"
#include "tools/ctl/commands.hpp"

#include <gtest/gtest.h>

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <tuple>

namespace fieldkiosk::testing {
namespace {

// fieldkiosk-ctl sync: the token from a private file or the environment, never needed on the command line.
TEST(CtlSync, TakesTheTokenFromAPrivateFileOrTheEnvironment) {
    Receiver receiver("sqlite");
    Kiosk k;
    k.fill(3);
    TempDir dir;
    const auto run = [&](std::vector<std::string> extra, const std::string& url) {
        std::vector<std::string> args = {"sync", "--db", k.db.string(), "--server", url};
        args.insert(args.end(), extra.begin(), extra.end());
        return run_ctl_args(args);
    };
    const auto token_file = (dir.path() / "kiosk.token").string();
    {
        std::ofstream f(token_file);
        f << receiver.kiosk_token << "\n";
    }
    // Readable by others: refused, with the reason.
    std::filesystem::permissions(token_file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write |
                                                 std::filesystem::perms::group_read | std::filesystem::perms::others_read);
    auto [rc_open, out_open, err_open] = run({"--token-file", token_file}, receiver.url());
    EXPECT_EQ(rc_open, 2);
    EXPECT_NE(err_open.find("readable by group or others"), std::string::npos) << err_open;
    EXPECT_EQ(receiver.responses(), 0);
    // No token at all: refused.
    ::unsetenv("FIELDKIOSK_TOKEN");
    auto [rc_none, out_none, err_none] = run({}, receiver.url());
    EXPECT_EQ(rc_none, 2);
    EXPECT_NE(err_none.find("--token-file"), std::string::npos) << err_none;
    // Plain http to a host that is not loopback: refused before anything is sent.
    auto [rc_plain, out_plain, err_plain] = run({"--token-file", token_file}, "http://surveys.example.invalid");
    EXPECT_EQ(rc_plain, 2);
    // 0600: taken.
    std::filesystem::permissions(token_file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    auto [rc, out, err] = run({"--token-file", token_file}, receiver.url());
    EXPECT_EQ(rc, 0) << err;
    EXPECT_TRUE(out.starts_with("sent 3 (accepted 3,")) << out;
    // From the environment.
    k.fill(2, "food", 4);
    ::setenv("FIELDKIOSK_TOKEN", receiver.kiosk_token.c_str(), 1);
    auto [rc_env, out_env, err_env] = run({}, receiver.url());
    ::unsetenv("FIELDKIOSK_TOKEN");
    EXPECT_EQ(rc_env, 0) << err_env;
    EXPECT_TRUE(out_env.starts_with("sent 2 (accepted 2,")) << out_env;
    // --help warns that --token is visible to other users.
    auto [rc_help, out_help, err_help] = run({"--help"}, receiver.url());
    EXPECT_NE((out_help + err_help).find("visible to"), std::string::npos) << out_help << err_help;
}

// fieldkiosk-ctl sync, in-process: the summary line and the exit status.
TEST(CtlSync, PrintsASummaryAndExitsZeroOnlyWhenNothingRemains) {
    Receiver receiver("sqlite");
    Kiosk k;
    k.fill(5);
    const auto run = [&](const std::string& url) {
        const std::string db = k.db.string();
        const char* argv[] = {"fieldkiosk-ctl", "sync",      "--db",    db.c_str(),
                              "--server",       url.c_str(), "--token", receiver.kiosk_token.c_str()};
        std::istringstream in;
        std::ostringstream out, err;
        const int rc = tools::run_ctl(8, argv, in, out, err);
        return std::tuple{rc, out.str(), err.str()};
    };
    receiver.stop();
    auto [rc_down, out_down, err_down] = run(receiver.url());
    EXPECT_EQ(rc_down, 1);
    EXPECT_TRUE(out_down.starts_with("sent 0 (accepted 0, duplicate 0), rejected 0, conflict 0, remaining 5, time ")) << out_down;
    EXPECT_NE(err_down.find("No connection since"), std::string::npos) << err_down;
    receiver.start();
    auto [rc, out, err] = run(receiver.url());
    EXPECT_EQ(rc, 0) << err;
    EXPECT_TRUE(out.starts_with("sent 5 (accepted 5, duplicate 0), rejected 0, conflict 0, remaining 0, time ")) << out;
    EXPECT_EQ(receiver.responses(), 5);
}

}  // namespace
}  // namespace fieldkiosk::testing
