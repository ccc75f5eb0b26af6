#include "sync/client/heartbeat.hpp"

#include "core/clock.hpp"

#include <limits>
#include <system_error>

namespace fieldkiosk::sync::client {

std::optional<std::int64_t> free_disk_bytes(const std::filesystem::path& path) {
    std::error_code ec;
    // The database file itself when it exists (statvfs of its filesystem), else the folder it would be in.
    const auto probe = std::filesystem::exists(path, ec) || !path.has_parent_path() ? path : path.parent_path();
    const auto info = std::filesystem::space(probe.empty() ? std::filesystem::path(".") : probe, ec);
    if (ec || info.available == static_cast<std::uintmax_t>(-1)) return std::nullopt;
    if (info.available > static_cast<std::uintmax_t>(std::numeric_limits<std::int64_t>::max()))
        return std::numeric_limits<std::int64_t>::max();
    return static_cast<std::int64_t>(info.available);
}

bool resolved_by_an_answered_request(Failure::Kind kind) {
    switch (kind) {
        case Failure::Kind::Offline:
        case Failure::Kind::Tls:
        case Failure::Kind::Unauthorized:
        case Failure::Kind::Throttled:
        case Failure::Kind::ServerError:
            return true;
        case Failure::Kind::Refused:
        case Failure::Kind::BadAnswer:
        case Failure::Kind::Store:
            return false;
    }
    return false;
}

std::string heartbeat_last_error(std::optional<Failure::Kind> failure, const std::string& last_error) {
    if (failure && resolved_by_an_answered_request(*failure)) return {};
    return last_error;
}

protocol::Heartbeat complete_heartbeat(protocol::Heartbeat given, const HeartbeatFacts& facts,
                                       const std::filesystem::path& database, std::chrono::system_clock::time_point now) {
    given.queue_depth = facts.queued;
    given.quarantined = facts.quarantined;
    given.last_error = facts.last_error;
    given.last_success_at = facts.last_success ? core::format_utc(*facts.last_success) : std::string();
    given.sent_at = core::format_utc(now);
    if (!given.free_disk_bytes) given.free_disk_bytes = free_disk_bytes(database);
    if (given.state.empty()) given.state = "open";
    return given;
}

}  // namespace fieldkiosk::sync::client
