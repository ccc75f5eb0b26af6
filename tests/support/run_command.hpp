// tests/support/run_command.hpp — runs a shell command line (a built program with its arguments) and returns
// its exit status (-1 when it did not exit normally) and what it wrote to stdout and stderr together.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <string>
#include <utility>

namespace fieldkiosk::testing {

inline std::pair<int, std::string> run_command(const std::string& command_line) {
    const std::string cmd = command_line + " 2>&1";
    FILE* p = popen(cmd.c_str(), "r");
    std::string out;
    char buf[4096];
    while (p && std::fgets(buf, sizeof buf, p)) out += buf;
    const int status = p ? pclose(p) : -1;
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

}  // namespace fieldkiosk::testing
