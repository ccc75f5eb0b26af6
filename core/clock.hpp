// fieldkiosk::core::Clock and Rng — time and randomness, injected so tests need no sleeping.
//
// Index:
//   Clock        wall time (recorded in responses), monotonic time (for idle time-outs), and waiting on it
//   SystemClock  the real clocks
//   Rng          64-bit random numbers; SystemRng (OS entropy) and SeededRng (repeatable)
//   make_uuid_v4 RFC 9562 version-4 UUID text from an Rng
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <random>
#include <string>

namespace fieldkiosk::core {

class Clock {
public:
    virtual ~Clock() = default;
    [[nodiscard]] virtual std::chrono::system_clock::time_point wall_now() const = 0;
    [[nodiscard]] virtual std::chrono::steady_clock::time_point steady_now() const = 0;
    // Waits on `cv` (`lock` held, released while waiting, held again on return, as
    // std::condition_variable::wait_until) until it is notified, this clock's steady_now() reaches
    // `deadline`, or spuriously: callers loop on their own condition and on steady_now(). A test clock
    // (tests/support/fake_clock.hpp) returns when it is advanced, so waiting threads run on its time.
    virtual void wait_until(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
                            std::chrono::steady_clock::time_point deadline) const = 0;
};

class SystemClock final : public Clock {
public:
    [[nodiscard]] std::chrono::system_clock::time_point wall_now() const override { return std::chrono::system_clock::now(); }
    [[nodiscard]] std::chrono::steady_clock::time_point steady_now() const override { return std::chrono::steady_clock::now(); }
    void wait_until(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
                    std::chrono::steady_clock::time_point deadline) const override {
        cv.wait_until(lock, deadline);
    }
};

class Rng {
public:
    virtual ~Rng() = default;
    [[nodiscard]] virtual std::uint64_t next_u64() = 0;
};

// OS entropy (getrandom via std::random_device): response ids must not repeat across kiosks.
class SystemRng final : public Rng {
public:
    [[nodiscard]] std::uint64_t next_u64() override {
        return (static_cast<std::uint64_t>(m_dev()) << 32) ^ static_cast<std::uint64_t>(m_dev());
    }

private:
    std::random_device m_dev;
};

// Repeatable sequences for tests and `fieldkiosk-ctl walk/simulate --seed`.
class SeededRng final : public Rng {
public:
    explicit SeededRng(std::uint64_t seed) : m_gen(seed) {}
    [[nodiscard]] std::uint64_t next_u64() override { return m_gen(); }

private:
    std::mt19937_64 m_gen;
};

// "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx", lower-case hex.
[[nodiscard]] std::string make_uuid_v4(Rng& rng);

// ISO 8601 UTC with milliseconds: "2026-11-28T09:41:07.123Z".
[[nodiscard]] std::string format_utc(std::chrono::system_clock::time_point t);

}  // namespace fieldkiosk::core
