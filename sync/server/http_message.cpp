#include "sync/server/http_message.hpp"

#include <algorithm>
#include <cctype>

#include <unistd.h>

namespace fieldkiosk::sync::server {

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    std::ranges::transform(out, out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

bool is_token_char(unsigned char c) {
    return std::isalnum(c) != 0 || std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

std::expected<void, HeadError> parse_request_line(std::string_view line, HttpRequest& req) {
    const auto sp1 = line.find(' ');
    const auto sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos)
        return std::unexpected(HeadError{400, "the request line is not 'METHOD TARGET HTTP/1.1'"});
    req.method = std::string(line.substr(0, sp1));
    if (req.method.empty() || !std::ranges::all_of(req.method, [](unsigned char c) { return is_token_char(c); }))
        return std::unexpected(HeadError{400, "the request method is not a valid token"});
    const std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    if (target.empty() || target.front() != '/') return std::unexpected(HeadError{400, "the request target must start with '/'"});
    const auto q = target.find('?');
    req.path = std::string(target.substr(0, q));
    if (q != std::string_view::npos) req.query = std::string(target.substr(q + 1));
    const std::string_view version = line.substr(sp2 + 1);
    if (version == "HTTP/1.1") req.minor_version = 1;
    else if (version == "HTTP/1.0") req.minor_version = 0;
    else return std::unexpected(HeadError{505, "only HTTP/1.0 and HTTP/1.1 are spoken here"});
    return {};
}

}  // namespace

std::string HttpRequest::header(std::string_view name) const {
    const std::string key = lower(name);
    for (const auto& [k, v] : headers)
        if (k == key) return v;
    return {};
}

bool HttpRequest::has_header(std::string_view name) const {
    const std::string key = lower(name);
    return std::ranges::any_of(headers, [&](const auto& h) { return h.first == key; });
}

std::expected<HttpRequest, HeadError> parse_head(std::string_view head) {
    HttpRequest req;
    auto eol = head.find("\r\n");
    if (auto ok = parse_request_line(head.substr(0, eol), req); !ok) return std::unexpected(ok.error());
    while (eol != std::string_view::npos) {
        head.remove_prefix(eol + 2);
        eol = head.find("\r\n");
        const std::string_view line = head.substr(0, eol);
        if (line.empty()) continue;
        if (line.front() == ' ' || line.front() == '\t')
            return std::unexpected(HeadError{400, "folded header lines are not accepted"});
        const auto colon = line.find(':');
        if (colon == std::string_view::npos || colon == 0 ||
            !std::ranges::all_of(line.substr(0, colon), [](unsigned char c) { return is_token_char(c); }))
            return std::unexpected(HeadError{400, "a header line is not 'Name: value'"});
        req.headers.emplace_back(lower(line.substr(0, colon)), std::string(trim(line.substr(colon + 1))));
    }
    return req;
}

std::string_view reason_phrase(int status) {
    switch (status) {
        case 100: return "Continue";
        case 200: return "OK";
        case 303: return "See Other";
        case 304: return "Not Modified";
        case 400: return "Bad Request";
        case 401: return "Unauthorized";
        case 403: return "Forbidden";
        case 404: return "Not Found";
        case 405: return "Method Not Allowed";
        case 408: return "Request Timeout";
        case 411: return "Length Required";
        case 413: return "Payload Too Large";
        case 415: return "Unsupported Media Type";
        case 429: return "Too Many Requests";
        case 431: return "Request Header Fields Too Large";
        case 500: return "Internal Server Error";
        case 501: return "Not Implemented";
        case 503: return "Service Unavailable";
        case 505: return "HTTP Version Not Supported";
        default: return "Status";
    }
}

FileBody::~FileBody() {
    if (m_fd >= 0) ::close(m_fd);
}

std::string serialize_head(const HttpResponse& res, bool close) {
    std::string out = "HTTP/1.1 " + std::to_string(res.status) + " " + std::string(reason_phrase(res.status)) + "\r\n";
    if (res.body_size() != 0 || res.status != 304) {
        out += "Content-Type: " + res.content_type + "\r\n";
        out += "Content-Length: " + std::to_string(res.body_size()) + "\r\n";
    }
    for (const auto& [k, v] : res.headers) out += k + ": " + v + "\r\n";
    out += close ? "Connection: close\r\n" : "Connection: keep-alive\r\n";
    out += "\r\n";
    return out;
}

}  // namespace fieldkiosk::sync::server
