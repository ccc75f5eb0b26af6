// fieldkiosk::storage — a thin, RAII C++ layer over the SQLite C API.
//
// Index:
//   StoreError, Result   every fallible call says so in its type
//   Database             one connection: open with the project's pragmas, exec, prepare
//   Statement            prepared statement: bind by position, step, read columns
//   Transaction          BEGIN IMMEDIATE on construction; rolls back in the destructor unless committed
//
// Thread-safety: a Database and its Statements belong to one thread at a time (SQLite's
// "multi-thread" mode); give each thread its own connection.
#pragma once

#include <cstdint>
#include <expected>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace fieldkiosk::storage {

struct StoreError {
    enum class Kind : std::uint8_t {
        Open,        // the file cannot be opened or created (path, permissions)
        Busy,        // another process holds the lock longer than the busy timeout
        Full,        // the disk (or the database's size limit) is full: nothing was written
        Corrupt,     // the file is not a database, or is damaged
        Io,          // the operating system reported an I/O error
        Constraint,  // a uniqueness or foreign-key rule refused the change
        Schema,      // the database is newer than this program, or a migration failed
        NotFound,    // the row asked for does not exist
        Other,
    };
    Kind kind = Kind::Other;
    std::string message;  // for an operator: what failed, and SQLite's own words
};

template <class T>
using Result = std::expected<T, StoreError>;

class Statement;

class Database {
public:
    struct Options {
        int busy_timeout_ms = 5000;
        bool create = true;  // create the file (and its folder) if missing
    };

    // Opens `path` with WAL, synchronous=FULL, foreign keys on and a busy timeout.
    [[nodiscard]] static Result<Database> open(const std::filesystem::path& path, Options options);
    [[nodiscard]] static Result<Database> open(const std::filesystem::path& path) { return open(path, Options{}); }

    Database(Database&& other) noexcept;
    Database& operator=(Database&& other) noexcept;
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;
    ~Database();

    [[nodiscard]] Result<void> exec(std::string_view sql);  // one or more statements, no results
    [[nodiscard]] Result<Statement> prepare(std::string_view sql);
    [[nodiscard]] Result<std::int64_t> user_version();
    [[nodiscard]] std::int64_t changes() const;  // rows changed by the last statement
    [[nodiscard]] sqlite3* handle() const { return m_db; }
    [[nodiscard]] const std::filesystem::path& path() const { return m_path; }

    // The error for SQLite result code `rc` on this connection, with `what` said first.
    [[nodiscard]] StoreError error(int rc, std::string_view what) const;

private:
    Database(sqlite3* db, std::filesystem::path path) : m_db(db), m_path(std::move(path)) {}
    sqlite3* m_db = nullptr;
    std::filesystem::path m_path;
};

class Statement {
public:
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&& other) noexcept;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    ~Statement();

    // Parameters are 1-based, as in SQLite. Text and blobs are copied (SQLITE_TRANSIENT).
    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, std::string_view text);
    Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
    Statement& bind_blob(int index, std::span<const std::byte> bytes);
    Statement& bind_null(int index);

    // Runs one step: true when a row is ready to read, false when done.
    [[nodiscard]] Result<bool> step();
    // Runs to completion, ignoring rows.
    [[nodiscard]] Result<void> run();
    // Steps to the end, calling on_row(*this) for each row. Stops at the first error.
    template <class F>
    [[nodiscard]] Result<void> for_each_row(F&& on_row) {
        while (true) {
            auto row = step();
            if (!row) return std::unexpected(row.error());
            if (!*row) return {};
            on_row(*this);
        }
    }
    void reset();  // ready to bind and step again; bindings are cleared

    [[nodiscard]] std::int64_t column_int64(int col) const;
    [[nodiscard]] double column_double(int col) const;
    [[nodiscard]] std::string column_text(int col) const;
    [[nodiscard]] std::string column_blob_as_string(int col) const;
    [[nodiscard]] bool column_is_null(int col) const;
    [[nodiscard]] int column_bytes(int col) const;

private:
    friend class Database;
    Statement(const Database* db, sqlite3_stmt* stmt) : m_db(db), m_stmt(stmt) {}
    const Database* m_db = nullptr;
    sqlite3_stmt* m_stmt = nullptr;
    int m_bind_error = 0;  // first bind failure, reported by step()
};

// BEGIN IMMEDIATE: takes the write lock at once, so a transaction never fails half-way on a lock
// upgrade. Rolls back in the destructor unless commit() succeeded; never throws.
class Transaction {
public:
    [[nodiscard]] static Result<Transaction> begin(Database& db);
    Transaction(Transaction&& other) noexcept : m_db(other.m_db) { other.m_db = nullptr; }
    Transaction& operator=(Transaction&&) = delete;
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    ~Transaction();

    [[nodiscard]] Result<void> commit();

private:
    explicit Transaction(Database* db) : m_db(db) {}
    Database* m_db;
};

}  // namespace fieldkiosk::storage
