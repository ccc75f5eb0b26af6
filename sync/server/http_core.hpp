// fieldkiosk::sync::server::HttpCore — the receiver's network side: one epoll loop that accepts, reads and
// buffers each request until it is complete (headers, then Content-Length body), and only then hands it to a
// bounded pool of workers; answers are written back by the loop without blocking it. Slow or idle clients
// therefore hold a file descriptor and a buffer, never a worker (docs/receiver.md says why we wrote this).
//
// Index:
//   HttpCoreOptions   listen address, workers, deadlines, size caps, connection cap, optional TLS (OpenSSL)
//   HttpCore          bind() then run() (blocks) on one thread; stop() from any other
//
// A connection's life (each state has one deadline; passing it closes the connection, with 408 in ReadHead
// once bytes came, and a plain close otherwise):
//
//   accept ──> Handshake (TLS only) ──> ReadHead ──> ReadBody ──> Working ──> Writing ──┬─> ReadHead (keep-alive)
//                                          │            │                              └─> Draining ─> closed
//                                          └────────────┴── early answer (400/411/413/431) ─> Writing (close)
//
// Over max_connections, a new plain-HTTP connection gets "503" and is closed at once (a TLS one is closed).
//
// Thread-safety: run() blocks its caller; the handler runs on `workers` threads at once and must be
// thread-safe. stop(), port(), is_running() and stats() are safe from any thread.
#pragma once

#include "sync/server/http_message.hpp"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace fieldkiosk::sync::server {

struct HttpCoreOptions {
    std::string host = "127.0.0.1";
    int port = 8080;    // 0: any free port
    int workers = 8;    // threads running the handler
    std::chrono::milliseconds head_timeout{10'000};        // TLS handshake + the whole header, from the first byte
    std::chrono::milliseconds idle_timeout{5'000};         // keep-alive: waiting for the next request's first byte
    std::chrono::milliseconds body_timeout{10'000};        // the body: this, plus one second per min_body_rate bytes
    std::size_t min_body_rate = 16 * 1024;                 // bytes per second a slow uplink is granted for its body
    std::chrono::milliseconds write_timeout{10'000};       // the whole answer
    std::size_t max_header_bytes = 16 * 1024;              // request line + headers (431 above)
    std::size_t max_body_bytes = 8u << 20;                 // Content-Length above: 413, body left unread
    int max_connections = 1024;                            // open at once; above: 503 and close
    int max_requests_per_connection = 100;
    std::string tls_cert, tls_key;                         // both set: TLS (PEM files)
};

struct HttpCoreStats {
    std::uint64_t connections_open = 0, connections_refused = 0, connections_timed_out = 0;
};

class HttpCore {
public:
    using Handler = std::function<HttpResponse(HttpRequest&)>;
    HttpCore(HttpCoreOptions options, Handler handler);
    ~HttpCore();
    HttpCore(const HttpCore&) = delete;
    HttpCore& operator=(const HttpCore&) = delete;

    // Loads TLS (if set), raises the open-files soft limit as far as needed, binds and listens.
    [[nodiscard]] bool bind();
    // Serves until stop(); returns false if bind() was not called or failed.
    bool run();
    void stop();
    [[nodiscard]] int port() const { return m_port.load(); }
    [[nodiscard]] bool is_running() const { return m_running.load(); }
    [[nodiscard]] HttpCoreStats stats() const;
    [[nodiscard]] const std::string& error() const { return m_error; }

private:
    struct Loop;
    std::unique_ptr<Loop> m_loop;
    std::atomic<int> m_port{0};
    std::atomic<bool> m_running{false};
    std::string m_error;
};

}  // namespace fieldkiosk::sync::server
