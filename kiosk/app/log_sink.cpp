#include "kiosk/app/log_sink.hpp"

#include <algorithm>
#include <cstdio>

namespace fieldkiosk::kiosk {

void StderrLogSink::write(std::string_view line) {
    // One fprintf per line, so that lines from two threads do not interleave.
    std::fprintf(stderr, "fieldkiosk: %.*s\n", static_cast<int>(line.size()), line.data());
}

LogSink& stderr_log() {
    static StderrLogSink sink;
    return sink;
}

void MemoryLogSink::write(std::string_view line) {
    const std::scoped_lock lock(m_mutex);
    m_lines.emplace_back(line);
}

std::vector<std::string> MemoryLogSink::lines() const {
    const std::scoped_lock lock(m_mutex);
    return m_lines;
}

bool MemoryLogSink::contains(std::string_view text) const {
    const std::scoped_lock lock(m_mutex);
    return std::ranges::any_of(m_lines, [&](const std::string& l) { return l.find(text) != std::string::npos; });
}

}  // namespace fieldkiosk::kiosk
