// fieldkiosk::sync::client::Backoff — exponential back-off with jitter, capped, honouring Retry-After.
//
// After the n-th failure in a row the wait is uniform in [b/2, b] where b = min(cap, initial * 2^(n-1)),
// drawn from the injected Rng (SeededRng in tests). A server's Retry-After is a floor, itself capped
// at max_retry_after so that a wrong header cannot silence a kiosk for a week.
// Thread-safety: one Backoff per engine thread.
#pragma once

#include "core/clock.hpp"

#include <chrono>
#include <optional>

namespace fieldkiosk::sync::client {

struct BackoffPolicy {
    std::chrono::milliseconds initial{2'000};
    std::chrono::milliseconds cap{5 * 60'000};
    std::chrono::milliseconds max_retry_after{60 * 60'000};
};

class Backoff {
public:
    Backoff(BackoffPolicy policy, core::Rng& rng) : m_policy(policy), m_rng(&rng) {}
    // The wait before the next attempt after one more failure.
    [[nodiscard]] std::chrono::milliseconds next(std::optional<std::chrono::seconds> retry_after = std::nullopt);
    void reset() { m_failures = 0; }  // after a success
    [[nodiscard]] int failures() const { return m_failures; }

private:
    BackoffPolicy m_policy;
    core::Rng* m_rng;
    int m_failures = 0;
};

}  // namespace fieldkiosk::sync::client
