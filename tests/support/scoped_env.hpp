// ScopedEnv: sets (or unsets) one environment variable for a test and puts the old value back.
#pragma once

#include <cstdlib>
#include <optional>
#include <string>

namespace fieldkiosk::testing {

class ScopedEnv {
public:
    // `value` nullopt: the variable is unset for the scope.
    ScopedEnv(const char* name, const std::optional<std::string>& value) : m_name(name) {
        if (const char* old = std::getenv(name)) m_old = old;
        if (value)
            ::setenv(name, value->c_str(), 1);
        else
            ::unsetenv(name);
    }
    ~ScopedEnv() {
        if (m_old)
            ::setenv(m_name, m_old->c_str(), 1);
        else
            ::unsetenv(m_name);
    }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

private:
    const char* m_name;
    std::optional<std::string> m_old;
};

}  // namespace fieldkiosk::testing
