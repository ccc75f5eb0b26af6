// server.toml (sync/server/server_config.*): strict parsing, flags over the file, the shipped example, and the
// real fieldkiosk-server refusing a bad file with exit 2 / starting from a good one.
#include "sync/server/server_config.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <array>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <set>

namespace fieldkiosk::sync::server {
namespace {

namespace fs = std::filesystem;

struct Settings {
    std::string listen = "127.0.0.1:8080", db = "sqlite:fieldkiosk-server.db", quiet_after;
    std::vector<std::string> surveys;
    int read_timeout = 10;
    ServerOptions options;
    ServeTargets targets(bool with_quiet_after = true) {
        return ServeTargets{listen, db, surveys, read_timeout, options, with_quiet_after ? &quiet_after : nullptr};
    }
};

const auto k_no_flags = [](std::string_view) { return false; };

std::string error_of(std::string_view text) {
    auto r = parse_server_config(text, "server.toml");
    EXPECT_FALSE(r.has_value()) << text;
    return r ? std::string() : r.error();
}

TEST(ServerConfig, ShippedExampleSetsThePackagedPathsAndNothingElse) {
    auto file = load_server_config(fs::path(FIELDKIOSK_INSTALLER_DIR) / "server.toml");
    ASSERT_TRUE(file.has_value()) << file.error();
    Settings s;
    ASSERT_TRUE(apply_server_config(*file, k_no_flags, s.targets()).has_value());
    EXPECT_EQ(s.listen, "127.0.0.1:8443");
    EXPECT_EQ(s.db, "sqlite:/var/lib/fieldkiosk-server/server.db");
    EXPECT_EQ(s.surveys, std::vector<std::string>{"/etc/fieldkiosk/surveys"});
    const ServerOptions defaults;
    EXPECT_EQ(s.options.threads, defaults.threads);
    EXPECT_EQ(s.options.max_connections, defaults.max_connections);
    EXPECT_EQ(s.read_timeout, 10);
    EXPECT_EQ(s.options.limits.max_items, defaults.limits.max_items);
    EXPECT_TRUE(s.options.tls_cert.empty());
    EXPECT_FALSE(file->quiet_after.has_value());
}

TEST(ServerConfig, EveryKeyReachesItsSetting) {
    auto file = parse_server_config(R"(
listen = "0.0.0.0:9443"
db = "postgresql://fieldkiosk@db/fieldkiosk"
surveys = ["/a", "/b"]
threads = 4
read_timeout = 30
max_body = 1000
max_decompressed = 4000
max_items = 50
rate = 2.5
burst = 7
tls_cert = "/etc/x.crt"
tls_key = "/etc/x.key"
quiet_after = "30m"
)",
                                    "server.toml");
    ASSERT_TRUE(file.has_value()) << file.error();
    Settings s;
    ASSERT_TRUE(apply_server_config(*file, k_no_flags, s.targets()).has_value());
    EXPECT_EQ(s.listen, "0.0.0.0:9443");
    EXPECT_EQ(s.db, "postgresql://fieldkiosk@db/fieldkiosk");
    EXPECT_EQ(s.surveys, (std::vector<std::string>{"/a", "/b"}));
    EXPECT_EQ(s.options.threads, 4);
    EXPECT_EQ(s.read_timeout, 30);
    EXPECT_EQ(s.options.limits.max_body_bytes, 1000u);
    EXPECT_EQ(s.options.limits.max_decompressed_bytes, 4000u);
    EXPECT_EQ(s.options.limits.max_items, 50u);
    EXPECT_DOUBLE_EQ(s.options.limits.rate_per_second, 2.5);
    EXPECT_EQ(s.options.limits.rate_burst, 7);
    EXPECT_EQ(s.options.tls_cert, "/etc/x.crt");
    EXPECT_EQ(s.options.tls_key, "/etc/x.key");
    EXPECT_EQ(s.quiet_after, "30m");
}

TEST(ServerConfig, MaxConnectionsReachesTheServerAndIsBounded) {
    auto file = parse_server_config("max_connections = 5000\n", "server.toml");
    ASSERT_TRUE(file.has_value()) << file.error();
    Settings s;
    ASSERT_TRUE(apply_server_config(*file, k_no_flags, s.targets()).has_value());
    EXPECT_EQ(s.options.max_connections, 5000);
    const auto e = error_of("max_connections = 3\n");
    EXPECT_NE(e.find("max_connections: must be a whole number from 16 to 1000000"), std::string::npos) << e;
}

TEST(ServerConfig, OneSurveysFolderAsTextAndRateZero) {
    auto file = parse_server_config("surveys = \"/srv/surveys\"\nquiet_after = \"3d\"\nrate = 0\n", "server.toml");
    ASSERT_TRUE(file.has_value()) << file.error();
    EXPECT_EQ(*file->surveys, std::vector<std::string>{"/srv/surveys"});
    EXPECT_EQ(*file->quiet_after, "3d");
    EXPECT_DOUBLE_EQ(*file->rate, 0.0);
}

TEST(ServerConfig, FlagsGivenOnTheCommandLineWinOverTheFile) {
    auto file = parse_server_config("listen = \"0.0.0.0:1\"\nthreads = 3\ndb = \"sqlite:file.db\"\n", "server.toml");
    ASSERT_TRUE(file.has_value());
    Settings s;
    s.listen = "127.0.0.1:5000";  // as if parsed from --listen
    s.options.threads = 12;       // as if parsed from --threads
    const std::set<std::string_view> given = {"--listen", "--threads"};
    ASSERT_TRUE(apply_server_config(
                    *file, [&](std::string_view f) { return given.contains(f); }, s.targets())
                    .has_value());
    EXPECT_EQ(s.listen, "127.0.0.1:5000");
    EXPECT_EQ(s.options.threads, 12);
    EXPECT_EQ(s.db, "sqlite:file.db");  // not given: the file's
}

TEST(ServerConfig, UnknownKeyIsAnErrorNamingItWithASuggestion) {
    const auto e = error_of("listen = \"127.0.0.1:1\"\nthread = 4\n");
    EXPECT_NE(e.find("server.toml: thread: is not a setting"), std::string::npos) << e;
    EXPECT_NE(e.find("did you mean 'threads'?"), std::string::npos) << e;
    const auto t = error_of("[limits]\nmax_items = 3\n");
    EXPECT_NE(t.find("limits: is not a setting"), std::string::npos) << t;
    EXPECT_NE(t.find("two tables, [quality] and [dashboard]"), std::string::npos) << t;
}

void expect_thresholds(const QualitySettings& got, const QualitySettings& want) {
    EXPECT_EQ(got.burst_window_s, want.burst_window_s);
    EXPECT_EQ(got.burst_count, want.burst_count);
    EXPECT_EQ(got.duplicate_window_s, want.duplicate_window_s);
    EXPECT_DOUBLE_EQ(got.near_identical_share, want.near_identical_share);
    EXPECT_EQ(got.duplicate_min_answers, want.duplicate_min_answers);
    EXPECT_EQ(got.duplicate_max_compare, want.duplicate_max_compare);
    EXPECT_DOUBLE_EQ(got.min_seconds_per_screen, want.min_seconds_per_screen);
    EXPECT_EQ(got.straight_line_min_items, want.straight_line_min_items);
}

TEST(ServerConfig, QualityTableSetsEachThresholdAndTheRestKeepTheirDefaults) {
    auto file = parse_server_config(
        "threads = 2\n[quality]\nburst_window_s = 300\nburst_count = 6\nduplicate_window_s = 7200\n"
        "near_identical_share = 0.95\nduplicate_min_answers = 8\nduplicate_max_compare = 64\n"
        "min_seconds_per_screen = 2\nstraight_line_min_items = 7\n",
        "server.toml");
    ASSERT_TRUE(file.has_value()) << file.error();
    Settings s;
    ASSERT_TRUE(apply_server_config(*file, k_no_flags, s.targets()).has_value());
    EXPECT_EQ(s.options.threads, 2);
    // min_seconds_per_screen = 2: a whole number is taken for a number with a fraction.
    expect_thresholds(s.options.quality, QualitySettings{300, 6, 7200, 0.95, 8, 64, 2.0, 7});  // in the fields' order

    // One key given: only it changes.
    auto one = parse_server_config("[quality]\nburst_count = 10\n", "server.toml");
    ASSERT_TRUE(one.has_value()) << one.error();
    const QualitySettings defaults;
    ASSERT_TRUE(one->quality.has_value());
    EXPECT_EQ(one->quality->burst_count, 10);
    EXPECT_EQ(one->quality->burst_window_s, defaults.burst_window_s);
    EXPECT_DOUBLE_EQ(one->quality->near_identical_share, defaults.near_identical_share);
    EXPECT_EQ(one->quality->straight_line_min_items, defaults.straight_line_min_items);
}

TEST(ServerConfig, NoQualityTableLeavesTheDocumentedDefaults) {
    auto file = parse_server_config("threads = 2\n", "server.toml");
    ASSERT_TRUE(file.has_value()) << file.error();
    EXPECT_FALSE(file->quality.has_value());
    Settings s;
    s.options.quality.burst_count = 9;  // a value set before is not overwritten when the file has no [quality]
    ASSERT_TRUE(apply_server_config(*file, k_no_flags, s.targets()).has_value());
    EXPECT_EQ(s.options.quality.burst_count, 9);
    // The documented defaults (docs/quality_flags.md, docs/operations.md, installer/server.toml).
    expect_thresholds(QualitySettings{}, QualitySettings{120, 4, 3600, 0.9, 5, 32, 1.5, 5});  // in the fields' order
}

TEST(ServerConfig, BadQualityValuesNameTheFileLineKeyAndWhatWouldBeValid) {
    // (the [quality] table's text, what the message must say)
    const std::vector<std::pair<std::string, std::string>> cases{
        {"burst_count = 1",
         "server.toml:2: quality.burst_count: must be a whole number from 2 to 1000000 (it is a whole number 1)"},
        {"burst_window_s = \"2m\"",
         "server.toml:2: quality.burst_window_s: must be a whole number from 1 to 604800 (it is a string \"2m\")"},
        {"near_identical_share = 1.01", "quality.near_identical_share: must be a number from 0.5 to 1"},
        {"near_identical_share = 0.49", "quality.near_identical_share: must be a number from 0.5 to 1"},
        {"min_seconds_per_screen = -0.5", "quality.min_seconds_per_screen: must be a number from 0 to 600"},
        {"straight_line_min_items = 2.5", "quality.straight_line_min_items: must be a whole number"},
        {"burst_cuont = 4", "server.toml: quality.burst_cuont: is not a quality threshold"},
        {"burst_cuont = 4", "did you mean 'burst_count'?"},
    };
    for (const auto& [table, says] : cases) {
        const auto e = error_of("[quality]\n" + table + "\n");
        EXPECT_NE(e.find(says), std::string::npos) << table << "\n" << e;
    }
    const auto not_table = error_of("quality = 3\n");
    EXPECT_NE(not_table.find("server.toml:1: quality: must be a table of thresholds"), std::string::npos) << not_table;
    // The boundaries themselves are accepted.
    auto edge = parse_server_config(
        "[quality]\nburst_count = 2\nnear_identical_share = 0.5\nmin_seconds_per_screen = 0\n"
        "straight_line_min_items = 2\nburst_window_s = 604800\n",
        "server.toml");
    ASSERT_TRUE(edge.has_value()) << edge.error();
    EXPECT_EQ(edge->quality->burst_count, 2);
    EXPECT_EQ(edge->quality->burst_window_s, 604800);
    // Every problem at once, top-level and [quality] alike.
    const auto all = error_of("threads = 0\n[quality]\nburst_count = 0\nduplicate_max_compare = 0\n");
    EXPECT_EQ(std::count(all.begin(), all.end(), '\n'), 2) << all;
}

TEST(ServerConfig, WrongTypesAndRangesNameTheKeyTheLineAndWhatWouldBeValid) {
    auto e = error_of("\nthreads = \"8\"\n");
    EXPECT_NE(e.find("server.toml:2: threads: must be a whole number from 1 to 256 (it is a string \"8\")"), std::string::npos)
        << e;
    e = error_of("read_timeout = 0\n");
    EXPECT_NE(e.find("read_timeout: must be a whole number from 1 to 600 (it is a whole number 0)"), std::string::npos) << e;
    e = error_of("surveys = [\"/a\", 3]\n");
    EXPECT_NE(e.find("surveys: must be a folder"), std::string::npos) << e;
    e = error_of("surveys = []\n");
    EXPECT_NE(e.find("surveys: must be a folder"), std::string::npos) << e;
    e = error_of("rate = \"fast\"\n");
    EXPECT_NE(e.find("rate: must be a number from 0 to"), std::string::npos) << e;
    e = error_of("listen = 8080\n");
    EXPECT_NE(e.find("listen: must be a non-empty string"), std::string::npos) << e;
    e = error_of("db = \"\"\n");
    EXPECT_NE(e.find("db: must be a non-empty string"), std::string::npos) << e;
    e = error_of("max_body = 1.5\n");
    EXPECT_NE(e.find("max_body: must be a whole number"), std::string::npos) << e;
    e = error_of("quiet_after = 1800\n");
    EXPECT_NE(e.find("quiet_after: must be a duration in quotes"), std::string::npos) << e;
    e = error_of("quiet_after = \"30 minutes\"\n");
    EXPECT_NE(e.find("quiet_after: '30 minutes': unknown unit"), std::string::npos) << e;
}

TEST(ServerConfig, EveryProblemIsReportedAtOnce) {
    const auto e = error_of("threads = 0\nburst = -1\nlisen = \"x\"\n");
    EXPECT_NE(e.find("threads:"), std::string::npos) << e;
    EXPECT_NE(e.find("burst:"), std::string::npos) << e;
    EXPECT_NE(e.find("lisen:"), std::string::npos) << e;
    EXPECT_EQ(std::count(e.begin(), e.end(), '\n'), 2) << e;
}

TEST(ServerConfig, BrokenTomlAndMissingFileSayWhere) {
    const auto e = error_of("listen = \"127.0.0.1:1\"\nthreads = \n");
    EXPECT_NE(e.find("server.toml:2:"), std::string::npos) << e;
    EXPECT_NE(e.find("not valid TOML"), std::string::npos) << e;
    auto missing = load_server_config("/nonexistent/server.toml");
    ASSERT_FALSE(missing.has_value());
    EXPECT_NE(missing.error().find("/nonexistent/server.toml: cannot be read"), std::string::npos) << missing.error();
}

TEST(ServerConfig, RelativePathsInTheFileAreTakenFromTheFilesFolderNotTheWorkingDirectory) {
    testing::TempDir dir;
    const auto cfg = dir.write("etc/server.toml",
                               "db = \"sqlite:state/server.db\"\nsurveys = [\"surveys\", \"../shared/old\", \"/abs/surveys\"]\n"
                               "tls_cert = \"tls/server.crt\"\ntls_key = \"/etc/k.key\"\n");
    auto file = load_server_config(cfg);
    ASSERT_TRUE(file.has_value()) << file.error();
    const fs::path etc = fs::absolute(cfg).parent_path();
    EXPECT_EQ(*file->db, "sqlite:" + (etc / "state/server.db").string());
    EXPECT_EQ(*file->surveys, (std::vector<std::string>{(etc / "surveys").string(), (dir.path() / "shared/old").lexically_normal().string(),
                                                        "/abs/surveys"}));
    EXPECT_EQ(*file->tls_cert, (etc / "tls/server.crt").string());
    EXPECT_EQ(*file->tls_key, "/etc/k.key");
    // PostgreSQL URLs and absolute paths are left as written; parse_server_config (text only) resolves nothing.
    const auto pg = dir.write("pg.toml", "db = \"postgresql://fieldkiosk@dbhost/fieldkiosk\"\n");
    EXPECT_EQ(*load_server_config(pg)->db, "postgresql://fieldkiosk@dbhost/fieldkiosk");
    EXPECT_EQ(*parse_server_config("surveys = \"surveys\"\n", "server.toml")->surveys, std::vector<std::string>{"surveys"});
}

TEST(ServerConfig, DashboardTableSetsItsFilesFromTheFilesFolderAndItsSessionLengths) {
    testing::TempDir dir;
    const auto cfg = dir.write("etc/server.toml",
                               "threads = 2\n[dashboard]\nboundaries = \"wards.geojson\"\nward_codes = \"/srv/codes.csv\"\n"
                               "indicators = \"ind\"\npopulation_totals = \"pop.csv\"\nsession_idle = \"10m\"\nsession_max = \"2h\"\n");
    auto file = load_server_config(cfg);
    ASSERT_TRUE(file.has_value()) << file.error();
    Settings s;
    ASSERT_TRUE(apply_server_config(*file, k_no_flags, s.targets()).has_value());
    const fs::path etc = fs::absolute(cfg).parent_path();
    const auto& d = s.options.dashboard;
    EXPECT_EQ(d.boundaries, etc / "wards.geojson");
    EXPECT_EQ(d.ward_codes, fs::path("/srv/codes.csv"));
    EXPECT_EQ(d.indicators, etc / "ind");
    EXPECT_EQ(d.population_totals, etc / "pop.csv");
    EXPECT_EQ(d.session_idle, std::chrono::minutes(10));
    EXPECT_EQ(d.session_max, std::chrono::hours(2));
    // No table: the defaults stay (30 idle minutes, 8 hours; no map, no weighting).
    Settings plain;
    ASSERT_TRUE(apply_server_config(*parse_server_config("threads = 2\n", "server.toml"), k_no_flags, plain.targets()).has_value());
    EXPECT_EQ(plain.options.dashboard.session_idle, std::chrono::minutes(30));
    EXPECT_EQ(plain.options.dashboard.session_max, std::chrono::hours(8));
    EXPECT_TRUE(plain.options.dashboard.boundaries.empty());
}

TEST(ServerConfig, BadDashboardValuesNameTheKeyAndWhatWouldBeValid) {
    const std::vector<std::pair<std::string, std::string>> cases{
        {"[dashboard]\nboundries = \"w.geojson\"\n", "server.toml: dashboard.boundries: is not a dashboard setting (docs/dashboard.md); did you mean 'boundaries'?"},
        {"[dashboard]\nsession_idle = 30\n", "server.toml:2: dashboard.session_idle: must be a duration in quotes"},
        {"[dashboard]\nsession_max = \"8 hours\"\n", "server.toml:2: dashboard.session_max:"},
        {"[dashboard]\nboundaries = \"\"\n", "server.toml:2: dashboard.boundaries: must be a non-empty string"},
        {"dashboard = \"on\"\n", "server.toml:1: dashboard: must be a table, [dashboard] on a line of its own"},
    };
    for (const auto& [text, says] : cases) {
        const auto e = error_of(text);
        EXPECT_NE(e.find(says), std::string::npos) << text << "\n" << e;
    }
}

TEST(ServerConfig, QuietAfterIsRefusedWhenThisBuildHasNoSuchFlag) {
    auto file = parse_server_config("quiet_after = \"60m\"\n", "server.toml");
    ASSERT_TRUE(file.has_value());
    Settings s;
    auto r = apply_server_config(*file, k_no_flags, s.targets(/*with_quiet_after=*/false));
    ASSERT_FALSE(r.has_value());
    EXPECT_NE(r.error().find("quiet_after"), std::string::npos);
}

// The real program: a bad file stops it before it listens (exit 2, the key named on stderr).
struct Ran {
    int code = -1;
    std::string output;
};
Ran run_server(const std::string& args) {
    const std::string cmd = std::string(FIELDKIOSK_SERVER_PATH) + " " + args + " 2>&1";
    Ran r;
    FILE* p = popen(cmd.c_str(), "r");
    if (p == nullptr) return r;
    std::array<char, 512> buf{};
    while (std::fgets(buf.data(), buf.size(), p) != nullptr) r.output += buf.data();
    const int status = pclose(p);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

TEST(ServerConfigProgram, BadFileExitsTwoNamingTheKey) {
    testing::TempDir dir;
    const auto bad = dir.write("server.toml", "surveys = \"" FIELDKIOSK_SURVEY_DEFS_DIR "\"\nthreads = \"many\"\n");
    auto r = run_server("serve --config " + bad.string() + " --db sqlite:" + (dir.path() / "s.db").string());
    EXPECT_EQ(r.code, 2) << r.output;
    EXPECT_NE(r.output.find("threads: must be a whole number"), std::string::npos) << r.output;
    EXPECT_FALSE(fs::exists(dir.path() / "s.db"));  // refused before opening anything

    auto missing = run_server("serve --config " + (dir.path() / "none.toml").string());
    EXPECT_EQ(missing.code, 2) << missing.output;
    EXPECT_NE(missing.output.find("cannot be read"), std::string::npos) << missing.output;

    const auto no_surveys = dir.write("empty.toml", "# nothing\n");
    auto e = run_server("serve --config " + no_surveys.string());
    EXPECT_EQ(e.code, 2) << e.output;
    EXPECT_NE(e.output.find("serve needs survey definitions"), std::string::npos) << e.output;
}

// GET path over a plain socket; the whole answer (HTTP/1.0: the server closes), or "" if none came.
std::string http_get(int port, const std::string& path) {
    const int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    std::string answer;
    if (::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
        const std::string req = "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
        if (::write(s, req.data(), req.size()) == static_cast<ssize_t>(req.size())) {
            std::array<char, 4096> buf{};
            for (ssize_t n; (n = ::read(s, buf.data(), buf.size())) > 0;) answer.append(buf.data(), static_cast<std::size_t>(n));
        }
    }
    ::close(s);
    return answer;
}

TEST(ServerConfigProgram, StartsFromTheFileWithFlagsOverridingIt) {
    testing::TempDir dir;
    const auto db = dir.path() / "from-file.db";
    const auto cfg = dir.write("server.toml", "listen = \"127.0.0.1:1\"\ndb = \"sqlite:" + db.string() + "\"\nsurveys = \"" +
                                                  FIELDKIOSK_SURVEY_DEFS_DIR + "\"\nthreads = 2\n");
    // --listen on the command line replaces the file's port 1 (which would need root) with any free port.
    auto child = testing::spawn({FIELDKIOSK_SERVER_PATH, "serve", "--config", cfg.string(), "--listen", "127.0.0.1:0"});
    ASSERT_GT(child.pid, 0);
    std::string line;  // the first "listening on" line (other lines may come before it)
    for (char c = 0; !line.starts_with("listening on ");) {
        line.clear();
        bool got = false;
        while ((got = ::read(child.out, &c, 1) == 1) && c != '\n') line += c;
        if (!got) break;
    }
    ::close(child.out);
    // It answers over HTTP with the file's settings, then stops on SIGTERM with exit 0.
    const auto port = line.starts_with("listening on 127.0.0.1:") ? std::atoi(line.c_str() + 23) : 0;
    EXPECT_NE(http_get(port, "/v1/health").find("\"status\":\"ok\""), std::string::npos);
    ::kill(child.pid, SIGTERM);
    int status = 0;
    ::waitpid(child.pid, &status, 0);
    EXPECT_TRUE(line.starts_with("listening on 127.0.0.1:")) << line;
    EXPECT_NE(line, "listening on 127.0.0.1:1 (http)");
    EXPECT_TRUE(fs::exists(db)) << "the file's db was not used";
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

}  // namespace
}  // namespace fieldkiosk::sync::server
