#include "sync/client/curl_transport.hpp"

#include <curl/curl.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cctype>
#include <charconv>
#include <ctime>
#include <stdexcept>

namespace fieldkiosk::sync::client {

namespace {

struct Collected {
    std::string body;
    std::optional<std::chrono::seconds> retry_after;
    std::vector<std::pair<std::string, std::string>> headers;
    std::size_t max_body = 0;  // 0: no cap
    bool too_large = false;
};

std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user) {
    auto* c = static_cast<Collected*>(user);
    if (c->max_body > 0 && c->body.size() + size * n > c->max_body) {
        c->too_large = true;
        return 0;  // libcurl stops with CURLE_WRITE_ERROR
    }
    c->body.append(data, size * n);
    return size * n;
}

// "Name: value\r\n" -> (lower-case name, trimmed value); the status line and the blank line are skipped.
void keep_header(std::string_view line, Collected& c) {
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return;
    std::string name(line.substr(0, colon));
    for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) value.remove_suffix(1);
    if (c.headers.size() < 100) c.headers.emplace_back(std::move(name), std::string(value));
}

std::size_t on_header(char* data, std::size_t size, std::size_t n, void* user) {
    std::string_view line(data, size * n);
    keep_header(line, *static_cast<Collected*>(user));
    constexpr std::string_view k_name = "retry-after:";
    if (line.size() > k_name.size()) {
        bool match = true;
        for (std::size_t i = 0; i < k_name.size() && match; ++i)
            match = std::tolower(static_cast<unsigned char>(line[i])) == k_name[i];
        if (match) {
            std::string value(line.substr(k_name.size()));
            while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.erase(0, 1);
            while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) value.pop_back();
            long long secs = 0;
            auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), secs);
            auto* c = static_cast<Collected*>(user);
            if (ec == std::errc() && p == value.data() + value.size() && secs >= 0) {
                c->retry_after = std::chrono::seconds(secs);
            } else if (const time_t at = curl_getdate(value.c_str(), nullptr); at > 0) {
                c->retry_after = std::chrono::seconds(std::max<long long>(0, at - std::time(nullptr)));
            }
        }
    }
    return size * n;
}

TransportError classify(CURLcode rc, const char* detail) {
    using K = TransportError::Kind;
    K kind = K::Other;
    switch (rc) {
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_RESOLVE_PROXY:
        case CURLE_COULDNT_CONNECT:
            kind = K::Connect;
            break;
        case CURLE_OPERATION_TIMEDOUT:
            kind = K::Timeout;
            break;
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CONNECT_ERROR:
        case CURLE_SSL_CERTPROBLEM:
        case CURLE_SSL_CACERT_BADFILE:
        case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
            kind = K::Tls;
            break;
        case CURLE_GOT_NOTHING:
        case CURLE_RECV_ERROR:
        case CURLE_SEND_ERROR:
        case CURLE_PARTIAL_FILE:
            kind = K::Dropped;
            break;
        default:
            break;
    }
    std::string msg = curl_easy_strerror(rc);
    if (detail && *detail) msg += std::string(": ") + detail;
    return TransportError{kind, std::move(msg)};
}

}  // namespace

bool is_loopback_host(std::string_view host) {
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    std::string lower(host);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    while (!lower.empty() && lower.back() == '.') lower.pop_back();  // "localhost." is localhost too
    if (lower == "localhost") return true;
    in_addr v4{};
    if (inet_pton(AF_INET, lower.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
    in6_addr v6{};
    if (inet_pton(AF_INET6, lower.c_str(), &v6) == 1) return IN6_IS_ADDR_LOOPBACK(&v6);
    return false;
}

std::optional<std::string> insecure_url_problem(const std::string& url) {
    CURLU* u = curl_url();
    if (u == nullptr) return std::nullopt;
    std::optional<std::string> problem;
    char* scheme = nullptr;
    char* host = nullptr;
    // CURLU_GUESS_SCHEME: read a URL without a scheme as curl_easy_perform would (http://, mostly).
    std::string lower_scheme;
    if (curl_url_set(u, CURLUPART_URL, url.c_str(), CURLU_GUESS_SCHEME) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK) {
        for (const char* c = scheme; *c != '\0'; ++c) lower_scheme += static_cast<char>(std::tolower(static_cast<unsigned char>(*c)));
    }
    if (lower_scheme == "http") {
        const bool loopback = curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK && is_loopback_host(host);
        if (!loopback)
            problem = std::string(k_insecure_url_message) + " to '" + (host ? host : "") +
                      "': the kiosk's token would cross the network unencrypted; use https:// (plain http:// is only "
                      "allowed to loopback: 127.0.0.0/8, ::1, localhost)";
    }
    curl_free(scheme);
    curl_free(host);
    curl_url_cleanup(u);
    return problem;
}

CurlGlobal::CurlGlobal() {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw std::runtime_error("curl_global_init failed");
}
CurlGlobal::~CurlGlobal() { curl_global_cleanup(); }

CurlTransport::CurlTransport(CurlOptions options) : m_options(std::move(options)), m_easy(curl_easy_init()) {
    if (m_easy == nullptr) throw std::runtime_error("curl_easy_init failed");
}

CurlTransport::~CurlTransport() { curl_easy_cleanup(static_cast<CURL*>(m_easy)); }

std::expected<HttpResponse, TransportError> CurlTransport::post(const HttpRequest& request) { return perform(request, true); }
std::expected<HttpResponse, TransportError> CurlTransport::get(const HttpRequest& request) { return perform(request, false); }

std::expected<HttpResponse, TransportError> CurlTransport::perform(const HttpRequest& request, bool post) {
    if (auto problem = insecure_url_problem(request.url))
        return std::unexpected(TransportError{TransportError::Kind::Insecure, std::move(*problem)});
    CURL* h = static_cast<CURL*>(m_easy);
    curl_easy_reset(h);  // keeps the connection cache: keep-alive across batches
    Collected got;
    got.max_body = request.max_response_bytes;
    char errbuf[CURL_ERROR_SIZE] = {0};
    curl_slist* headers = nullptr;
    for (const auto& [k, v] : request.headers) headers = curl_slist_append(headers, (k + ": " + v).c_str());
    headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip
    curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    if (post) {
        curl_easy_setopt(h, CURLOPT_POST, 1L);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    } else {
        curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
        // gzip or deflate if the server will (a survey file shrinks about six-fold); libcurl inflates it,
        // so max_response_bytes counts the bytes after inflating.
        curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
    }
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &got);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &got);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(m_options.connect_timeout.count() * 1000));
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(m_options.total_timeout.count() * 1000));
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, m_options.low_speed_bytes_per_s);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, static_cast<long>(m_options.low_speed_time.count()));
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);  // always: a kiosk never talks to an unverified server
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!m_options.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, m_options.ca_file.c_str());
    if (!m_options.pinned_public_key.empty()) curl_easy_setopt(h, CURLOPT_PINNEDPUBLICKEY, m_options.pinned_public_key.c_str());
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    const CURLcode rc = curl_easy_perform(h);
    curl_slist_free_all(headers);
    if (got.too_large)
        return std::unexpected(TransportError{
            TransportError::Kind::TooLarge,
            "the answer is larger than " + std::to_string(request.max_response_bytes) + " bytes; the rest was not read"});
    if (rc != CURLE_OK) return std::unexpected(classify(rc, errbuf));
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_off_t uploaded = 0;
    curl_easy_getinfo(h, CURLINFO_SIZE_UPLOAD_T, &uploaded);
    HttpResponse res;
    res.status = static_cast<int>(status);
    res.body = std::move(got.body);
    res.retry_after = got.retry_after;
    res.bytes_sent = static_cast<std::uint64_t>(uploaded);
    res.headers = std::move(got.headers);
    return res;
}

}  // namespace fieldkiosk::sync::client
