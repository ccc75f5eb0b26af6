// A child process with its stdout on a pipe, for tests that kill -9 a real program (crash tests).
#pragma once

#include <fcntl.h>
#include <sys/types.h>
#include <unistd.h>

#include <string>
#include <vector>

namespace fieldkiosk::testing {

struct Child {
    pid_t pid = -1;
    int out = -1;  // read end of the child's stdout
};

// Starts argv[0] (a path) with argv; stdout goes to Child::out, stderr to /dev/null (or, when
// `stderr_file` is given, to that file, created or truncated). pid -1 on failure.
inline Child spawn(const std::vector<std::string>& argv, const std::string& stderr_file = {}) {
    int fds[2];
    if (pipe(fds) != 0) return {};
    const pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        const int err = stderr_file.empty() ? open("/dev/null", O_WRONLY)
                                            : open(stderr_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        dup2(err, STDERR_FILENO);
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        execv(args[0], args.data());
        _exit(127);
    }
    close(fds[1]);
    return {pid, fds[0]};
}

}  // namespace fieldkiosk::testing
