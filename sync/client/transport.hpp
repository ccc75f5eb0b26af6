// fieldkiosk::sync::client::HttpTransport — the one thing SyncEngine needs from HTTP: POST a body, get a
// status and a body back. CurlTransport (curl_transport.hpp) is the real one.
//
// Thread-safety: a transport belongs to the thread that made it (libcurl: one easy handle per thread).
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fieldkiosk::sync::client {

struct HttpRequest {
    std::string url;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
};

struct HttpResponse {
    int status = 0;
    std::string body;
    std::optional<std::chrono::seconds> retry_after;  // from a Retry-After header (seconds or HTTP date)
    std::uint64_t bytes_sent = 0;                     // request body bytes on the wire
};

struct TransportError {
    enum class Kind : std::uint8_t {
        Connect,  // no route, refused, DNS: the server is not reachable
        Timeout,  // connect or low-speed time-out
        Tls,      // certificate, host name or pinned key did not verify
        Dropped,   // the connection broke before the whole answer arrived
        Insecure,  // refused before connecting: plain http:// to a host that is not loopback (nothing was sent)
        Other,
    };
    Kind kind = Kind::Other;
    std::string message;  // libcurl's words, for logs
};

// The start of TransportError::message for Kind::Insecure.
inline constexpr std::string_view k_insecure_url_message = "refusing plain http://";

class HttpTransport {
public:
    virtual ~HttpTransport() = default;
    [[nodiscard]] virtual std::expected<HttpResponse, TransportError> post(const HttpRequest& request) = 0;
};

}  // namespace fieldkiosk::sync::client
