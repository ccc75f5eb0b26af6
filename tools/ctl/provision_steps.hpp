// The steps of `fieldkiosk-ctl provision` that cmd_provision.cpp puts in order, each in its own file:
//   provision_pin.cpp     the PIN, from a terminal without echo (termios) or --pin-stdin
//   provision_files.cpp   atomic replace (core::write_file_atomically), .bak, owner and mode in words
//   provision_server.cpp  the token's form; GET /v1/health, then an empty batch with a heartbeat with the token
// Private to the verb (not a library interface): tools/ctl/provision.hpp has the pure, tested parts.
#pragma once

#include "core/atomic_file.hpp"
#include "tools/ctl/common.hpp"

#include <sys/types.h>

#include <expected>
#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace fieldkiosk::tools::provision {

constexpr int k_exit_unreachable = 3;               // files written; the server could not be reached (network not up yet?)
constexpr int k_exit_refused = 4;                   // the server refused the token; nothing written
constexpr int k_exit_unverified = 5;                // files written; the server answered, but not as a fieldkiosk server should
                                                    // (TLS not verified, not a fieldkiosk server, server error)
constexpr const char* k_kiosk_user = "fieldkiosk";  // installer/debian/kiosk/postinst makes it; the kiosk runs as it

// --- provision_pin.cpp ---
[[nodiscard]] std::string trim(std::string s);  // without leading and trailing spaces, tabs and line ends
// The PIN: from `in` (--pin-stdin: one line, and an optional second line that must match), or asked twice on
// the terminal without echo (three tries). An error message (usage) when there is none.
[[nodiscard]] std::expected<std::string, std::string> read_pin(std::istream& in, bool from_stdin, std::ostream& err);

// --- provision_files.cpp ---
using Owner = core::FileOwner;
[[nodiscard]] std::string describe_owner(const Owner& o);  // "fieldkiosk:fieldkiosk", or the numbers
[[nodiscard]] std::string octal(mode_t m);                 // "0640"
// "cannot WHAT PATH: strerror(errno)", with a hint to run as root when permission was refused.
[[nodiscard]] std::string errno_text(const std::string& what, const std::filesystem::path& path);
// Replaces `path` with `text` (mode and owner set before any byte is written; `backup`: PATH.bak kept).
[[nodiscard]] std::expected<void, std::string> replace_file(const std::filesystem::path& path, const std::string& text,
                                                            mode_t mode, std::optional<Owner> owner, bool backup);
[[nodiscard]] std::optional<Owner> kiosk_owner();  // the `fieldkiosk` user and group, if the package made them

// --- provision_server.cpp ---
[[nodiscard]] std::optional<std::string> token_problem(const std::string& token);  // what is wrong with its form
struct CheckResult {
    int exit_code = k_exit_ok;
    std::vector<std::string> lines;  // plain words, printed on stdout (ok) or stderr (problems)
};
// The server at `url`: healthy, a fieldkiosk server, and taking `token` (an empty batch with a heartbeat).
[[nodiscard]] CheckResult check_server(const std::string& url, const std::string& token, const std::string& ca_file,
                                       int timeout_s);

}  // namespace fieldkiosk::tools::provision
