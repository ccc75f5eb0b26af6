// A Clock that moves only when told to: idle time-outs and timestamps are tested without sleeping.
#pragma once

#include "core/clock.hpp"

namespace fieldkiosk::testing {

class FakeClock final : public core::Clock {
public:
    explicit FakeClock(std::chrono::system_clock::time_point start = std::chrono::system_clock::time_point{std::chrono::seconds{
                           1'800'000'000}})
        : m_wall(start) {}
    [[nodiscard]] std::chrono::system_clock::time_point wall_now() const override { return m_wall; }
    [[nodiscard]] std::chrono::steady_clock::time_point steady_now() const override { return m_steady; }
    void advance(std::chrono::milliseconds d) {
        m_wall += d;
        m_steady += d;
    }

private:
    std::chrono::system_clock::time_point m_wall;
    std::chrono::steady_clock::time_point m_steady{};
};

}  // namespace fieldkiosk::testing
