// fieldkiosk::sync::server — the narrow connection interface the receiver's storage (sql_storage.cpp) is
// written against, once, for SQLite and PostgreSQL.
//
// Index:
//   SqlDialect          every difference between the two databases the storage has to know, in one place
//   SqlValue, SqlRow    a positional parameter; one row of a result, read by column
//   SqlConnection       execute / query / script with positional parameters; transaction state
//   open_*_connection   the two adapters (sqlite_connection.cpp, pg_connection.cpp)
//   SqlTransaction      RAII: BEGIN (the dialect's), COMMIT, ROLLBACK in the destructor unless committed
//   ConnectionPool      connections shared by the server's threads; ONE rule for broken connections
//
// SQL given to a connection is the subset both databases accept (ON CONFLICT … DO UPDATE, `excluded.`,
// RETURNING, CASE, COALESCE; no GREATEST/LEAST, no multi-argument min/max, no data-modifying CTEs) with
// numbered placeholders `?1 … ?N`, as SQLite writes them. A placeholder may appear more than once. The
// PostgreSQL adapter rewrites them to `$1 … $N` (pg_connection.cpp, to_dollar_placeholders): SQLite reads
// `$1` as a *named* parameter numbered by first appearance, so the shared spelling must be `?N`.
#pragma once

#include "sync/server/storage.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace fieldkiosk::sync::server {

// The real differences between the dialects, and why each one exists. Anything not here is written once.
struct SqlDialect {
    std::string_view name;  // Storage::backend(): "sqlite" or "postgresql"
    // A write transaction. SQLite: IMMEDIATE takes the write lock at once, so a batch never fails half-way
    // on a lock upgrade (SQLITE_BUSY after the first insert). PostgreSQL locks rows; a plain BEGIN.
    std::string_view begin_write;
    // A read that spans several queries and must see one state of the database. SQLite: a deferred BEGIN keeps
    // the snapshot of its first read (WAL). PostgreSQL: READ COMMITTED would take a new snapshot per statement.
    std::string_view begin_read;
    // An auto-numbered 64-bit primary key (conflicts.seq). SQLite makes a rowid alias only of exactly
    // `INTEGER PRIMARY KEY` (already 64-bit); PostgreSQL's INTEGER is 32-bit and has no default.
    std::string_view serial_primary_key;
    // Taken around the schema statements when set. PostgreSQL: several servers may start at once and
    // CREATE … IF NOT EXISTS is not safe against a concurrent CREATE. SQLite: each CREATE takes the file lock.
    std::string_view schema_lock, schema_unlock;
    // The most parameters one multi-row INSERT is given (kept_figures.cpp). SQLite finds a numbered parameter's
    // name by a linear search (sqlite3VListNumToName), so a statement's parse grows with the square of its
    // parameters: small statements, each text prepared once and cached. PostgreSQL: few round trips.
    std::size_t insert_parameters;
};

inline constexpr SqlDialect k_sqlite_dialect{.name = "sqlite",
                                             .begin_write = "BEGIN IMMEDIATE",
                                             .begin_read = "BEGIN",
                                             .serial_primary_key = "INTEGER PRIMARY KEY",
                                             .schema_lock = {},
                                             .schema_unlock = {},
                                             .insert_parameters = 1'000};
inline constexpr SqlDialect k_postgresql_dialect{.name = "postgresql",
                                                 .begin_write = "BEGIN",
                                                 .begin_read = "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY",
                                                 .serial_primary_key = "BIGSERIAL PRIMARY KEY",
                                                 .schema_lock = "SELECT pg_advisory_lock(4242001)",
                                                 .schema_unlock = "SELECT pg_advisory_unlock(4242001)",
                                                 .insert_parameters = 30'000};

// A positional parameter: NULL, a 64-bit integer, or text (copied by the adapter before the call returns).
using SqlValue = std::variant<std::nullptr_t, std::int64_t, std::string_view>;

// An optional count as a parameter: NULL when not known.
[[nodiscard]] inline SqlValue sql_value(const std::optional<std::int64_t>& v) { return v ? SqlValue(*v) : SqlValue(nullptr); }
// Text as a parameter, NULL when empty.
[[nodiscard]] inline SqlValue sql_text_or_null(std::string_view v) { return v.empty() ? SqlValue(nullptr) : SqlValue(v); }

// One row of a query's result, valid only during the callback that receives it. Columns are 0-based.
class SqlRow {
public:
    virtual ~SqlRow() = default;
    [[nodiscard]] virtual bool is_null(int col) const = 0;
    [[nodiscard]] virtual std::string text(int col) const = 0;    // "" for NULL
    [[nodiscard]] virtual std::int64_t int64(int col) const = 0;  // 0 for NULL
    [[nodiscard]] virtual double real(int col) const = 0;         // 0 for NULL; exactly the stored double
    [[nodiscard]] std::optional<std::int64_t> optional_int64(int col) const {
        return is_null(col) ? std::nullopt : std::optional<std::int64_t>(int64(col));
    }
};
// Called once per row, in order; returning false stops the query early (successfully).
using SqlRowFn = std::function<bool(const SqlRow&)>;

// One connection, used by one thread at a time (the pool hands it out). Every call that can fail says so;
// the adapters map their own errors to ServerError (Busy: locked, overloaded or connection lost).
class SqlConnection {
public:
    virtual ~SqlConnection() = default;
    [[nodiscard]] virtual const SqlDialect& dialect() const = 0;
    // Runs one statement with `params` bound to ?1 … ?N; returns the rows it inserted, updated or deleted.
    [[nodiscard]] virtual SResult<std::int64_t> execute(std::string_view sql, std::span<const SqlValue> params) = 0;
    [[nodiscard]] SResult<std::int64_t> execute(std::string_view sql) { return execute(sql, {}); }
    // Runs one query, calling `on_row` for each row as it arrives (never the whole result in memory).
    [[nodiscard]] virtual SResult<void> query(std::string_view sql, std::span<const SqlValue> params, const SqlRowFn& on_row) = 0;
    // Runs several statements separated by `;`, without parameters (the schema).
    [[nodiscard]] virtual SResult<void> execute_script(std::string_view sql) = 0;
    // False once the connection is lost or unusable (PostgreSQL: CONNECTION_BAD). SQLite: always true.
    [[nodiscard]] virtual bool healthy() const = 0;
    // True inside a transaction, including one that failed and waits for ROLLBACK.
    [[nodiscard]] virtual bool in_transaction() const = 0;
};

[[nodiscard]] SResult<std::unique_ptr<SqlConnection>> open_sqlite_connection(const std::string& path);
[[nodiscard]] SResult<std::unique_ptr<SqlConnection>> open_pg_connection(const std::string& conninfo);

// A write transaction: begin() runs the dialect's begin_write; the destructor rolls back unless commit()
// succeeded (and never throws). After a failed commit nothing is left open (the destructor sees to it).
class SqlTransaction {
public:
    [[nodiscard]] static SResult<SqlTransaction> begin(SqlConnection& c);
    // A read transaction (the dialect's begin_read): several queries see one snapshot.
    [[nodiscard]] static SResult<SqlTransaction> begin_read(SqlConnection& c);
    SqlTransaction(SqlTransaction&& other) noexcept : m_conn(std::exchange(other.m_conn, nullptr)) {}
    SqlTransaction& operator=(SqlTransaction&&) = delete;
    SqlTransaction(const SqlTransaction&) = delete;
    SqlTransaction& operator=(const SqlTransaction&) = delete;
    ~SqlTransaction();
    [[nodiscard]] SResult<void> commit();

private:
    explicit SqlTransaction(SqlConnection* c) : m_conn(c) {}
    SqlConnection* m_conn;
};

// Connections shared by the server's threads: a free one is reused, else a new one is opened (no upper bound:
// httplib's thread pool bounds the callers). The one rule for broken connections, for both databases: a
// connection goes back to the pool only if it is healthy() and not in_transaction(); otherwise it is closed,
// and the next caller opens a fresh one. Thread-safe.
class ConnectionPool {
public:
    using Opener = std::function<SResult<std::unique_ptr<SqlConnection>>()>;
    explicit ConnectionPool(Opener open) : m_open(std::move(open)) {}

    // Runs `f(SqlConnection&)` on a pooled connection and returns what it returns; the connection goes back
    // (or is closed, by the rule above) afterwards, also when `f` throws.
    template <class F>
    auto with_connection(F&& f) -> decltype(f(std::declval<SqlConnection&>())) {
        auto c = acquire();
        if (!c) return std::unexpected(c.error());
        const Lease lease{this, std::move(*c)};
        return f(*lease.conn);
    }

private:
    struct Lease {
        ConnectionPool* pool;
        std::unique_ptr<SqlConnection> conn;
        Lease(ConnectionPool* p, std::unique_ptr<SqlConnection> c) : pool(p), conn(std::move(c)) {}
        Lease(const Lease&) = delete;
        Lease& operator=(const Lease&) = delete;
        ~Lease() { pool->release(std::move(conn)); }
    };
    SResult<std::unique_ptr<SqlConnection>> acquire();
    void release(std::unique_ptr<SqlConnection> c);

    Opener m_open;
    std::mutex m_mutex;
    std::vector<std::unique_ptr<SqlConnection>> m_free;
};

}  // namespace fieldkiosk::sync::server
