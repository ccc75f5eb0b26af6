// wait_until: the one polling loop of the test suites, for a condition another thread or process makes true
// (a server's count, an engine's status, a child's output). A bounded wait, not a timing assertion: the
// timeout is only how long a broken build may hang before the test fails.
#pragma once

#include <chrono>
#include <thread>

namespace fieldkiosk::testing {

// Calls `done` until it returns true or `timeout` has passed, sleeping `interval` between calls (on the real
// steady clock: what it waits for happens on other threads). Returns `done`'s last answer, so that
//   ASSERT_TRUE(wait_until([&] { return server.responses() == 7; }, 15s));
// fails only when the condition never came. `done` may have side effects (e.g. draining a queue).
template <class Predicate>
bool wait_until(Predicate&& done, std::chrono::milliseconds timeout,
                std::chrono::milliseconds interval = std::chrono::milliseconds(5)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(interval);
    }
    return true;
}

}  // namespace fieldkiosk::testing
