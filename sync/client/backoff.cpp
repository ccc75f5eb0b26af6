#include "sync/client/backoff.hpp"

#include <algorithm>

namespace fieldkiosk::sync::client {

std::chrono::milliseconds Backoff::next(std::optional<std::chrono::seconds> retry_after) {
    using std::chrono::milliseconds;
    const int shift = std::min(m_failures, 30);
    ++m_failures;
    const auto cap = m_policy.cap.count();
    const auto initial = std::max<std::int64_t>(1, m_policy.initial.count());
    const std::int64_t base = initial > (cap >> shift) ? cap : std::min<std::int64_t>(cap, initial << shift);
    const auto half = base / 2;
    const auto span = static_cast<std::uint64_t>(base - half + 1);
    milliseconds wait{half + static_cast<std::int64_t>(m_rng->next_u64() % span)};
    if (retry_after) wait = std::max(wait, std::min<milliseconds>(*retry_after, m_policy.max_retry_after));
    return wait;
}

}  // namespace fieldkiosk::sync::client
