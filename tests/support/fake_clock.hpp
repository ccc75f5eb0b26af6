// A Clock that moves only when told to: idle time-outs, timestamps and threads that wait on the clock
// (the SyncEngine) are tested without sleeping. Thread-safe: one thread may advance() while others read
// it or wait on it.
#pragma once

#include "core/clock.hpp"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <vector>

namespace fieldkiosk::testing {

class FakeClock final : public core::Clock {
public:
    explicit FakeClock(std::chrono::system_clock::time_point start = std::chrono::system_clock::time_point{std::chrono::seconds{
                           1'800'000'000}})
        : m_wall(start) {}
    [[nodiscard]] std::chrono::system_clock::time_point wall_now() const override {
        std::lock_guard l(m_mutex);
        return m_wall;
    }
    [[nodiscard]] std::chrono::steady_clock::time_point steady_now() const override {
        std::lock_guard l(m_mutex);
        return m_steady;
    }
    // Moves both clocks on, then wakes every thread waiting in wait_until() so that it looks at the new time.
    // Contract: a waiter's mutex and condition variable outlive any advance() running at the same time
    // (in tests the waiter is an engine that the advancing test thread itself stops and destroys).
    void advance(std::chrono::milliseconds d) {
        std::vector<Waiter> waiters;
        {
            std::lock_guard l(m_mutex);
            m_wall += d;
            m_steady += d;
            waiters = m_waiters;
        }
        for (const auto& w : waiters) {
            // Taking the waiter's mutex first: a waiter that read the old time holds it until it is inside
            // cv.wait(), so this notification cannot fall between its check and its wait.
            { std::lock_guard l(*w.mutex); }
            w.cv->notify_all();
        }
    }
    // Waits for a notification or advance(); `deadline` is left to the caller's loop (see core::Clock).
    void wait_until(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
                    std::chrono::steady_clock::time_point deadline) const override {
        const Waiter me{lock.mutex(), &cv, deadline};
        {
            std::lock_guard l(m_mutex);
            if (m_steady >= deadline) return;
            m_waiters.push_back(me);
        }
        cv.wait(lock);
        std::lock_guard l(m_mutex);
        m_waiters.erase(std::find(m_waiters.begin(), m_waiters.end(), me));
    }

    // The earliest deadline a thread is waiting for now, if any: a test waits (bounded, tests/support/
    // wait_until.hpp) until a thread has taken in what it was told, e.g. until an engine told of a new
    // response waits for exactly now + its debounce, before advancing the clock past it.
    [[nodiscard]] std::optional<std::chrono::steady_clock::time_point> earliest_wait() const {
        std::lock_guard l(m_mutex);
        std::optional<std::chrono::steady_clock::time_point> out;
        for (const auto& w : m_waiters)
            if (!out || w.deadline < *out) out = w.deadline;
        return out;
    }

private:
    struct Waiter {
        std::mutex* mutex;
        std::condition_variable* cv;
        std::chrono::steady_clock::time_point deadline;
        bool operator==(const Waiter&) const = default;
    };
    mutable std::mutex m_mutex;  // the times and the waiters
    std::chrono::system_clock::time_point m_wall;
    std::chrono::steady_clock::time_point m_steady{};
    mutable std::vector<Waiter> m_waiters;
};

}  // namespace fieldkiosk::testing
