// fieldkiosk::core::write_file_atomically — the one way the project replaces a file that must never be seen
// half-written: a downloaded survey (sync/client/survey_updater.cpp), the kiosk's settings and token
// (`fieldkiosk-ctl provision`).
//
// How: a new temporary file in the same folder (mkstemp: a unique name, created 0600, so never readable by
// others even for a moment, and never a *.json a loader would pick up), given its owner and final mode
// before any byte is written, fsync'd, renamed over the target, then the folder fsync'd so that the rename
// itself survives a power cut. A crash leaves the old file or the new one, and at worst a hidden temporary
// ".NAME.XXXXXX" beside it. Missing folders are created.
// Thread-safety: a free function; two writers of one path race only as rename(2) does (last one wins).
#pragma once

#include <sys/types.h>

#include <expected>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace fieldkiosk::core {

struct FileOwner {
    uid_t uid;
    gid_t gid;
};

struct AtomicWriteOptions {
    mode_t mode = 0644;              // the new file's permission bits
    std::optional<FileOwner> owner;  // chown before writing (needs the right to); nullopt: the caller's
    bool keep_backup = false;        // keep the previous file as PATH.bak (a hard link, else a copy)
};

struct AtomicWriteError {
    int error_number = 0;  // errno of the step that failed (0 when not from a system call)
    std::string message;   // "cannot write /etc/fieldkiosk/token: Permission denied"
};

// Replaces `path` with exactly `text`, or leaves it as it was and says why.
[[nodiscard]] std::expected<void, AtomicWriteError> write_file_atomically(const std::filesystem::path& path,
                                                                          std::string_view text,
                                                                          const AtomicWriteOptions& options = {});

}  // namespace fieldkiosk::core
