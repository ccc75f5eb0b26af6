// sync_bench — the sync figures in docs/performance.md ("## Sync (issue 4)"). Not Google Benchmark:
// each figure is one whole run over real loopback HTTP, as a kiosk or a server would see it.
//
//   sync_bench drain  [--n 10000]            kiosk backlog drain rate; bytes on the wire with/without gzip
//   sync_bench ingest --db URL [--n 20000] [--clients 2] [--sealed 1] [--idle 500] [--servers 2]
//                     server ingest of pre-encoded gzip batches (--sealed 1: every response sealed to a
//                     sealed version of food, issue 13); --idle holds that many connections open
//                     meanwhile (half silent, half trickling a request header); --servers runs that many
//                     receivers (each its own storage connections) on the one database, clients spread over them
//   sync_bench memory --server PATH [--kiosks 50] [--per-kiosk 200]   fieldkiosk-server RSS, 50 kiosks at once
//   sync_bench openrosa [--n 1000]           OpenRosa drain rate (issue 12): one submission per response to the
//                     Central-like test receiver (tests/sync/openrosa_receiver.hpp; it keeps submissions in
//                     memory, so the figure is the kiosk's side: XML, multipart, HTTP, and the outbox updates)
//
// Figures go to stdout, one "name: value" per line.
#include "core/answer.hpp"
#include "core/loader.hpp"
#include "seal/sealed_box.hpp"
#include "storage/response_store.hpp"
#include "sync/client/curl_transport.hpp"
#include "sync/client/openrosa_uploader.hpp"
#include "sync/client/uploader.hpp"
#include "sync/protocol/digest.hpp"
#include "sync/protocol/gzip.hpp"
#include "sync/protocol/wire.hpp"
#include "sync/server/auth.hpp"
#include "sync/server/server.hpp"
#include "tests/sync/openrosa_receiver.hpp"
#include "tools/ctl/commands.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <atomic>
#include <csignal>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <thread>

namespace fs = std::filesystem;
using namespace fieldkiosk;
using Clock = std::chrono::steady_clock;

namespace {

struct Tmp {
    fs::path path;
    Tmp() {
        std::random_device rd;
        path = fs::temp_directory_path() / ("fieldkiosk-bench-" + std::to_string(rd()));
        fs::create_directories(path);
    }
    ~Tmp() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

std::string arg(int argc, char** argv, const std::string& name, std::string def) {
    for (int i = 2; i + 1 < argc; ++i)
        if (argv[i] == name) return argv[i + 1];
    return def;
}

void simulate(const fs::path& db, const char* survey, int n, int seed) {
    const std::string count = std::to_string(n), s = std::to_string(seed), dbs = db.string();
    const char* argv[] = {"fieldkiosk-ctl", "simulate", "--db",    dbs.c_str(),   "--surveys", FIELDKIOSK_SURVEY_DEFS_DIR,
                          "--survey",       survey,     "--count", count.c_str(), "--seed",    s.c_str()};
    std::istringstream in;
    std::ostringstream out, err;
    if (tools::run_ctl(12, argv, in, out, err) != 0) throw std::runtime_error("simulate: " + err.str());
}

core::Catalog catalog() {
    const fs::path paths[] = {FIELDKIOSK_SURVEY_DEFS_DIR};
    return core::load_paths(paths);
}

struct InProcessServer {
    std::shared_ptr<sync::server::Storage> storage;
    std::unique_ptr<sync::server::Server> server;
    std::thread thread;
    core::SystemClock clock;
    explicit InProcessServer(const std::string& url, int threads = 4, core::Catalog surveys = catalog()) {
        storage = std::shared_ptr<sync::server::Storage>(sync::server::open_storage(url).value());
        sync::server::ServerOptions o;
        o.port = 0;
        o.threads = threads;
        o.limits.rate_per_second = 0;
        server =
            std::make_unique<sync::server::Server>(storage, std::make_shared<const sync::server::Validator>(std::move(surveys)), o, clock);
        if (!server->bind()) throw std::runtime_error(server->error());
        thread = std::thread([this] { server->run(); });
        while (!server->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ~InProcessServer() {
        server->stop();
        thread.join();
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(server->port()); }
    std::string token(const std::string& name) {
        const auto t = sync::server::make_token();
        (void)storage->add_token(name, "kiosk", sync::protocol::sha256_hex(t).value(), "2026-11-28T00:00:00Z");
        return t;
    }
};

sync::client::DrainSummary drain(const fs::path& db, const std::string& url, const std::string& token, bool gzip) {
    core::SystemClock clock;
    auto store = storage::ResponseStore::open(db, clock).value();
    sync::client::CurlTransport t;
    core::SystemRng rng;
    sync::client::SyncConfig cfg{.server_url = url, .token = token, .gzip = gzip};
    sync::client::Uploader up(store, t, cfg, rng);
    return up.drain();
}

int cmd_drain(int argc, char** argv) {
    const int n = std::stoi(arg(argc, argv, "--n", "10000"));
    Tmp tmp;
    const fs::path a = tmp.path / "a.db", b = tmp.path / "b.db";
    simulate(a, "food", n / 2, 1);
    simulate(a, "youth", n - n / 2, 2);
    fs::copy_file(a, b);  // same responses: the plain run goes to a second server
    InProcessServer s1("sqlite:" + (tmp.path / "s1.db").string());
    InProcessServer s2("sqlite:" + (tmp.path / "s2.db").string());
    const auto t0 = Clock::now();
    auto gz = drain(a, s1.url(), s1.token("k"), true);
    const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    const auto t1 = Clock::now();
    auto plain = drain(b, s2.url(), s2.token("k"), false);
    const double secs_plain = std::chrono::duration<double>(Clock::now() - t1).count();
    if (gz.failure || plain.failure || gz.accepted != n || plain.accepted != n) throw std::runtime_error("drain failed");
    std::cout << "responses: " << n << "\n"
              << "drain_seconds_gzip: " << secs << "\n"
              << "drain_rate_gzip_per_s: " << n / secs << "\n"
              << "drain_seconds_plain: " << secs_plain << "\n"
              << "drain_rate_plain_per_s: " << n / secs_plain << "\n"
              << "request_body_bytes_per_response_gzip: " << static_cast<double>(gz.bytes_sent) / n << "\n"
              << "request_body_bytes_per_response_plain: " << static_cast<double>(plain.bytes_sent) / n << "\n"
              << "batches: " << gz.batches << "\n";
    return 0;
}

int cmd_ingest(int argc, char** argv) {
    const std::string url = arg(argc, argv, "--db", "");
    const int n = std::stoi(arg(argc, argv, "--n", "20000"));
    const int clients = std::stoi(arg(argc, argv, "--clients", "2"));
    const bool sealed = arg(argc, argv, "--sealed", "0") == "1";
    Tmp tmp;
    // --sealed 1: the server also knows "food" version 2026.1-sealed, which names a key; each clone is sealed to it.
    core::Catalog surveys = catalog();
    std::optional<core::Encryption> key;
    if (sealed) {
        key = seal::survey_setting(seal::generate_key_pair("bench").value());
        auto doc = nlohmann::json::parse(core::expand_survey_file(fs::path(FIELDKIOSK_SURVEY_DEFS_DIR) / "food.json").value());
        doc["version"] = "2026.1-sealed";
        doc["encryption"] = {{"key_id", key->key_id}, {"public_key", key->public_key}};
        std::ofstream(tmp.path / "food-sealed.json") << doc.dump();
        const fs::path paths[] = {FIELDKIOSK_SURVEY_DEFS_DIR, tmp.path / "food-sealed.json"};
        surveys = core::load_paths(paths, {.all_versions = true});
    }
    const std::string db = url.empty() ? "sqlite:" + (tmp.path / "server.db").string() : url;
    // 1000 real responses, cloned under fresh ids into n, encoded and gzipped into batches of 100 up front.
    const fs::path k = tmp.path / "k.db";
    simulate(k, "food", 1000, 5);
    core::SystemClock clock;
    auto store = storage::ResponseStore::open(k, clock).value();
    auto items = store.next_batch({.max_count = 1000, .max_bytes = 1u << 30}).value();
    core::SeededRng rng(std::random_device{}());  // fast ids for the clones; seeded from the OS
    std::vector<std::string> bodies;
    sync::protocol::Batch batch;
    for (int i = 0; i < n; ++i) {
        auto p = nlohmann::json::parse(items[static_cast<std::size_t>(i) % items.size()].payload);
        const std::string id = core::make_uuid_v4(rng);
        p["id"] = id;
        std::string encoding = "json";
        if (key) {
            p["survey_version"] = "2026.1-sealed";
            p = seal::seal_json(p, *key).value();
            encoding = seal::k_encoding;
        }
        batch.responses.push_back({id, p["survey"], p["survey_version"], encoding, std::move(p)});
        if (batch.responses.size() == 100 || i == n - 1) {
            batch.kiosk_id = "bench";
            batch.batch_id = core::make_uuid_v4(rng);
            bodies.push_back(sync::protocol::gzip_compress(sync::protocol::encode(batch)));
            batch.responses.clear();
        }
    }
    const int idle = std::stoi(arg(argc, argv, "--idle", "0"));
    const int servers = std::max(1, std::stoi(arg(argc, argv, "--servers", "1")));
    rlimit lim{};
    getrlimit(RLIMIT_NOFILE, &lim);
    lim.rlim_cur = std::min<rlim_t>(lim.rlim_max, static_cast<rlim_t>(idle) * 2 + 1024);
    setrlimit(RLIMIT_NOFILE, &lim);
    std::vector<std::unique_ptr<InProcessServer>> receivers;
    for (int s = 0; s < servers; ++s) receivers.push_back(std::make_unique<InProcessServer>(db, 4, surveys));
    const std::string token = receivers[0]->token("bench-" + core::make_uuid_v4(rng));
    std::vector<int> held;  // idle clients: every other one sends half a header, then a byte every 100 ms
    for (int i = 0; i < idle; ++i) {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(static_cast<std::uint16_t>(receivers[static_cast<std::size_t>(i % servers)]->server->port()));
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0) throw std::runtime_error("idle connect failed");
        if (i % 2 == 1) ::send(fd, "POST /v1/batches HTTP/1.1\r\nX-Slow: ", 34, MSG_NOSIGNAL);
        held.push_back(fd);
    }
    std::atomic<bool> done{false};
    std::thread trickler([&] {
        while (!done) {
            for (std::size_t i = 1; i < held.size(); i += 2) ::send(held[i], "a", 1, MSG_NOSIGNAL | MSG_DONTWAIT);
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    });
    std::atomic<std::size_t> next{0};
    std::atomic<int> failures{0};
    const auto t0 = Clock::now();
    std::vector<std::thread> threads;
    for (int c = 0; c < clients; ++c)
        threads.emplace_back([&, c] {
            sync::client::CurlTransport t;
            const std::string target = receivers[static_cast<std::size_t>(c % servers)]->url() + "/v1/batches";
            for (std::size_t i; (i = next++) < bodies.size();) {
                auto r = t.post(
                    {target,
                     {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}, {"Content-Encoding", "gzip"}},
                     bodies[i]});
                if (!r || r->status != 200) ++failures;
            }
        });
    for (auto& t : threads) t.join();
    const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    done = true;
    trickler.join();
    int still_open = 0;
    for (const int fd : held) {
        pollfd p{fd, POLLIN, 0};
        still_open += ::poll(&p, 1, 0) == 0 ? 1 : 0;
        ::close(fd);
    }
    std::cout << "backend: " << receivers[0]->storage->backend() << (sealed ? " (sealed payloads)" : "") << "\n"
              << "receivers: " << servers << "\n"
              << "idle_connections: " << idle << " (still open at the end: " << still_open << ")\n"
              << "responses: " << n << " in " << bodies.size() << " batches, " << clients << " clients\n"
              << "failures: " << failures << "\n"
              << "ingest_seconds: " << secs << "\n"
              << "ingest_rate_per_s: " << n / secs << "\n";
    return failures == 0 ? 0 : 1;
}

long status_kb(pid_t pid, const std::string& key) {
    std::ifstream f("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(f, line);)
        if (line.starts_with(key + ":")) return std::stol(line.substr(key.size() + 1));
    return -1;
}

int cmd_memory(int argc, char** argv) {
    const std::string server_path = arg(argc, argv, "--server", "");
    const int kiosks = std::stoi(arg(argc, argv, "--kiosks", "50"));
    const int per = std::stoi(arg(argc, argv, "--per-kiosk", "200"));
    Tmp tmp;
    const std::string db = "sqlite:" + (tmp.path / "server.db").string();
    std::vector<std::string> tokens;
    {
        auto s = sync::server::open_storage(db).value();
        for (int i = 0; i < kiosks; ++i) {
            tokens.push_back(sync::server::make_token());
            (void)s->add_token("k" + std::to_string(i), "kiosk", sync::protocol::sha256_hex(tokens.back()).value(), "2026-11-28T00:00:00Z");
        }
    }
    std::vector<fs::path> dbs;
    for (int i = 0; i < kiosks; ++i) {
        dbs.push_back(tmp.path / ("k" + std::to_string(i) + ".db"));
        simulate(dbs.back(), i % 2 ? "food" : "youth", per, i);
    }
    int fds[2];
    if (pipe(fds) != 0) return 1;
    const pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        execl(server_path.c_str(), server_path.c_str(), "serve", "--db", db.c_str(), "--listen", "127.0.0.1:0", "--surveys",
              FIELDKIOSK_SURVEY_DEFS_DIR, "--rate", "0", static_cast<char*>(nullptr));
        _exit(127);
    }
    close(fds[1]);
    std::string line;
    char c;
    while (read(fds[0], &c, 1) == 1 && c != '\n') line += c;
    const std::string url =
        "http://127.0.0.1:" + line.substr(line.rfind(':') + 1, line.find(' ', line.rfind(':')) - line.rfind(':') - 1);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const long idle_rss = status_kb(pid, "VmRSS");
    std::atomic<std::int64_t> delivered{0};
    std::atomic<bool> done{false};
    long peak_sampled = 0;
    std::thread sampler([&] {
        while (!done) {
            peak_sampled = std::max(peak_sampled, status_kb(pid, "VmRSS"));
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
    });
    const auto t0 = Clock::now();
    std::vector<std::thread> threads;
    for (int i = 0; i < kiosks; ++i)
        threads.emplace_back([&, i] {
            delivered += drain(dbs[static_cast<std::size_t>(i)], url, tokens[static_cast<std::size_t>(i)], true).delivered();
        });
    for (auto& t : threads) t.join();
    const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    done = true;
    sampler.join();
    const long hwm = status_kb(pid, "VmHWM");
    kill(pid, SIGTERM);
    int st = 0;
    waitpid(pid, &st, 0);
    std::cout << "kiosks: " << kiosks << " x " << per << " responses, all at once\n"
              << "delivered: " << delivered << "\n"
              << "seconds: " << secs << "\n"
              << "server_rss_idle_kb: " << idle_rss << "\n"
              << "server_rss_peak_sampled_kb: " << peak_sampled << "\n"
              << "server_vmhwm_kb: " << hwm << "\n";
    return delivered == static_cast<std::int64_t>(kiosks) * per ? 0 : 1;
}

}  // namespace

int cmd_openrosa(int argc, char** argv) {
    const int n = std::stoi(arg(argc, argv, "--n", "1000"));
    Tmp tmp;
    const fs::path db = tmp.path / "kiosk.db";
    simulate(db, "food", n / 2, 1);
    simulate(db, "youth", n - n / 2, 2);
    testing::CentralLikeReceiver central;
    core::SystemClock clock;
    auto store = storage::ResponseStore::open(db, clock).value();
    sync::client::CurlTransport t;
    core::SystemRng rng;
    sync::client::SyncConfig cfg;
    cfg.openrosa = sync::client::OpenRosaTarget{.submission_url = central.url(), .survey_paths = {FIELDKIOSK_SURVEY_DEFS_DIR}};
    sync::client::OpenRosaUploader up(store, t, cfg, rng, clock);
    const auto t0 = Clock::now();
    const auto s = up.drain();
    const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    if (s.failure || s.accepted != n || central.stored().size() != static_cast<std::size_t>(n))
        throw std::runtime_error("openrosa drain failed: " + (s.failure ? s.failure->detail : std::to_string(s.accepted)));
    std::cout << "responses: " << n << "\n"
              << "openrosa_drain_seconds: " << secs << "\n"
              << "openrosa_drain_rate_per_s: " << n / secs << "\n"
              << "request_body_bytes_per_response: " << static_cast<double>(s.bytes_sent) / n << "\n";
    return 0;
}

int main(int argc, char** argv) {
    std::signal(SIGPIPE, SIG_IGN);
    sync::client::CurlGlobal curl;
    const std::string cmd = argc > 1 ? argv[1] : "";
    try {
        if (cmd == "drain") return cmd_drain(argc, argv);
        if (cmd == "ingest") return cmd_ingest(argc, argv);
        if (cmd == "memory") return cmd_memory(argc, argv);
        if (cmd == "openrosa") return cmd_openrosa(argc, argv);
    } catch (const std::exception& e) {
        std::cerr << "sync_bench: " << e.what() << "\n";
        return 1;
    }
    std::cerr << "usage: sync_bench drain|ingest|memory|openrosa [options] (see the top of bench/sync_bench.cpp)\n";
    return 2;
}
