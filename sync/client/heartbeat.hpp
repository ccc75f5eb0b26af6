// fieldkiosk::sync::client heartbeat — completes the kiosk's Heartbeat (docs/sync_protocol.md, "Heartbeat")
// with what the sync side knows itself: queue depth, quarantined, last error, last success, the time of
// sending, and the free space of the database's filesystem.
//
// Index:
//   HeartbeatFacts       the sync side's own state (SyncEngine's SyncStatus, or fieldkiosk-ctl's outbox counts)
//   complete_heartbeat   fills those facts into what the kiosk gave (app version, surveys, state)
//   free_disk_bytes      std::filesystem::space(...).available of the filesystem holding a path
//   heartbeat_last_error the previous attempt's error as a heartbeat may carry it (one that a heartbeat
//                        reaching the server disproves is left out)
//
// Thread-safety: free functions on values; safe from any thread.
#pragma once

#include "sync/client/uploader.hpp"
#include "sync/protocol/wire.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace fieldkiosk::sync::client {

struct HeartbeatFacts {
    std::int64_t queued = 0, quarantined = 0;
    std::string last_error;  // plain words; empty when nothing is wrong (the engine passes heartbeat_last_error())
    std::optional<std::chrono::system_clock::time_point> last_success;
};

// `given` with queue_depth, quarantined, last_error, last_success_at and sent_at set from `facts` and `now`,
// and free_disk_bytes from `database` unless `given` already has it (left unknown if space() fails).
[[nodiscard]] protocol::Heartbeat complete_heartbeat(protocol::Heartbeat given, const HeartbeatFacts& facts,
                                                     const std::filesystem::path& database,
                                                     std::chrono::system_clock::time_point now);
// What `last_error` a heartbeat carries after an attempt that ended with `failure` and `last_error`
// (docs/sync_protocol.md, "Heartbeat"). A heartbeat is stored only when its request is answered 200, so an
// error that kept the previous request from being answered at all — Offline, Tls, Unauthorized, Throttled,
// ServerError — is disproved by the very heartbeat that would report it: "" for those. Errors about a
// batch or the kiosk itself (Refused, BadAnswer, Store, an internal error: `failure` unset) stay, since
// reaching the server does not resolve them.
[[nodiscard]] std::string heartbeat_last_error(std::optional<Failure::Kind> failure, const std::string& last_error);
[[nodiscard]] bool resolved_by_an_answered_request(Failure::Kind kind);

// Bytes available to this user on the filesystem holding `path`; nullopt when it cannot be read.
[[nodiscard]] std::optional<std::int64_t> free_disk_bytes(const std::filesystem::path& path);

}  // namespace fieldkiosk::sync::client
