// Runs a fieldkiosk-ctl command line in-process through run_ctl(): real argument parsing and output,
// standard input from `input`. Shared by the tools suites.
#pragma once

#include "tools/ctl/commands.hpp"

#include <sstream>
#include <string>
#include <vector>

namespace fieldkiosk::testing {

struct Run {
    int code = -1;
    std::string out, err;
};

inline Run ctl(std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(), "fieldkiosk-ctl");
    std::vector<const char*> argv;
    for (const auto& a : args) argv.push_back(a.c_str());
    std::istringstream in(input);
    std::ostringstream out, err;
    Run r;
    r.code = tools::run_ctl(static_cast<int>(argv.size()), argv.data(), in, out, err);
    r.out = out.str();
    r.err = err.str();
    return r;
}

}  // namespace fieldkiosk::testing
