#include "core/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace fieldkiosk::core {

namespace fs = std::filesystem;

namespace {

AtomicWriteError system_error(const std::string& what, const fs::path& path) {
    const int e = errno;
    return {e, "cannot " + what + " " + path.string() + ": " + std::strerror(e)};
}

void fsync_folder(const fs::path& folder) {
    if (const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); fd >= 0) {
        (void)::fsync(fd);  // best effort: some file systems refuse fsync on a folder
        ::close(fd);
    }
}

}  // namespace

std::expected<void, AtomicWriteError> write_file_atomically(const fs::path& path, std::string_view text,
                                                            const AtomicWriteOptions& options) {
    const fs::path folder = path.has_parent_path() ? path.parent_path() : fs::path(".");
    std::error_code ec;
    if (!fs::exists(folder, ec)) {
        fs::create_directories(folder, ec);
        if (ec)
            return std::unexpected(
                AtomicWriteError{ec.value(), "cannot make the folder " + folder.string() + ": " + ec.message()});
    }
    std::string tmpl = (folder / ("." + path.filename().string() + ".XXXXXX")).string();
    const int fd = ::mkstemp(tmpl.data());  // O_CREAT | O_EXCL, mode 0600
    if (fd < 0) return std::unexpected(system_error("write in", folder));
    const fs::path tmp = tmpl;
    const auto fail = [&](const std::string& what) {
        AtomicWriteError e = system_error(what, path);
        ::close(fd);
        ::unlink(tmp.c_str());
        return std::unexpected(std::move(e));
    };
    if (options.owner && ::fchown(fd, options.owner->uid, options.owner->gid) != 0) return fail("set the owner of");
    if (::fchmod(fd, options.mode) != 0) return fail("set the mode of");
    for (std::size_t done = 0; done < text.size();) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            return fail("write");
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) return fail("write (fsync)");
    if (::close(fd) != 0) {
        AtomicWriteError e = system_error("write (close)", path);
        ::unlink(tmp.c_str());
        return std::unexpected(std::move(e));
    }
    if (options.keep_backup && fs::exists(path, ec)) {
        const fs::path bak = path.string() + ".bak";
        ::unlink(bak.c_str());
        if (::link(path.c_str(), bak.c_str()) != 0) {
            fs::copy_file(path, bak, fs::copy_options::overwrite_existing, ec);
            if (ec) {
                ::unlink(tmp.c_str());
                return std::unexpected(
                    AtomicWriteError{ec.value(), "cannot keep the previous file as " + bak.string() + ": " + ec.message()});
            }
        }
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        AtomicWriteError e = system_error("replace", path);
        ::unlink(tmp.c_str());
        return std::unexpected(std::move(e));
    }
    fsync_folder(folder);
    return {};
}

}  // namespace fieldkiosk::core
