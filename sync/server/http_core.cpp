// HttpCore: the epoll loop (http_core.hpp has the connection's state diagram).
//
// Index:
//   Conn, io_read/io_write   one connection; plain or TLS (OpenSSL, non-blocking) reads and writes
//   Loop                     accept, read/parse, hand to workers, write, deadlines, the worker pool
//   HttpCore                 the public face
#include "sync/server/http_core.hpp"

#include "sync/protocol/wire.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <charconv>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

namespace fieldkiosk::sync::server {

namespace {

using SteadyClock = std::chrono::steady_clock;
constexpr std::uint64_t k_listen_id = 0, k_wake_id = 1;
constexpr auto k_drain_time = std::chrono::seconds(2);

enum class State : std::uint8_t { Handshake, ReadHead, ReadBody, Working, Writing, Draining };

struct Conn {
    std::uint64_t id = 0;
    int fd = -1;
    SSL* ssl = nullptr;
    State state = State::ReadHead;
    bool idle = false;     // ReadHead between keep-alive requests, no byte yet
    bool dead = false;     // the peer vanished while Working: the answer is dropped
    bool cut = false;      // the answer is deliberately short: close without draining
    bool close_after = false;
    bool client_closes = false;  // the request in Working asked to close after its answer
    std::uint32_t events = 0;
    int served = 0;
    std::string in, out;
    std::size_t out_off = 0, head_end = 0, body_len = 0;
    std::shared_ptr<const FileBody> file;  // the answer's body still to send from a file, from file_off
    std::size_t file_off = 0;
    HttpRequest req;
    SteadyClock::time_point deadline;
};

// EAGAIN and EWOULDBLOCK are the same number on Linux, but POSIX allows them to differ.
bool would_block(int e) {
    if (e == EAGAIN) return true;
    return e == EWOULDBLOCK;
}

enum class Io : std::uint8_t { Ok, Again, Eof, Error };
struct IoResult {
    Io kind;
    std::size_t n = 0;
    bool want_write = false;
};

IoResult ssl_result(SSL* ssl, int r) {
    switch (SSL_get_error(ssl, r)) {
        case SSL_ERROR_WANT_READ: return {Io::Again, 0, false};
        case SSL_ERROR_WANT_WRITE: return {Io::Again, 0, true};
        case SSL_ERROR_ZERO_RETURN: return {Io::Eof};
        default: return {Io::Error};
    }
}

IoResult io_read(Conn& c, char* buf, std::size_t cap) {
    if (c.ssl != nullptr) {
        ERR_clear_error();
        const int r = SSL_read(c.ssl, buf, static_cast<int>(cap));
        return r > 0 ? IoResult{Io::Ok, static_cast<std::size_t>(r)} : ssl_result(c.ssl, r);
    }
    while (true) {
        const ssize_t r = ::recv(c.fd, buf, cap, 0);
        if (r > 0) return {Io::Ok, static_cast<std::size_t>(r)};
        if (r == 0) return {Io::Eof};
        if (errno == EINTR) continue;
        return {would_block(errno) ? Io::Again : Io::Error};
    }
}

IoResult io_write(Conn& c, const char* buf, std::size_t n) {
    if (c.ssl != nullptr) {
        ERR_clear_error();
        const int r = SSL_write(c.ssl, buf, static_cast<int>(n));
        return r > 0 ? IoResult{Io::Ok, static_cast<std::size_t>(r)} : ssl_result(c.ssl, r);
    }
    while (true) {
        const ssize_t r = ::send(c.fd, buf, n, MSG_NOSIGNAL);
        if (r >= 0) return {Io::Ok, static_cast<std::size_t>(r)};
        if (errno == EINTR) continue;
        // A full send buffer: wait until it can take more (EPOLLOUT). Waiting for EPOLLIN, as before, left an
        // answer larger than the socket buffers stalled until its deadline unless the client sent something.
        return {would_block(errno) ? Io::Again : Io::Error, 0, true};
    }
}

HttpResponse error_response(int status, std::string code, std::string message) {
    HttpResponse r;
    r.status = status;
    r.set_content(protocol::encode(protocol::ErrorBody{std::move(code), std::move(message), std::nullopt}), "application/json");
    return r;
}

// Strict Content-Length: digits only.
std::optional<std::size_t> parse_length(std::string_view s) {
    std::size_t v = 0;
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
    return v;
}

}  // namespace

struct HttpCore::Loop {
    HttpCoreOptions opt;
    Handler handler;
    int listen_fd = -1, epfd = -1, wake_fd = -1, reserve_fd = -1;
    SSL_CTX* ctx = nullptr;
    std::unordered_map<std::uint64_t, std::unique_ptr<Conn>> conns;
    std::uint64_t next_id = 2;
    std::atomic<bool> stopping{false};
    std::atomic<std::uint64_t> refused{0}, timed_out{0}, open{0};

    struct Job {
        std::uint64_t id;
        HttpRequest req;
    };
    struct Done {
        std::uint64_t id;
        HttpResponse res;
    };
    std::mutex jobs_mutex;
    std::condition_variable jobs_cv;
    std::deque<Job> jobs;
    bool workers_quit = false;
    std::mutex done_mutex;
    std::vector<Done> done;
    std::vector<std::thread> workers;

    Loop(HttpCoreOptions o, Handler h) : opt(std::move(o)), handler(std::move(h)) {}
    ~Loop() {
        for (auto& [id, c] : conns) release(*c);
        for (int fd : {listen_fd, epfd, wake_fd, reserve_fd})
            if (fd >= 0) ::close(fd);
        if (ctx != nullptr) SSL_CTX_free(ctx);
    }
    Loop(const Loop&) = delete;
    Loop& operator=(const Loop&) = delete;

    void wake() const {
        const std::uint64_t one = 1;
        [[maybe_unused]] const auto n = ::write(wake_fd, &one, sizeof one);
    }

    // --- set-up ---
    std::string load_tls() {
        ctx = SSL_CTX_new(TLS_server_method());
        if (ctx == nullptr) return "OpenSSL could not make a TLS context";
        SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
        SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION);
        SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
        if (SSL_CTX_use_certificate_chain_file(ctx, opt.tls_cert.c_str()) != 1)
            return "the TLS certificate '" + opt.tls_cert + "' could not be loaded (PEM expected)";
        if (SSL_CTX_use_PrivateKey_file(ctx, opt.tls_key.c_str(), SSL_FILETYPE_PEM) != 1 || SSL_CTX_check_private_key(ctx) != 1)
            return "the TLS key '" + opt.tls_key + "' could not be loaded, or does not match the certificate";
        return {};
    }

    // Every connection costs one descriptor: raise the soft limit towards the hard one, and if that is not
    // enough, take fewer connections rather than fail accept() later.
    void fit_fd_limit() {
        const auto want = static_cast<rlim_t>(opt.max_connections) + 64 + static_cast<rlim_t>(opt.workers) * 4;
        rlimit lim{};
        if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return;
        if (lim.rlim_cur < want) {
            lim.rlim_cur = lim.rlim_max == RLIM_INFINITY ? want : std::min(want, lim.rlim_max);
            setrlimit(RLIMIT_NOFILE, &lim);
            getrlimit(RLIMIT_NOFILE, &lim);
        }
        if (lim.rlim_cur < want)
            opt.max_connections = std::max(16, static_cast<int>(lim.rlim_cur) - 64 - opt.workers * 4);
    }

    std::string listen_on(std::atomic<int>& port_out) {
        addrinfo hints{};
        hints.ai_family = AF_UNSPEC;
        hints.ai_socktype = SOCK_STREAM;
        hints.ai_flags = AI_PASSIVE;
        addrinfo* res = nullptr;
        const std::string port = std::to_string(opt.port);
        if (getaddrinfo(opt.host.empty() ? nullptr : opt.host.c_str(), port.c_str(), &hints, &res) != 0 || res == nullptr)
            return "cannot resolve '" + opt.host + "'";
        for (addrinfo* a = res; a != nullptr && listen_fd < 0; a = a->ai_next) {
            const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
            if (fd < 0) continue;
            const int yes = 1;
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
            if (::bind(fd, a->ai_addr, a->ai_addrlen) == 0 && ::listen(fd, 1024) == 0) listen_fd = fd;
            else ::close(fd);
        }
        freeaddrinfo(res);
        if (listen_fd < 0) return "cannot listen on " + opt.host + ":" + port + " (in use, or not allowed)";
        sockaddr_storage ss{};
        socklen_t len = sizeof ss;
        getsockname(listen_fd, reinterpret_cast<sockaddr*>(&ss), &len);
        port_out = ntohs(ss.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port
                                                  : reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
        epfd = epoll_create1(EPOLL_CLOEXEC);
        wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        reserve_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (epfd < 0 || wake_fd < 0) return "cannot make the event loop (epoll/eventfd)";
        epoll_event ev{EPOLLIN, {.u64 = k_listen_id}};
        epoll_ctl(epfd, EPOLL_CTL_ADD, listen_fd, &ev);
        ev.data.u64 = k_wake_id;
        epoll_ctl(epfd, EPOLL_CTL_ADD, wake_fd, &ev);
        return {};
    }

    // --- connections ---
    void release(Conn& c) {
        if (c.ssl != nullptr) SSL_free(c.ssl);
        c.ssl = nullptr;
        if (c.fd >= 0) ::close(c.fd);
        c.fd = -1;
    }
    void close_conn(Conn& c) {
        if (!c.dead) epoll_ctl(epfd, EPOLL_CTL_DEL, c.fd, nullptr);
        release(c);
        --open;
        conns.erase(c.id);  // c is gone from here on
    }
    void want(Conn& c, std::uint32_t events) {
        if (c.events == events || c.dead) return;
        epoll_event ev{events, {.u64 = c.id}};
        epoll_ctl(epfd, EPOLL_CTL_MOD, c.fd, &ev);
        c.events = events;
    }

    void refuse(int fd) {
        ++refused;
        if (ctx == nullptr) {  // a TLS client could not read a plain answer: it is just closed
            static const std::string busy = [] {
                const auto r = error_response(503, "unavailable", "the server has too many open connections; try again shortly");
                HttpResponse with_retry = r;
                with_retry.set_header("Retry-After", "2");
                return serialize_head(with_retry, true) + with_retry.body;
            }();
            [[maybe_unused]] const auto n = ::send(fd, busy.data(), busy.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        }
        ::close(fd);
    }

    void accept_all() {
        while (true) {
            const int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd < 0) {
                if (errno == EINTR || errno == ECONNABORTED) continue;
                if ((errno == EMFILE || errno == ENFILE) && reserve_fd >= 0) {  // out of descriptors: shed one client
                    ::close(reserve_fd);
                    const int shed = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
                    if (shed >= 0) refuse(shed);
                    reserve_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
                    continue;
                }
                return;  // EAGAIN, or an error the next round may not have
            }
            if (static_cast<int>(conns.size()) >= opt.max_connections || stopping) {
                refuse(fd);
                continue;
            }
            const int yes = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
            auto c = std::make_unique<Conn>();
            c->id = next_id++;
            c->fd = fd;
            c->deadline = SteadyClock::now() + opt.head_timeout;
            c->events = EPOLLIN;
            if (ctx != nullptr) {
                c->ssl = SSL_new(ctx);
                SSL_set_fd(c->ssl, fd);
                SSL_set_accept_state(c->ssl);
                c->state = State::Handshake;
            }
            epoll_event ev{EPOLLIN, {.u64 = c->id}};
            epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
            ++open;
            conns.emplace(c->id, std::move(c));
        }
    }

    void on_event(Conn& c, std::uint32_t events) {
        if (c.state == State::Working) {  // only errors are reported now: remember, answer nobody
            if ((events & (EPOLLERR | EPOLLHUP)) != 0) {
                epoll_ctl(epfd, EPOLL_CTL_DEL, c.fd, nullptr);
                c.dead = true;
            }
            return;
        }
        if ((events & EPOLLERR) != 0) return close_conn(c);
        switch (c.state) {
            case State::Handshake: return handshake(c);
            case State::ReadHead:
            case State::ReadBody: return read_more(c);
            case State::Writing: return write_more(c);
            case State::Draining: return drain(c);
            case State::Working: return;
        }
    }

    void handshake(Conn& c) {
        ERR_clear_error();
        const int r = SSL_do_handshake(c.ssl);
        if (r == 1) {
            c.state = State::ReadHead;
            return read_more(c);
        }
        const IoResult io = ssl_result(c.ssl, r);
        if (io.kind != Io::Again) return close_conn(c);
        want(c, io.want_write ? EPOLLOUT : EPOLLIN);
    }

    // Reads what is there; parses as it goes. Stops once a request is complete (pipelined bytes stay in `in`).
    void read_more(Conn& c) {
        std::array<char, 16 * 1024> buf{};
        while (c.state == State::ReadHead || c.state == State::ReadBody) {
            const IoResult io = io_read(c, buf.data(), buf.size());
            if (io.kind == Io::Again) return want(c, io.want_write ? EPOLLOUT : EPOLLIN);
            if (io.kind != Io::Ok) return close_conn(c);
            c.in.append(buf.data(), io.n);
            const std::uint64_t id = c.id;
            advance(c);
            if (!conns.contains(id)) return;
        }
    }

    void early(Conn& c, int status, std::string code, std::string message) {
        send_answer(c, error_response(status, std::move(code), std::move(message)), true);
    }

    // ReadHead -> ReadBody -> Working, as far as the bytes in `in` allow.
    void advance(Conn& c) {
        if (c.state == State::ReadHead && !c.in.empty()) {
            if (c.idle) {
                c.idle = false;
                c.deadline = SteadyClock::now() + opt.head_timeout;
            }
            const auto end = c.in.find("\r\n\r\n");
            if (end == std::string::npos || end > opt.max_header_bytes) {
                if (c.in.size() > opt.max_header_bytes)
                    early(c, 431, "too_large",
                          "the request headers are larger than " + std::to_string(opt.max_header_bytes) + " bytes");
                return;
            }
            auto req = parse_head(std::string_view(c.in).substr(0, end));
            if (!req) return early(c, req.error().status, "malformed", req.error().message);
            c.req = std::move(*req);
            if (c.req.has_header("transfer-encoding"))
                return early(c, 411, "length_required", "send the body with a Content-Length (chunked uploads are not taken)");
            std::size_t length = 0;
            if (c.req.has_header("content-length")) {
                const auto parsed = parse_length(c.req.header("content-length"));
                if (!parsed) return early(c, 400, "malformed", "Content-Length is not a number");
                if (*parsed > opt.max_body_bytes)
                    return early(c, 413, "too_large", "the body is larger than " + std::to_string(opt.max_body_bytes) + " bytes");
                length = *parsed;
            }
            c.head_end = end + 4;
            c.body_len = length;
            c.state = State::ReadBody;
            c.deadline = SteadyClock::now() + opt.body_timeout + std::chrono::seconds(length / std::max<std::size_t>(1, opt.min_body_rate));
            if (length > 0 && c.in.size() < c.head_end + length && c.req.header("expect") == "100-continue") {
                static constexpr std::string_view k_continue = "HTTP/1.1 100 Continue\r\n\r\n";
                io_write(c, k_continue.data(), k_continue.size());  // best effort: a client waits a moment, then sends anyway
            }
        }
        if (c.state == State::ReadBody && c.in.size() >= c.head_end + c.body_len) {
            c.req.body = c.in.substr(c.head_end, c.body_len);
            c.in.erase(0, c.head_end + c.body_len);
            const std::string connection = c.req.header("connection");
            c.client_closes = c.req.minor_version == 0 ? connection != "keep-alive" : connection == "close";
            c.state = State::Working;
            want(c, 0);
            {
                std::lock_guard lock(jobs_mutex);
                jobs.push_back(Job{c.id, std::move(c.req)});
            }
            jobs_cv.notify_one();
        }
    }

    void send_answer(Conn& c, const HttpResponse& res, bool close) {
        close = close || res.close || res.cut_after.has_value();
        c.out = serialize_head(res, close);
        c.out += res.cut_after ? std::string_view(res.body).substr(0, *res.cut_after) : std::string_view(res.body);
        c.out_off = 0;
        c.cut = res.cut_after.has_value();
        c.file = c.cut ? nullptr : res.file;
        c.file_off = 0;
        c.close_after = close;
        c.state = State::Writing;
        c.deadline = SteadyClock::now() + opt.write_timeout;
        write_more(c);
    }

    // A file body goes out k_file_piece bytes at a time through `out`; its deadline is write_timeout without
    // progress (an export may take longer than that to download, but a client that stops reading is let go).
    static constexpr std::size_t k_file_piece = 256 * 1024;
    void write_more(Conn& c) {
        // At most four pieces of a file per turn, so that one fast download does not keep the loop from the others.
        for (int pieces = 0;; ++pieces) {
            while (c.out_off < c.out.size()) {
                const IoResult io = io_write(c, c.out.data() + c.out_off, c.out.size() - c.out_off);
                if (io.kind == Io::Again) return want(c, io.want_write ? EPOLLOUT : EPOLLIN);
                if (io.kind != Io::Ok) return close_conn(c);
                c.out_off += io.n;
                if (c.file) c.deadline = SteadyClock::now() + opt.write_timeout;
            }
            if (!c.file || c.file_off >= c.file->size()) break;
            if (pieces == 4) return want(c, EPOLLOUT);  // level-triggered: called again at once if the socket takes more
            c.out.resize(std::min(k_file_piece, c.file->size() - c.file_off));
            const ssize_t r = ::pread(c.file->fd(), c.out.data(), c.out.size(), static_cast<off_t>(c.file_off));
            if (r <= 0) return close_conn(c);  // the file cannot be read: a short body, then the connection closes
            c.out.resize(static_cast<std::size_t>(r));
            c.out_off = 0;
            c.file_off += static_cast<std::size_t>(r);
        }
        c.out.clear();
        if (c.file) c.out.shrink_to_fit();  // a file body's piece is not kept for an idle keep-alive connection
        c.file.reset();
        if (c.cut) return close_conn(c);
        if (c.close_after) {  // lingering close: the client reads the answer before our close could reset it
            if (c.ssl != nullptr) SSL_shutdown(c.ssl);
            ::shutdown(c.fd, SHUT_WR);
            c.state = State::Draining;
            c.deadline = SteadyClock::now() + k_drain_time;
            return drain(c);
        }
        c.state = State::ReadHead;
        c.idle = true;
        c.deadline = SteadyClock::now() + opt.idle_timeout;
        want(c, EPOLLIN);
        const std::uint64_t id = c.id;
        advance(c);  // a pipelined request may be waiting
        if (conns.contains(id) && (c.state == State::ReadHead || c.state == State::ReadBody)) read_more(c);
    }

    void drain(Conn& c) {
        std::array<char, 16 * 1024> buf{};
        while (true) {
            const ssize_t r = ::recv(c.fd, buf.data(), buf.size(), 0);  // raw: TLS records are discarded too
            if (r > 0) continue;
            if (r < 0 && would_block(errno)) return want(c, EPOLLIN);
            if (r < 0 && errno == EINTR) continue;
            return close_conn(c);
        }
    }

    void finish(std::uint64_t id, HttpResponse& res) {
        const auto it = conns.find(id);
        if (it == conns.end()) return;
        Conn& c = *it->second;
        if (c.dead) return close_conn(c);
        ++c.served;
        send_answer(c, res, c.client_closes || c.served >= opt.max_requests_per_connection || stopping);
    }

    void collect_done() {
        std::uint64_t n = 0;
        [[maybe_unused]] const auto r = ::read(wake_fd, &n, sizeof n);
        std::vector<Done> ready;
        {
            std::lock_guard lock(done_mutex);
            ready.swap(done);
        }
        for (auto& d : ready) finish(d.id, d.res);
    }

    void sweep() {
        const auto now = SteadyClock::now();
        std::vector<std::uint64_t> late;
        for (const auto& [id, c] : conns)
            if (c->state != State::Working && c->deadline < now) late.push_back(id);
        for (const auto id : late) {
            Conn& c = *conns.at(id);
            ++timed_out;
            const bool mid_request = (c.state == State::ReadHead && !c.in.empty() && !c.idle) || c.state == State::ReadBody;
            if (mid_request && c.ssl == nullptr)
                early(c, 408, "timeout", "the request did not arrive in time");  // then Writing, with its own deadline
            else
                close_conn(c);
        }
    }

    // --- workers ---
    void work() {
        while (true) {
            Job job;
            {
                std::unique_lock lock(jobs_mutex);
                jobs_cv.wait(lock, [this] { return workers_quit || !jobs.empty(); });
                if (workers_quit) return;
                job = std::move(jobs.front());
                jobs.pop_front();
            }
            HttpResponse res;
            try {
                res = handler(job.req);
            } catch (...) {
                res = error_response(500, "internal", "internal error");
                res.close = true;
            }
            {
                std::lock_guard lock(done_mutex);
                done.push_back(Done{job.id, std::move(res)});
            }
            wake();
        }
    }

    void serve() {
        for (int i = 0; i < std::max(1, opt.workers); ++i) workers.emplace_back([this] { work(); });
        std::array<epoll_event, 256> events{};
        auto last_sweep = SteadyClock::now();
        while (!stopping) {
            const int n = epoll_wait(epfd, events.data(), static_cast<int>(events.size()), 100);
            for (int i = 0; i < n; ++i) {
                const std::uint64_t id = events[i].data.u64;
                if (id == k_listen_id) accept_all();
                else if (id == k_wake_id) collect_done();
                else if (const auto it = conns.find(id); it != conns.end()) on_event(*it->second, events[i].events);
            }
            if (const auto now = SteadyClock::now(); now - last_sweep >= std::chrono::milliseconds(100)) {
                sweep();
                last_sweep = now;
            }
        }
        {
            std::lock_guard lock(jobs_mutex);
            workers_quit = true;
        }
        jobs_cv.notify_all();
        for (auto& t : workers) t.join();
        workers.clear();
        for (auto& [id, c] : conns) release(*c);
        conns.clear();
        open = 0;
        ::close(listen_fd);
        listen_fd = -1;
    }
};

HttpCore::HttpCore(HttpCoreOptions options, Handler handler)
    : m_loop(std::make_unique<Loop>(std::move(options), std::move(handler))) {}

HttpCore::~HttpCore() { stop(); }

bool HttpCore::bind() {
    if (!m_loop->opt.tls_cert.empty() && !m_loop->opt.tls_key.empty())
        if (m_error = m_loop->load_tls(); !m_error.empty()) return false;
    m_loop->fit_fd_limit();
    m_error = m_loop->listen_on(m_port);
    return m_error.empty();
}

bool HttpCore::run() {
    if (m_loop->listen_fd < 0 || m_loop->epfd < 0) return false;
    if (m_loop->stopping) return true;
    // OpenSSL writes with write(), not send(MSG_NOSIGNAL): a client gone mid-answer would raise SIGPIPE and
    // kill the process. Only this thread writes to sockets, so SIGPIPE is blocked here alone (write then
    // fails with EPIPE), and any left pending is taken before the caller's mask is restored.
    sigset_t pipe_only, old;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_only, &old);
    m_running = true;
    m_loop->serve();
    m_running = false;
    const timespec zero{};
    while (sigtimedwait(&pipe_only, nullptr, &zero) == SIGPIPE) {
    }
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    return true;
}

void HttpCore::stop() {
    if (!m_loop) return;
    m_loop->stopping = true;
    if (m_loop->wake_fd >= 0) m_loop->wake();
}

HttpCoreStats HttpCore::stats() const {
    return {m_loop->open.load(), m_loop->refused.load(), m_loop->timed_out.load()};
}

}  // namespace fieldkiosk::sync::server
