// fieldkiosk::sync::client::HttpTransport — what SyncEngine needs from HTTP: POST a body (batches) or GET
// a document (survey updates), and get a status, headers and a body back. CurlTransport
// (curl_transport.hpp) is the real one.
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
    // The most body bytes taken in the answer; more ends the request with TransportError::Kind::TooLarge.
    // 0: no cap (batch answers are small and come from the server the kiosk posts to).
    std::size_t max_response_bytes = 0;
};

// The cap SurveyUpdater puts on a GET (a survey file is a few tens of KiB; core's loader takes at most 4 MiB).
inline constexpr std::size_t k_max_get_bytes = 4u << 20;

struct HttpResponse {
    int status = 0;
    std::string body;
    std::optional<std::chrono::seconds> retry_after;           // from a Retry-After header (seconds or HTTP date)
    std::uint64_t bytes_sent = 0;                              // request body bytes on the wire
    std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased, values trimmed; last one wins in header()

    // The value of header `lower_case_name`, or "" when absent.
    [[nodiscard]] std::string header(std::string_view lower_case_name) const {
        for (auto it = headers.rbegin(); it != headers.rend(); ++it)
            if (it->first == lower_case_name) return it->second;
        return {};
    }
};

struct TransportError {
    enum class Kind : std::uint8_t {
        Connect,   // no route, refused, DNS: the server is not reachable
        Timeout,   // connect or low-speed time-out
        Tls,       // certificate, host name or pinned key did not verify
        Dropped,   // the connection broke before the whole answer arrived
        Insecure,  // refused before connecting: plain http:// to a host that is not loopback (nothing was sent)
        Other,
        TooLarge,  // the answer's body was larger than HttpRequest::max_response_bytes (the rest was not read)
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
    // GET request.url with request.headers (request.body is ignored); same security rules as post().
    [[nodiscard]] virtual std::expected<HttpResponse, TransportError> get(const HttpRequest& request) = 0;
};

}  // namespace fieldkiosk::sync::client
