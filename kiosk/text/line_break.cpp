#include "kiosk/text/line_break.hpp"

#include "kiosk/text/shaper.hpp"

#include <unicode/brkiter.h>
#include <unicode/utext.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>

namespace fieldkiosk::kiosk::text {

namespace {
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool spaceless_script(char32_t cp) { return cp >= 0x2E80 && !(cp >= 0xFE00 && cp <= 0xFE0F) && cp != 0xFEFF; }

// One line break iterator per language: making one reads ICU's rules (slow); resetting its text is cheap.
icu::BreakIterator* iterator_for(std::string_view lang) {
    static std::map<std::string, std::unique_ptr<icu::BreakIterator>, std::less<>> cache;
    if (auto it = cache.find(lang); it != cache.end()) return it->second.get();
    UErrorCode st = U_ZERO_ERROR;
    std::unique_ptr<icu::BreakIterator> bi(icu::BreakIterator::createLineInstance(icu::Locale(std::string(lang).c_str()), st));
    if (U_FAILURE(st)) bi.reset();
    return cache.emplace(std::string(lang), std::move(bi)).first->second.get();
}

char32_t code_point_before(std::string_view s, std::size_t at) {
    std::size_t i = at;
    while (i > 0 && (static_cast<unsigned char>(s[i - 1]) & 0xC0) == 0x80) --i;
    if (i > 0) --i;
    return next_code_point(s, i);
}
}  // namespace

namespace {
std::vector<std::size_t> find_line_breaks(std::string_view p, std::string_view lang) {
    std::vector<std::size_t> out;
    icu::BreakIterator* bi = iterator_for(lang);
    if (bi == nullptr) return out;
    UErrorCode st = U_ZERO_ERROR;
    UText* ut = utext_openUTF8(nullptr, p.data(), static_cast<int64_t>(p.size()), &st);
    if (U_FAILURE(st)) return out;
    bi->setText(ut, st);
    for (int32_t b = bi->next(); b != icu::BreakIterator::DONE; b = bi->next()) {
        const auto at = static_cast<std::size_t>(b);  // UTF-8 UText: native indices are byte offsets
        if (at == 0 || at >= p.size()) continue;
        if (p[at - 1] == ' ') {
            std::size_t k = at - 1;
            while (k > 0 && p[k - 1] == ' ') --k;
            if (k > 0 && is_digit(p[k - 1]) && is_digit(p[at])) continue;  // inside a phone number
            out.push_back(at);
            continue;
        }
        std::size_t i = at;
        if (spaceless_script(code_point_before(p, at)) || spaceless_script(next_code_point(p, i))) out.push_back(at);
    }
    utext_close(ut);
    return out;
}
}  // namespace

std::vector<std::size_t> line_breaks(std::string_view p, std::string_view lang) {
    // Screens wrap the same texts every frame: the breaks are kept per (language, paragraph). The texts come
    // from the survey and UI files, and typed answers are short; a bound keeps a long day bounded anyway.
    static std::unordered_map<std::string, std::vector<std::size_t>> cache;
    std::string key;
    key.reserve(lang.size() + 1 + p.size());
    key.append(lang).push_back('\0');
    key.append(p);
    if (auto it = cache.find(key); it != cache.end()) return it->second;
    if (cache.size() > 20000) cache.clear();
    return cache.emplace(std::move(key), find_line_breaks(p, lang)).first->second;
}

std::vector<std::string_view> wrap(std::string_view text, std::string_view lang, float max_w,
                                   const std::function<float(std::string_view)>& width) {
    std::vector<std::string_view> lines;
    max_w = std::max(max_w, 1.0f);
    const auto trim_end = [](std::string_view s) {
        while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
        return s;
    };
    std::size_t para = 0;
    while (para < text.size()) {
        const std::size_t nl = std::min(text.find('\n', para), text.size());
        std::string_view p = text.substr(para, nl - para);
        para = nl + 1;
        while (!p.empty() && p.front() == ' ') p.remove_prefix(1);
        if (trim_end(p).empty()) {
            lines.emplace_back();  // an empty line (a blank between paragraphs)
            continue;
        }
        std::vector<std::size_t> breaks = line_breaks(p, lang);
        breaks.push_back(p.size());
        std::size_t start = 0;
        std::size_t bi = 0;
        while (start < p.size()) {
            std::size_t end = start;  // the end of what fits so far
            while (bi < breaks.size() && breaks[bi] <= start) ++bi;
            for (std::size_t k = bi; k < breaks.size(); ++k) {
                if (width(trim_end(p.substr(start, breaks[k] - start))) > max_w) break;
                end = breaks[k];
            }
            if (end == start) {  // the first piece alone is wider than the line: cut it where it must be
                const std::size_t piece_end = bi < breaks.size() ? breaks[bi] : p.size();
                std::size_t i = start;
                next_code_point(p, i);  // at least one code point per line
                end = i;
                while (i < piece_end) {
                    std::size_t j = i;
                    next_code_point(p, j);
                    if (width(p.substr(start, j - start)) > max_w) break;
                    end = i = j;
                }
            }
            lines.push_back(trim_end(p.substr(start, end - start)));
            start = end;
            while (start < p.size() && p[start] == ' ') ++start;
        }
    }
    return lines;
}

}  // namespace fieldkiosk::kiosk::text
