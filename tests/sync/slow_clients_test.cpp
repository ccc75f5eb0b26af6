// Slow and idle clients cannot starve the receiver (issue 15): raw sockets from outside hold connections
// open, silent or trickling bytes, while /v1/health and a real kiosk sync (libcurl client) are answered;
// deadlines close connections that never finish a request; over the connection cap a client gets 503.
// The receiver under test is the real Server (HttpCore) over loopback, plain and TLS.
#include "sync/server/http_core.hpp"
#include "tests/sync/loopback.hpp"
#include "tests/sync/self_signed.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <chrono>
#include <thread>
#include <vector>

namespace fieldkiosk::testing {
namespace {

using namespace std::chrono_literals;

// A blocking TCP connection to 127.0.0.1:port (-1 if it could not be made).
int connect_to(int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

void send_text(int fd, std::string_view text) { [[maybe_unused]] auto n = ::send(fd, text.data(), text.size(), MSG_NOSIGNAL); }

// Everything the server sends until it closes (or `limit` passes: a guard against a hang, not a measure).
std::string read_until_closed(int fd, std::chrono::seconds limit = 60s) {
    std::string got;
    const auto until = std::chrono::steady_clock::now() + limit;
    char buf[4096];
    while (std::chrono::steady_clock::now() < until) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 100) <= 0) continue;
        const auto n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) break;
        got.append(buf, static_cast<std::size_t>(n));
    }
    return got;
}

// True while the server has neither answered nor closed `fd`.
bool still_waiting(int fd) {
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, 0) == 0;
}

long long metric_value(const std::string& url, const std::string& token, const std::string& name) {
    const auto [status, body] = http_get(url + "/metrics", token);
    const auto at = body.find("\n" + name + " ");
    if (status != 200 || at == std::string::npos) return -1;
    return std::stoll(body.substr(at + name.size() + 2));
}

// The test process holds as many sockets as the server: make room (the hard limit allows it on Debian).
void make_room_for_fds(rlim_t n) {
    rlimit lim{};
    getrlimit(RLIMIT_NOFILE, &lim);
    if (lim.rlim_cur < n) {
        lim.rlim_cur = std::min(n, lim.rlim_max);
        setrlimit(RLIMIT_NOFILE, &lim);
    }
    getrlimit(RLIMIT_NOFILE, &lim);
    ASSERT_GE(lim.rlim_cur, n) << "raise the open-files limit (ulimit -n) to run this test";
}

// 250 silent connections and 250 that send half a request header, then one byte every 100 ms, held open
// for the whole test.
class SlowCrowd {
public:
    SlowCrowd(int port, int silent, int trickling) {
        for (int i = 0; i < silent; ++i) m_silent.push_back(connect_to(port));
        for (int i = 0; i < trickling; ++i) {
            const int fd = connect_to(port);
            send_text(fd, "POST /v1/batches HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
            m_trickling.push_back(fd);
        }
        m_thread = std::thread([this] {
            while (!m_stop) {
                for (const int fd : m_trickling) ::send(fd, "a", 1, MSG_NOSIGNAL | MSG_DONTWAIT);
                std::this_thread::sleep_for(100ms);
            }
        });
    }
    ~SlowCrowd() {
        m_stop = true;
        m_thread.join();
        for (const int fd : m_silent) ::close(fd);
        for (const int fd : m_trickling) ::close(fd);
    }
    SlowCrowd(const SlowCrowd&) = delete;
    SlowCrowd& operator=(const SlowCrowd&) = delete;
    [[nodiscard]] int connected() const {
        int n = 0;
        for (const auto* v : {&m_silent, &m_trickling})
            for (const int fd : *v) n += fd >= 0 ? 1 : 0;
        return n;
    }
    // How many of them the server has neither answered nor closed.
    [[nodiscard]] int still_open() const {
        int n = 0;
        for (const auto* v : {&m_silent, &m_trickling})
            for (const int fd : *v) n += fd >= 0 && still_waiting(fd) ? 1 : 0;
        return n;
    }

private:
    std::vector<int> m_silent, m_trickling;
    std::atomic<bool> m_stop{false};
    std::thread m_thread;
};

// Long deadlines, so that the crowd is still there when the checks run however loaded the machine is.
void patient(sync::server::ServerOptions& o) {
    o.read_timeout = 600s;
    o.keep_alive_timeout = 600s;
}

TEST(SlowClients, FiveHundredSilentOrTricklingConnectionsLeaveHealthAndKioskSyncAnswering) {
    make_room_for_fds(2048);
    Receiver receiver("sqlite");
    receiver.restart_with(patient);
    const int port = std::stoi(receiver.url().substr(receiver.url().rfind(':') + 1));
    const SlowCrowd crowd(port, 250, 250);
    ASSERT_EQ(crowd.connected(), 500);

    const auto [status, body] = http_get(receiver.url() + "/v1/health");
    EXPECT_EQ(status, 200) << body;
    Kiosk k;
    k.fill(30);
    const auto drained = k.drain(receiver.url(), receiver.kiosk_token, Kiosk::quick(), 10);
    EXPECT_FALSE(drained.failure) << drained.failure->detail;
    EXPECT_EQ(drained.accepted, 30);
    expect_exactly_once(*receiver.storage, k.all_ids);
    // All of it happened while the crowd was there: every one of its connections is still open, unanswered.
    EXPECT_EQ(crowd.still_open(), 500);
    EXPECT_GE(metric_value(receiver.url(), receiver.metrics_token, "fieldkiosk_connections_open"), 500);
}

TEST(SlowClients, StalledTlsHandshakesLeaveKioskSyncAnswering) {
    make_room_for_fds(1024);
    TempDir dir;
    const Cert cert = make_self_signed(dir);
    Receiver receiver("sqlite", 0, 40, cert.cert.string(), cert.key.string());
    receiver.restart_with(patient);
    const int port = std::stoi(receiver.url().substr(receiver.url().rfind(':') + 1));
    const SlowCrowd crowd(port, 200, 100);  // the trickling ones send bytes that are not even a TLS record
    Kiosk k;
    k.fill(20);
    auto opts = Kiosk::quick();
    opts.ca_file = cert.cert.string();
    const auto drained = k.drain(receiver.url(), receiver.kiosk_token, opts, 10);
    EXPECT_FALSE(drained.failure) << drained.failure->detail;
    EXPECT_EQ(drained.accepted, 20);
    expect_exactly_once(*receiver.storage, k.all_ids);
    EXPECT_GE(crowd.still_open(), 200);  // the silent ones at least (the others may be refused as not TLS)
}

TEST(SlowClients, RequestsNeverFinishedAreClosedAtTheirDeadlineEvenWhileTrickling) {
    Receiver receiver("sqlite");
    receiver.restart_with([](sync::server::ServerOptions& o) { o.read_timeout = 1s; });
    const int port = std::stoi(receiver.url().substr(receiver.url().rfind(':') + 1));
    const int half = connect_to(port);
    send_text(half, "GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    const int silent = connect_to(port);
    const int trickler = connect_to(port);
    send_text(trickler, "GET /v1/health HTTP/1.1\r\nX-Slow: ");
    // A byte every 100 ms: never idle for long, but the header as a whole is late.
    bool answered = false;
    for (int i = 0; i < 600 && !answered; ++i) {
        ::send(trickler, "a", 1, MSG_NOSIGNAL | MSG_DONTWAIT);
        pollfd p{trickler, POLLIN, 100};
        answered = ::poll(&p, 1, 100) > 0;
    }
    ASSERT_TRUE(answered) << "a trickling client kept its connection for a minute";
    EXPECT_TRUE(read_until_closed(trickler).starts_with("HTTP/1.1 408")) << "trickler";
    EXPECT_TRUE(read_until_closed(half).starts_with("HTTP/1.1 408"));
    EXPECT_EQ(read_until_closed(silent), "");  // nothing asked, nothing answered: just closed
    for (const int fd : {half, silent, trickler}) ::close(fd);
    EXPECT_GE(metric_value(receiver.url(), receiver.metrics_token, "fieldkiosk_connections_timed_out_total"), 3);
    EXPECT_EQ(http_get(receiver.url() + "/v1/health").first, 200);
}

TEST(SlowClients, OverTheConnectionCapANewClientIsToldTheServerIsBusy) {
    Receiver receiver("sqlite");
    receiver.restart_with([](sync::server::ServerOptions& o) {
        patient(o);
        o.max_connections = 16;
    });
    const int port = std::stoi(receiver.url().substr(receiver.url().rfind(':') + 1));
    std::vector<int> held;
    for (int i = 0; i < 16; ++i) held.push_back(connect_to(port));
    // The server accepts in order: once the 17th is refused, all 16 are held.
    const int extra = connect_to(port);
    const std::string answer = read_until_closed(extra);
    ::close(extra);
    EXPECT_TRUE(answer.starts_with("HTTP/1.1 503")) << answer;
    EXPECT_NE(answer.find("Retry-After: 2"), std::string::npos) << answer;
    EXPECT_NE(answer.find("too many open connections"), std::string::npos) << answer;
    for (const int fd : held) EXPECT_TRUE(still_waiting(fd));
    for (const int fd : held) ::close(fd);
    // Once they are gone, the server takes new clients again.
    EXPECT_TRUE(wait_until([&] { return http_get(receiver.url() + "/v1/health").first == 200; }, 30s, 50ms));
    EXPECT_GE(metric_value(receiver.url(), receiver.metrics_token, "fieldkiosk_connections_refused_total"), 1);
}

TEST(SlowClients, OversizedHeadersAndDeclaredBodiesAreRefusedUnread) {
    Receiver receiver("sqlite");
    const int port = std::stoi(receiver.url().substr(receiver.url().rfind(':') + 1));
    const int big_head = connect_to(port);
    send_text(big_head, "GET /v1/health HTTP/1.1\r\nX-Big: " + std::string(20 * 1024, 'a'));
    EXPECT_TRUE(read_until_closed(big_head).starts_with("HTTP/1.1 431"));
    const int big_body = connect_to(port);
    send_text(big_body, "POST /v1/batches HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999999\r\n\r\n");
    const std::string answer = read_until_closed(big_body);
    EXPECT_TRUE(answer.starts_with("HTTP/1.1 413")) << answer;
    EXPECT_NE(answer.find("too_large"), std::string::npos) << answer;
    const int garbage = connect_to(port);
    send_text(garbage, "HELLO\r\n\r\n");
    EXPECT_TRUE(read_until_closed(garbage).starts_with("HTTP/1.1 400"));
    for (const int fd : {big_head, big_body, garbage}) ::close(fd);
    EXPECT_EQ(receiver.responses(), 0);
}

TEST(SlowClients, PipelinedRequestsAreAnsweredInOrderAndConnectionCloseIsHonoured) {
    Receiver receiver("sqlite");
    receiver.restart_with(patient);  // an ignored "close" would leave the connection open for 600 s
    const int port = std::stoi(receiver.url().substr(receiver.url().rfind(':') + 1));
    const int fd = connect_to(port);
    send_text(fd,
              "GET /v1/limits HTTP/1.1\r\nHost: x\r\n\r\n"
              "GET /v1/nowhere HTTP/1.1\r\nHost: x\r\n\r\n"
              "GET /v1/limits HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    const std::string got = read_until_closed(fd);
    ::close(fd);
    const auto first = got.find("HTTP/1.1 200"), second = got.find("HTTP/1.1 404"), third = got.rfind("HTTP/1.1 200");
    ASSERT_NE(first, std::string::npos) << got;
    ASSERT_NE(second, std::string::npos) << got;
    EXPECT_LT(first, second);
    EXPECT_LT(second, third);
    EXPECT_NE(got.find("Connection: close", third), std::string::npos) << got;
    // HTTP/1.0 without keep-alive: one answer, then closed.
    const int old = connect_to(port);
    send_text(old, "GET /v1/limits HTTP/1.0\r\n\r\n");
    const std::string once = read_until_closed(old);
    ::close(old);
    EXPECT_TRUE(once.starts_with("HTTP/1.1 200")) << once;
    EXPECT_NE(once.find("Connection: close"), std::string::npos) << once;
}

// An HttpCore answering GET /file with "head-" and then `file` (a body held in a file, as exports are), and
// anything else with "small". write_timeout is short: a file body's deadline counts from its last progress.
class FileServer {
public:
    explicit FileServer(std::shared_ptr<const sync::server::FileBody> file) : m_file(std::move(file)) {
        sync::server::HttpCoreOptions o;
        o.port = 0;
        o.workers = 2;
        o.write_timeout = 2s;
        m_core = std::make_unique<sync::server::HttpCore>(o, [this](sync::server::HttpRequest& r) {
            sync::server::HttpResponse res;
            res.content_type = "application/octet-stream";
            res.body = r.path == "/file" ? "head-" : "small";
            if (r.path == "/file") res.file = m_file;
            return res;
        });
        if (!m_core->bind()) throw std::runtime_error(m_core->error());
        m_thread = std::thread([this] { m_core->run(); });
        if (!wait_until([this] { return m_core->is_running(); }, 10s)) {
            m_core->stop();
            m_thread.join();  // a thread still joinable at the throw would end the test program
            throw std::runtime_error("did not start");
        }
    }
    ~FileServer() {
        m_core->stop();
        m_thread.join();
    }
    FileServer(const FileServer&) = delete;
    FileServer& operator=(const FileServer&) = delete;
    [[nodiscard]] int port() const { return m_core->port(); }

private:
    std::shared_ptr<const sync::server::FileBody> m_file;
    std::unique_ptr<sync::server::HttpCore> m_core;
    std::thread m_thread;
};

// A file of `n` bytes of a pattern that no shift of it repeats soon, open for reading, and its bytes.
std::pair<std::shared_ptr<const sync::server::FileBody>, std::string> pattern_file(std::size_t n) {
    std::string bytes(n, '\0');
    for (std::size_t i = 0; i < n; ++i) bytes[i] = static_cast<char>((i * 131 + i / 997) % 251);
    char name[] = "/tmp/fieldkiosk-file-body-XXXXXX";
    const int fd = ::mkstemp(name);
    EXPECT_GE(fd, 0);
    ::unlink(name);
    EXPECT_EQ(::write(fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
    return {std::make_shared<const sync::server::FileBody>(fd, n), bytes};
}

// The body of the first answer in `got` (by its Content-Length), and what follows it.
std::pair<std::string, std::string> first_body(const std::string& got) {
    const auto end = got.find("\r\n\r\n");
    const auto at = got.find("Content-Length: ");
    if (end == std::string::npos || at == std::string::npos || at > end) return {};
    const std::size_t len = std::stoull(got.substr(at + 16));
    return {got.substr(end + 4, len), end + 4 + len <= got.size() ? got.substr(end + 4 + len) : std::string{}};
}

TEST(SlowClients, AFileBodyIsSentWholeWithItsLengthAndTheConnectionServesTheNextRequest) {
    auto [file, bytes] = pattern_file((3u << 20) + 17);  // several pieces, the last one short
    FileServer server(file);
    const int fd = connect_to(server.port());
    ASSERT_GE(fd, 0);
    send_text(fd, "GET /file HTTP/1.1\r\nHost: x\r\n\r\nGET /other HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    const std::string got = read_until_closed(fd);
    ::close(fd);
    ASSERT_TRUE(got.starts_with("HTTP/1.1 200 OK\r\n")) << got.substr(0, 200);
    EXPECT_NE(got.find("Content-Length: " + std::to_string(5 + bytes.size()) + "\r\n"), std::string::npos);
    const auto [body, rest] = first_body(got);
    ASSERT_EQ(body.size(), 5 + bytes.size());
    EXPECT_TRUE(body == "head-" + bytes) << "the file's bytes, in order, after the in-memory part";
    EXPECT_TRUE(rest.starts_with("HTTP/1.1 200 OK\r\n")) << rest.substr(0, 200);
    EXPECT_TRUE(rest.ends_with("\r\n\r\nsmall")) << rest;
}

// A client that reads slowly gets the whole file: the write deadline (2 s) counts from the last progress, not
// from the start of an answer that takes longer than that to read.
TEST(SlowClients, AFileBodyReadSlowlyIsNotCutAtTheWriteDeadline) {
    auto [file, bytes] = pattern_file(24u << 20);
    FileServer server(file);
    const int fd = connect_to(server.port());
    ASSERT_GE(fd, 0);
    const int small = 64 * 1024;
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    send_text(fd, "GET /file HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    std::string got;
    std::vector<char> buf(1 << 20);
    const auto started = std::chrono::steady_clock::now();
    for (;;) {  // about 1 MiB every 200 ms: five seconds or more for the whole file
        const auto n = ::recv(fd, buf.data(), buf.size(), MSG_WAITALL);
        if (n <= 0) break;
        got.append(buf.data(), static_cast<std::size_t>(n));
        std::this_thread::sleep_for(200ms);
    }
    ::close(fd);
    ASSERT_GT(std::chrono::steady_clock::now() - started, 2s) << "the read was not slower than the deadline: the test shows nothing";
    const auto [body, rest] = first_body(got);
    EXPECT_EQ(body.size(), 5 + bytes.size()) << "cut after " << got.size() << " bytes";
    EXPECT_TRUE(body == "head-" + bytes);
}

// A file that cannot be read to its length (here it has no bytes at all) ends the connection after what could be
// sent: the client sees a body shorter than its Content-Length, never a hang or a complete-looking answer.
TEST(SlowClients, AFileBodyThatCannotBeReadEndsTheConnection) {
    FileServer server(std::make_shared<const sync::server::FileBody>(::open("/dev/null", O_RDONLY | O_CLOEXEC), 4096));
    const int fd = connect_to(server.port());
    ASSERT_GE(fd, 0);
    send_text(fd, "GET /file HTTP/1.1\r\nHost: x\r\n\r\n");
    const std::string got = read_until_closed(fd, 30s);
    ::close(fd);
    EXPECT_NE(got.find("Content-Length: 4101\r\n"), std::string::npos) << got;
    EXPECT_TRUE(got.ends_with("\r\n\r\nhead-")) << got;
}

}  // namespace
}  // namespace fieldkiosk::testing
