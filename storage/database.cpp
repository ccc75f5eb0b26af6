#include "storage/database.hpp"

#include <sqlite3.h>

#include <cassert>
#include <cerrno>
#include <optional>
#include <string>
#include <system_error>

#include <fcntl.h>
#include <unistd.h>

namespace fieldkiosk::storage {

namespace {

StoreError::Kind kind_of(int rc) {
    switch (rc & 0xFF) {
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
            return StoreError::Kind::Busy;
        case SQLITE_FULL:
            return StoreError::Kind::Full;
        case SQLITE_CORRUPT:
        case SQLITE_NOTADB:
            return StoreError::Kind::Corrupt;
        case SQLITE_IOERR:
            return StoreError::Kind::Io;
        case SQLITE_CONSTRAINT:
            return StoreError::Kind::Constraint;
        case SQLITE_CANTOPEN:
        case SQLITE_PERM:
        case SQLITE_READONLY:
            return StoreError::Kind::Open;
        default:
            return StoreError::Kind::Other;
    }
}

// Can this program create a file in `dir`? Tried for real: root ignores permission bits, but not a
// read-only file system or a folder such as /sys, and access(2) would not tell.
bool folder_writable(const std::filesystem::path& dir, int& err) {
    const auto probe = dir / ".fieldkiosk-write-test";
    const int fd = ::open(probe.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
    if (fd < 0) {
        err = errno;
        return err == EEXIST;  // a leftover probe: the folder took it once
    }
    ::close(fd);
    ::unlink(probe.c_str());
    return true;
}

// The plain sentence for a database whose folder or file cannot be written (issue 16: the message used to
// repeat SQLite's "unable to open database file" three times and never said why).
std::optional<std::string> read_only_reason(const std::filesystem::path& path) {
    const auto dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
    std::error_code ec;
    const std::string what = "Make it writable by the user the kiosk runs as, or choose another folder "
                             "(--db PATH, or database = \"...\" in the settings file).";
    if (std::filesystem::is_directory(dir, ec)) {
        int err = 0;
        if (!folder_writable(dir, err) && (err == EACCES || err == EPERM || err == EROFS))
            return "this folder is read-only (" + dir.string() + "), so the kiosk cannot keep its database there. " + what;
    }
    if (std::filesystem::exists(path, ec) && ::access(path.c_str(), W_OK) != 0 && (errno == EACCES || errno == EROFS))
        return "the database file is read-only (" + path.string() + "). " + what;
    return std::nullopt;
}

}  // namespace

StoreError Database::error(int rc, std::string_view what) const {
    std::string msg(what);
    msg += ": ";
    msg += m_db ? sqlite3_errmsg(m_db) : sqlite3_errstr(rc);
    if ((rc & 0xFF) == SQLITE_FULL) msg += " (free some disk space; nothing was written)";
    return StoreError{kind_of(rc), std::move(msg)};
}

Result<Database> Database::open(const std::filesystem::path& path, Options options) {
    if (options.create && path.has_parent_path()) {
        std::error_code ec;
        std::filesystem::create_directories(path.parent_path(), ec);
        if (ec) {
            const bool read_only = ec == std::errc::permission_denied || ec == std::errc::operation_not_permitted ||
                                   ec == std::errc::read_only_file_system;
            return std::unexpected(StoreError{
                StoreError::Kind::Open,
                read_only ? "the folder " + path.parent_path().string() +
                                " cannot be made here: this place is read-only. Choose a writable folder (--db PATH, or "
                                "database = \"...\" in the settings file)."
                          : "cannot create folder " + path.parent_path().string() + ": " + ec.message()});
        }
    }
    sqlite3* raw = nullptr;
    const int flags = SQLITE_OPEN_READWRITE | (options.create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
    const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
    Database db(raw, path);
    if (rc != SQLITE_OK) {
        if (auto why = read_only_reason(path)) return std::unexpected(StoreError{StoreError::Kind::Open, std::move(*why)});
        auto e = db.error(rc, "SQLite could not open it");  // callers name the file
        e.kind = StoreError::Kind::Open;
        return std::unexpected(std::move(e));
    }
    sqlite3_extended_result_codes(raw, 1);
    sqlite3_busy_timeout(raw, options.busy_timeout_ms);
    // WAL: readers never block the writer (stats while saving). synchronous=FULL: a commit is on
    // disk (WAL fsynced) when it returns, so the thank-you screen means the response is saved.
    if (auto r = db.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"); !r) {
        // An existing database in a folder that became read-only opens, then fails here (no -wal file).
        if (auto why = read_only_reason(path)) return std::unexpected(StoreError{StoreError::Kind::Open, std::move(*why)});
        return std::unexpected(r.error());
    }
    // journal_mode returns a row; make sure WAL really took (it cannot on some file systems).
    auto st = db.prepare("PRAGMA journal_mode");
    if (!st) return std::unexpected(st.error());
    if (auto row = st->step(); !row) return std::unexpected(row.error());
    if (st->column_text(0) != "wal")
        return std::unexpected(StoreError{StoreError::Kind::Open, "database " + path.string() +
                                                                      " cannot use WAL journaling (journal_mode is " +
                                                                      st->column_text(0) + "); put it on a local disk"});
    return db;
}

Database::Database(Database&& other) noexcept : m_db(other.m_db), m_path(std::move(other.m_path)) { other.m_db = nullptr; }

Database& Database::operator=(Database&& other) noexcept {
    if (this != &other) {
        if (m_db) sqlite3_close_v2(m_db);
        m_db = other.m_db;
        m_path = std::move(other.m_path);
        other.m_db = nullptr;
    }
    return *this;
}

Database::~Database() {
    if (m_db) sqlite3_close_v2(m_db);
}

Result<void> Database::exec(std::string_view sql) {
    const std::string text(sql);
    char* err = nullptr;
    const int rc = sqlite3_exec(m_db, text.c_str(), nullptr, nullptr, &err);
    if (err) sqlite3_free(err);
    if (rc != SQLITE_OK) return std::unexpected(error(rc, "SQL failed"));
    return {};
}

Result<Statement> Database::prepare(std::string_view sql) {
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v2(m_db, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
    if (rc != SQLITE_OK) return std::unexpected(error(rc, "cannot prepare SQL"));
    return Statement(this, stmt);
}

Result<std::int64_t> Database::user_version() {
    auto st = prepare("PRAGMA user_version");
    if (!st) return std::unexpected(st.error());
    auto row = st->step();
    if (!row) return std::unexpected(row.error());
    return st->column_int64(0);
}

std::int64_t Database::changes() const { return sqlite3_changes64(m_db); }

// ---- Statement ----

Statement::Statement(Statement&& other) noexcept : m_db(other.m_db), m_stmt(other.m_stmt), m_bind_error(other.m_bind_error) {
    other.m_stmt = nullptr;
}

Statement& Statement::operator=(Statement&& other) noexcept {
    if (this != &other) {
        if (m_stmt) sqlite3_finalize(m_stmt);
        m_db = other.m_db;
        m_stmt = other.m_stmt;
        m_bind_error = other.m_bind_error;
        other.m_stmt = nullptr;
    }
    return *this;
}

Statement::~Statement() {
    if (m_stmt) sqlite3_finalize(m_stmt);
}

Statement& Statement::bind(int index, std::int64_t value) {
    const int rc = sqlite3_bind_int64(m_stmt, index, value);
    if (rc != SQLITE_OK && !m_bind_error) m_bind_error = rc;
    return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
    const int rc = sqlite3_bind_text64(m_stmt, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    if (rc != SQLITE_OK && !m_bind_error) m_bind_error = rc;
    return *this;
}

Statement& Statement::bind_blob(int index, std::span<const std::byte> bytes) {
    const int rc = sqlite3_bind_blob64(m_stmt, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
    if (rc != SQLITE_OK && !m_bind_error) m_bind_error = rc;
    return *this;
}

Statement& Statement::bind_null(int index) {
    const int rc = sqlite3_bind_null(m_stmt, index);
    if (rc != SQLITE_OK && !m_bind_error) m_bind_error = rc;
    return *this;
}

Result<bool> Statement::step() {
    if (m_bind_error) return std::unexpected(m_db->error(m_bind_error, "cannot bind a value"));
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    auto e = m_db->error(rc, "SQL step failed");
    sqlite3_reset(m_stmt);
    return std::unexpected(std::move(e));
}

Result<void> Statement::run() {
    while (true) {
        auto r = step();
        if (!r) return std::unexpected(r.error());
        if (!*r) return {};
    }
}

void Statement::reset() {
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
    m_bind_error = 0;
}

std::int64_t Statement::column_int64(int col) const { return sqlite3_column_int64(m_stmt, col); }

double Statement::column_double(int col) const { return sqlite3_column_double(m_stmt, col); }

std::string Statement::column_text(int col) const {
    const auto* p = sqlite3_column_text(m_stmt, col);
    const int n = sqlite3_column_bytes(m_stmt, col);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n)) : std::string{};
}

std::string Statement::column_blob_as_string(int col) const {
    const void* p = sqlite3_column_blob(m_stmt, col);
    const int n = sqlite3_column_bytes(m_stmt, col);
    return p ? std::string(static_cast<const char*>(p), static_cast<std::size_t>(n)) : std::string{};
}

bool Statement::column_is_null(int col) const { return sqlite3_column_type(m_stmt, col) == SQLITE_NULL; }

int Statement::column_bytes(int col) const { return sqlite3_column_bytes(m_stmt, col); }

// ---- Transaction ----

Result<Transaction> Transaction::begin(Database& db) {
    if (auto r = db.exec("BEGIN IMMEDIATE"); !r) return std::unexpected(r.error());
    return Transaction(&db);
}

Transaction::~Transaction() {
    if (m_db && !sqlite3_get_autocommit(m_db->handle())) (void)m_db->exec("ROLLBACK");
}

Result<void> Transaction::commit() {
    assert(m_db && "Transaction::commit() called twice or on a moved-from transaction");
    if (auto r = m_db->exec("COMMIT"); !r) return r;  // the destructor rolls back
    m_db = nullptr;
    return {};
}

}  // namespace fieldkiosk::storage
