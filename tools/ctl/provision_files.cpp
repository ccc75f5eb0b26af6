// fieldkiosk-ctl provision: the settings and token files — written through the project's one atomic writer,
// and owners and modes said in words.
#include "tools/ctl/provision_steps.hpp"

#include <grp.h>
#include <pwd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace fieldkiosk::tools::provision {

namespace fs = std::filesystem;

std::string describe_owner(const Owner& o) {
    const passwd* pw = ::getpwuid(o.uid);
    const group* gr = ::getgrgid(o.gid);
    return (pw ? std::string(pw->pw_name) : std::to_string(o.uid)) + ":" +
           (gr ? std::string(gr->gr_name) : std::to_string(o.gid));
}

std::string octal(mode_t m) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(m & 07777));
    return buf;
}

std::string errno_text(const std::string& what, const fs::path& path) {
    std::string msg = "cannot " + what + " " + path.string() + ": " + std::strerror(errno);
    if (errno == EACCES || errno == EPERM) msg += " (run it as root: sudo fieldkiosk-ctl provision ...)";
    return msg;
}

// Replaces `path` with `text` through the project's one atomic writer (core/atomic_file.hpp: mode and owner
// set before any byte is written, so a token is never readable by others), adding provision's hint when the
// system said no.
std::expected<void, std::string> replace_file(const fs::path& path, const std::string& text, mode_t mode,
                                              std::optional<Owner> owner, bool backup) {
    auto w = core::write_file_atomically(path, text, {.mode = mode, .owner = owner, .keep_backup = backup});
    if (w) return {};
    std::string msg = std::move(w.error().message);
    if (w.error().error_number == EACCES || w.error().error_number == EPERM)
        msg += " (run it as root: sudo fieldkiosk-ctl provision ...)";
    return std::unexpected(std::move(msg));
}

std::optional<Owner> kiosk_owner() {
    const passwd* pw = ::getpwnam(k_kiosk_user);
    if (pw == nullptr) return std::nullopt;
    return Owner{pw->pw_uid, pw->pw_gid};
}

}  // namespace fieldkiosk::tools::provision
