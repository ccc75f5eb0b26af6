// SqlTransaction and ConnectionPool: the parts of the connection layer that are the same for both databases.
#include "sync/server/sql_connection.hpp"

namespace fieldkiosk::sync::server {

SResult<SqlTransaction> SqlTransaction::begin(SqlConnection& c) {
    if (auto r = c.execute(c.dialect().begin_write); !r) return std::unexpected(r.error());
    return SqlTransaction(&c);
}

SResult<SqlTransaction> SqlTransaction::begin_read(SqlConnection& c) {
    if (auto r = c.execute(c.dialect().begin_read); !r) return std::unexpected(r.error());
    return SqlTransaction(&c);
}

SqlTransaction::~SqlTransaction() {
    // A failed COMMIT may leave the transaction open (SQLite: SQLITE_BUSY) or end it (PostgreSQL): ask.
    if (m_conn != nullptr && m_conn->in_transaction()) (void)m_conn->execute("ROLLBACK");
}

SResult<void> SqlTransaction::commit() {
    if (auto r = m_conn->execute("COMMIT"); !r) return std::unexpected(r.error());
    m_conn = nullptr;
    return {};
}

SResult<std::unique_ptr<SqlConnection>> ConnectionPool::acquire() {
    {
        std::lock_guard lock(m_mutex);
        if (!m_free.empty()) {
            auto c = std::move(m_free.back());
            m_free.pop_back();
            return c;
        }
    }
    return m_open();
}

void ConnectionPool::release(std::unique_ptr<SqlConnection> c) {
    if (!c || !c->healthy() || c->in_transaction()) return;  // closed here; the next caller opens a fresh one
    std::lock_guard lock(m_mutex);
    m_free.push_back(std::move(c));
}

}  // namespace fieldkiosk::sync::server
