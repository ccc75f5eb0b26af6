// The verbs of fieldkiosk-ctl. Each registers a subcommand and returns the function that runs it.
// Output goes to the given streams so that tests can run verbs in-process.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <iosfwd>

namespace fieldkiosk::tools {

using Runner = std::function<int()>;

Runner add_validate(CLI::App& app, std::ostream& out, std::ostream& err);
Runner add_expand(CLI::App& app, std::ostream& out, std::ostream& err);  // tools/ctl/cmd_validate.cpp
Runner add_walk(CLI::App& app, std::ostream& out, std::ostream& err);
Runner add_preview(CLI::App& app, std::istream& in, std::ostream& out, std::ostream& err);
Runner add_stats(CLI::App& app, std::ostream& out, std::ostream& err);
Runner add_export(CLI::App& app, std::ostream& out, std::ostream& err);
Runner add_simulate(CLI::App& app, std::ostream& out, std::ostream& err);
Runner add_check(CLI::App& app, std::ostream& out, std::ostream& err);
Runner add_import(CLI::App& app, std::ostream& out, std::ostream& err);  // tools/ctl/cmd_xlsform.cpp
Runner add_export_xlsform(CLI::App& app, std::ostream& out, std::ostream& err);
Runner add_export_xform(CLI::App& app, std::ostream& out, std::ostream& err);
Runner add_voice(CLI::App& app, std::ostream& out, std::ostream& err);  // tools/ctl/cmd_voice.cpp: read-aloud audio
#ifdef FIELDKIOSK_WITH_SYNC
Runner add_sync(CLI::App& app, std::ostream& out, std::ostream& err);  // tools/ctl/cmd_sync.cpp
#endif
#ifdef FIELDKIOSK_WITH_PROVISION
Runner add_provision(CLI::App& app, std::istream& in, std::ostream& out, std::ostream& err);  // tools/ctl/cmd_provision.cpp
#endif

// Builds the whole CLI and runs it on argv; returns the exit code.
int run_ctl(int argc, const char* const* argv, std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace fieldkiosk::tools
