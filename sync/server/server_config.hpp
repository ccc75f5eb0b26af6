// fieldkiosk::sync::server server.toml — the settings of `fieldkiosk-server serve --config FILE`.
//
// Index:
//   ServerConfigFile     what one file sets: each key is a `serve` flag's name, without "--" and with '_' for '-'
//   parse_server_config  strict: an unknown key, a wrong type or an out-of-range value is an error naming the key
//                        (a [quality] key as "quality.KEY")
//   load_server_config   the same from a file; relative paths in it are resolved against its folder
//   resolve_relative_paths  surveys, db "sqlite:PATH", tls_cert, tls_key made absolute against a folder
//   ServeTargets         the variables `serve` fills from its flags
//   apply_server_config  the file's values into those variables, except where the flag was given
//
// Unlike the kiosk's settings (which fall back to safe defaults so that a kiosk keeps collecting), a
// receiver must not start half-configured: every problem in the file is an error, and `serve` exits 2.
// installer/server.toml is the documented example the package installs as /etc/fieldkiosk/server.toml.
#pragma once

#include "sync/server/quality.hpp"
#include "sync/server/server.hpp"

#include <cstdint>
#include <expected>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fieldkiosk::sync::server {

// [dashboard] (docs/dashboard.md): each key over its default; paths relative to the file's folder.
struct DashboardConfig {
    std::optional<std::string> indicators, boundaries, ward_codes, population_totals;
    std::optional<std::string> session_idle, session_max;  // durations, e.g. "30m", "8h"
};

struct ServerConfigFile {
    std::optional<std::string> listen;                // "HOST:PORT"
    std::optional<std::string> db;                    // "sqlite:PATH" or "postgresql://..."
    std::optional<std::vector<std::string>> surveys;  // a folder or file, or a list of them
    std::optional<int> threads;                       // 1..256
    std::optional<int> read_timeout;                  // seconds, 1..600
    std::optional<int> max_connections;               // open at once, idle ones included, 16..1000000
    std::optional<std::uint64_t> max_body;            // bytes, as sent
    std::optional<std::uint64_t> max_decompressed;    // bytes, after gzip
    std::optional<std::uint64_t> max_items;           // responses in one batch
    std::optional<double> rate;                       // batches per second per kiosk (0: no limit)
    std::optional<int> burst;                         // batches per kiosk at once
    std::optional<std::string> tls_cert, tls_key;     // PEM files: serve HTTPS directly
    std::optional<std::string> quiet_after;           // fleet health: --quiet-after's text, e.g. "24h" (fleet.hpp parse_duration)
    // [quality]: the thresholds of the quality flags (quality.hpp), each key over its default; null: no table.
    std::optional<QualitySettings> quality;
    std::optional<DashboardConfig> dashboard;  // [dashboard]; null: no table
};

// `name` is used in messages (the file's path). The message names the key and says what would be valid.
[[nodiscard]] std::expected<ServerConfigFile, std::string> parse_server_config(std::string_view toml_text, std::string_view name);
// Relative paths in the file (surveys, db = "sqlite:PATH", tls_cert, tls_key) are taken from the file's
// folder, not from the server's working directory (which is / under systemd). Paths given as flags on
// the command line stay relative to the working directory, as for any command.
[[nodiscard]] std::expected<ServerConfigFile, std::string> load_server_config(const std::filesystem::path& path);
void resolve_relative_paths(ServerConfigFile& file, const std::filesystem::path& folder);

// Where `serve` keeps its settings. quiet_after is null when this build of `serve` has no --quiet-after; a
// file that sets it is then refused.
struct ServeTargets {
    std::string& listen;
    std::string& db;
    std::vector<std::string>& surveys;
    int& read_timeout_seconds;
    ServerOptions& options;  // threads, limits, tls_cert, tls_key
    std::string* quiet_after = nullptr;
};

// Copies each value the file sets into `targets`, unless `flag_given("--flag-name")` says the command line
// set it (flags override the file). Fails only for a key this build cannot take (quiet_after, see above).
[[nodiscard]] std::expected<void, std::string> apply_server_config(const ServerConfigFile& file,
                                                                   const std::function<bool(std::string_view)>& flag_given,
                                                                   ServeTargets targets);

}  // namespace fieldkiosk::sync::server
