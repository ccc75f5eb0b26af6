// Tests' plain HTTP client (libcurl): any method, body and headers; the answer's status, headers and body,
// with nothing followed (a 303 stays a 303), the path sent as written (no ".." folded), and no cookie kept between
// calls (the test sends its own).
#pragma once

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <utility>
#include <vector>

namespace fieldkiosk::testing {

struct HttpAnswer {
    int status = 0;  // 0: no answer came
    std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
    std::string body;
    [[nodiscard]] std::string header(const std::string& name) const {
        for (const auto& [k, v] : headers)
            if (k == name) return v;
        return {};
    }
};

inline HttpAnswer http_call(const std::string& method, const std::string& url, const std::string& body = {},
                            const std::vector<std::string>& headers = {}, long timeout_s = 60) {
    HttpAnswer a;
    CURL* h = curl_easy_init();
    curl_slist* list = nullptr;
    for (const auto& x : headers) list = curl_slist_append(list, x.c_str());
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, timeout_s);
    curl_easy_setopt(h, CURLOPT_PATH_AS_IS, 1L);  // "/a/../b" goes as written: the server must cope
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method.c_str());
    if (method == "POST") {
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.c_str());
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    }
    curl_easy_setopt(
        h, CURLOPT_WRITEFUNCTION, +[](char* d, std::size_t s, std::size_t n, void* u) {
            static_cast<std::string*>(u)->append(d, s * n);
            return s * n;
        });
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &a.body);
    using HeaderCallback = std::size_t (*)(char*, std::size_t, std::size_t, void*);
    const HeaderCallback on_header = [](char* d, std::size_t s, std::size_t n, void* u) -> std::size_t {
        const std::string line(d, s * n);
        const auto colon = line.find(':');
        if (colon == std::string::npos) return s * n;
        std::string name = line.substr(0, colon);
        std::string value = line.substr(colon + 1);
        std::ranges::transform(name, name.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        while (!value.empty() && value.front() == ' ') value.erase(0, 1);
        while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) value.pop_back();
        static_cast<HttpAnswer*>(u)->headers.emplace_back(name, value);
        return s * n;
    };
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &a);
    long status = 0;
    if (curl_easy_perform(h) == CURLE_OK) curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    a.status = static_cast<int>(status);
    curl_slist_free_all(list);
    curl_easy_cleanup(h);
    return a;
}

}  // namespace fieldkiosk::testing
