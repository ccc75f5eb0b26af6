// fieldkiosk::sync::client::CurlTransport — HttpTransport over one libcurl easy handle (POST and GET share
// every rule below; HttpRequest::max_response_bytes caps the answer's body).
//
// Plain http:// is refused (TransportError::Kind::Insecure, nothing sent) unless the host is loopback
// (127.0.0.0/8, ::1, localhost): the bearer token must never cross a network unencrypted.
// TLS peer and host verification are always on; a custom CA file and a pinned public key
// ("sha256//BASE64") are optional. CURLOPT_NOSIGNAL is set (threads), with explicit connect, low-speed
// and total time-outs. Call curl_global_init() once in main() (CurlGlobal) before any thread makes one.
// Thread-safety: one CurlTransport per thread.
#pragma once

#include "sync/client/transport.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace fieldkiosk::sync::client {

struct CurlOptions {
    std::chrono::seconds connect_timeout{10};
    std::chrono::seconds total_timeout{120};  // a whole request, however fast it moves
    long low_speed_bytes_per_s = 64;          // below this for low_speed_time: give up
    std::chrono::seconds low_speed_time{20};
    std::string ca_file;            // PEM bundle to trust instead of the system's
    std::string pinned_public_key;  // CURLOPT_PINNEDPUBLICKEY, e.g. "sha256//AbC...="
};

// True for localhost, 127.0.0.0/8 and ::1 (IPv6 literals with or without brackets).
[[nodiscard]] bool is_loopback_host(std::string_view host);
// Why `url` must not be used (plain http:// to a host that is not loopback), or nullopt when it may.
[[nodiscard]] std::optional<std::string> insecure_url_problem(const std::string& url);

// RAII curl_global_init / curl_global_cleanup: one in main(), before threads start.
class CurlGlobal {
public:
    CurlGlobal();
    ~CurlGlobal();
    CurlGlobal(const CurlGlobal&) = delete;
    CurlGlobal& operator=(const CurlGlobal&) = delete;
};

class CurlTransport final : public HttpTransport {
public:
    explicit CurlTransport(CurlOptions options = {});
    ~CurlTransport() override;
    CurlTransport(const CurlTransport&) = delete;
    CurlTransport& operator=(const CurlTransport&) = delete;

    [[nodiscard]] std::expected<HttpResponse, TransportError> post(const HttpRequest& request) override;
    [[nodiscard]] std::expected<HttpResponse, TransportError> get(const HttpRequest& request) override;

private:
    [[nodiscard]] std::expected<HttpResponse, TransportError> perform(const HttpRequest& request, bool post);
    CurlOptions m_options;
    void* m_easy = nullptr;  // CURL*
};

}  // namespace fieldkiosk::sync::client
