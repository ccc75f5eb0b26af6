// fieldkiosk::sync::server HTTP/1.1 messages as the receiver's route handlers see them, independent of how
// bytes reach the server (http_core.hpp reads them; tests can build them by hand).
//
// Index:
//   HttpRequest     one complete request: method, path (no query), headers, the whole body as sent
//   HttpResponse    what a handler answers: status, headers, body (in memory, or a FileBody); optionally cut short
//                   (tests' DropAfterCommit)
//   parse_head      the request line and headers of one request, strictly (a clear error otherwise)
//   serialize_head  the status line and headers of a response, Content-Length and Connection included
//
// Thread-safety: plain values and free functions.
#pragma once

#include <cstddef>
#include <expected>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fieldkiosk::sync::server {

struct HttpRequest {
    std::string method;                                        // "GET", "POST", ...
    std::string path;                                          // the target without "?query"
    std::string query;                                         // after '?', undecoded ("" when none)
    int minor_version = 1;                                     // HTTP/1.x
    std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased, values trimmed
    std::string body;                                          // as sent (still gzip'd if Content-Encoding says so)
    std::vector<std::string> matches;                          // route captures (set by the router)

    // The first value of header `name` (any case), or "" when absent.
    [[nodiscard]] std::string header(std::string_view name) const;
    [[nodiscard]] bool has_header(std::string_view name) const;
};

// A body held in a file rather than in memory (an export of any size): an open file, read from its start, of
// `size` bytes. The descriptor is closed with the last owner (HttpCore keeps one until the answer is sent).
class FileBody {
public:
    FileBody(int fd, std::size_t size) : m_fd(fd), m_size(size) {}
    ~FileBody();
    FileBody(const FileBody&) = delete;
    FileBody& operator=(const FileBody&) = delete;
    [[nodiscard]] int fd() const { return m_fd; }
    [[nodiscard]] std::size_t size() const { return m_size; }

private:
    int m_fd;
    std::size_t m_size;
};

struct HttpResponse {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    // Sent after `body` when set: HttpCore reads it a piece at a time, so the answer's size costs no memory.
    std::shared_ptr<const FileBody> file;
    std::string content_type = "application/json";
    bool close = false;                      // Connection: close after this answer
    std::optional<std::size_t> cut_after;    // tests: send only this many body bytes, then break the connection

    void set_header(std::string name, std::string value) { headers.emplace_back(std::move(name), std::move(value)); }
    [[nodiscard]] std::size_t body_size() const { return body.size() + (file ? file->size() : 0); }
    void set_content(std::string text, std::string type) {
        body = std::move(text);
        content_type = std::move(type);
    }
};

struct HeadError {
    int status = 400;  // 400 malformed, 431 headers too large, 501 not implemented, 505 version
    std::string message;
};

// `head` is everything up to and excluding the blank line that ends the headers.
[[nodiscard]] std::expected<HttpRequest, HeadError> parse_head(std::string_view head);
// "HTTP/1.1 200 OK\r\n...\r\n\r\n" for `res` whose body has `body_length` bytes.
[[nodiscard]] std::string serialize_head(const HttpResponse& res, bool close);
[[nodiscard]] std::string_view reason_phrase(int status);

}  // namespace fieldkiosk::sync::server
