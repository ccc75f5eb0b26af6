// fieldkiosk::kiosk::LogSink — where the App writes what an operator reads in the journal (a save that
// failed, a drop-off that could not be counted, old drafts deleted, opening and closing). Injected, so
// that tests read the lines instead of stderr.
#pragma once

#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace fieldkiosk::kiosk {

class LogSink {
public:
    virtual ~LogSink() = default;
    // One line without the program's name or a newline ("saving response … failed: …").
    virtual void write(std::string_view line) = 0;
};

// "fieldkiosk: LINE\n" on stderr (the journal, under systemd). Safe from any thread.
class StderrLogSink final : public LogSink {
public:
    void write(std::string_view line) override;
};
[[nodiscard]] LogSink& stderr_log();  // the process's StderrLogSink: the App's default

// Keeps every line in memory (tests, and anything that shows recent lines). Safe from any thread.
class MemoryLogSink final : public LogSink {
public:
    void write(std::string_view line) override;
    [[nodiscard]] std::vector<std::string> lines() const;
    // Whether any line contains `text`.
    [[nodiscard]] bool contains(std::string_view text) const;

private:
    mutable std::mutex m_mutex;
    std::vector<std::string> m_lines;
};

}  // namespace fieldkiosk::kiosk
