// SQLite implementation of Storage: one file, WAL, synchronous=FULL (storage::Database's pragmas), a
// small pool of connections so that readers (export, health) never wait for the writer.
#include "storage/database.hpp"
#include "sync/server/storage.hpp"

#include <mutex>

namespace fieldkiosk::sync::server {

namespace {

using storage::Database;
using storage::StoreError;

ServerError to_server_error(const StoreError& e) {
    const auto kind = e.kind == StoreError::Kind::Busy   ? ServerError::Kind::Busy
                      : e.kind == StoreError::Kind::Open ? ServerError::Kind::Open
                                                         : ServerError::Kind::Other;
    return ServerError{kind, e.message};
}

#define FK_SQL_TRY(expr)                                                                         \
    do {                                                                                         \
        if (auto fk_r_ = (expr); !fk_r_) return std::unexpected(to_server_error(fk_r_.error())); \
    } while (0)

constexpr std::string_view k_schema = R"sql(
CREATE TABLE IF NOT EXISTS tokens(
  name TEXT PRIMARY KEY, role TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL, revoked_at TEXT);
CREATE TABLE IF NOT EXISTS responses(
  id TEXT PRIMARY KEY, kiosk TEXT NOT NULL, device_id TEXT NOT NULL, survey TEXT NOT NULL,
  survey_version TEXT NOT NULL, completed_at TEXT NOT NULL, content_hash TEXT NOT NULL,
  payload TEXT NOT NULL, received_at TEXT NOT NULL, batch_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS responses_by_survey ON responses(survey, received_at);
CREATE TABLE IF NOT EXISTS conflicts(
  seq INTEGER PRIMARY KEY, id TEXT NOT NULL, kiosk TEXT NOT NULL, content_hash TEXT NOT NULL,
  payload TEXT NOT NULL, received_at TEXT NOT NULL, UNIQUE(id, content_hash));
)sql";

class SqliteStorage final : public Storage {
public:
    explicit SqliteStorage(std::string path) : m_path(std::move(path)) {}

    SResult<void> init() {
        auto db = acquire();
        if (!db) return std::unexpected(db.error());
        FK_SQL_TRY(db->get()->exec(k_schema));
        release(std::move(*db));
        return {};
    }

    std::string_view backend() const override { return "sqlite"; }

    SResult<void> add_token(std::string_view name, std::string_view role, std::string_view hash, std::string_view at) override {
        return with_db([&](Database& db) -> SResult<void> {
            auto st = db.prepare(
                "INSERT INTO tokens(name, role, token_hash, created_at) VALUES(?1, ?2, ?3, ?4)"
                " ON CONFLICT(name) DO UPDATE SET role = ?2, token_hash = ?3, created_at = ?4, revoked_at = NULL"
                " WHERE tokens.revoked_at IS NOT NULL");
            if (!st) return std::unexpected(to_server_error(st.error()));
            st->bind(1, name).bind(2, role).bind(3, hash).bind(4, at);
            FK_SQL_TRY(st->run());
            if (db.changes() == 0)
                return std::unexpected(
                    ServerError{ServerError::Kind::Exists,
                                "a kiosk named '" + std::string(name) + "' already has an active token (revoke it first)"});
            return {};
        });
    }

    SResult<void> revoke_token(std::string_view name, std::string_view at) override {
        return with_db([&](Database& db) -> SResult<void> {
            auto st = db.prepare("UPDATE tokens SET revoked_at = ?2 WHERE name = ?1 AND revoked_at IS NULL");
            if (!st) return std::unexpected(to_server_error(st.error()));
            st->bind(1, name).bind(2, at);
            FK_SQL_TRY(st->run());
            if (db.changes() == 0)
                return std::unexpected(
                    ServerError{ServerError::Kind::NotFound, "no active token named '" + std::string(name) + "'"});
            return {};
        });
    }

    SResult<std::optional<TokenRecord>> find_token(std::string_view hash) override {
        return with_db([&](Database& db) -> SResult<std::optional<TokenRecord>> {
            auto st = db.prepare("SELECT name, role, token_hash FROM tokens WHERE token_hash = ?1 AND revoked_at IS NULL");
            if (!st) return std::unexpected(to_server_error(st.error()));
            st->bind(1, hash);
            auto row = st->step();
            if (!row) return std::unexpected(to_server_error(row.error()));
            if (!*row) return std::optional<TokenRecord>{};
            return std::optional<TokenRecord>{TokenRecord{st->column_text(0), st->column_text(1), st->column_text(2)}};
        });
    }

    SResult<std::vector<StoreOutcome>> store_batch(const BatchContext& ctx, std::span<const PreparedItem> items,
                                                   const std::function<void()>& before_commit) override {
        return with_db([&](Database& db) -> SResult<std::vector<StoreOutcome>> {
            auto tx = storage::Transaction::begin(db);
            if (!tx) return std::unexpected(to_server_error(tx.error()));
            auto ins = db.prepare(
                "INSERT INTO responses(id, kiosk, device_id, survey, survey_version, completed_at, content_hash, payload,"
                " received_at, batch_id) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT(id) DO NOTHING");
            auto sel = db.prepare("SELECT content_hash FROM responses WHERE id = ?1");
            auto conf = db.prepare(
                "INSERT INTO conflicts(id, kiosk, content_hash, payload, received_at) VALUES(?1, ?2, ?3, ?4, ?5)"
                " ON CONFLICT(id, content_hash) DO NOTHING");
            if (!ins) return std::unexpected(to_server_error(ins.error()));
            if (!sel) return std::unexpected(to_server_error(sel.error()));
            if (!conf) return std::unexpected(to_server_error(conf.error()));
            std::vector<StoreOutcome> out;
            out.reserve(items.size());
            for (const auto& it : items) {
                ins->bind(1, it.id).bind(2, ctx.kiosk).bind(3, ctx.device_id).bind(4, it.survey).bind(5, it.survey_version);
                ins->bind(6, it.completed_at)
                    .bind(7, it.content_hash)
                    .bind(8, it.payload)
                    .bind(9, ctx.received_at)
                    .bind(10, ctx.batch_id);
                FK_SQL_TRY(ins->run());
                ins->reset();
                if (db.changes() == 1) {
                    out.push_back(StoreOutcome::Accepted);
                    continue;
                }
                sel->bind(1, it.id);
                auto row = sel->step();
                if (!row) return std::unexpected(to_server_error(row.error()));
                const std::string stored = *row ? sel->column_text(0) : std::string();
                sel->reset();
                if (stored == it.content_hash) {
                    out.push_back(StoreOutcome::Duplicate);
                    continue;
                }
                conf->bind(1, it.id).bind(2, ctx.kiosk).bind(3, it.content_hash).bind(4, it.payload).bind(5, ctx.received_at);
                FK_SQL_TRY(conf->run());
                conf->reset();
                out.push_back(StoreOutcome::Conflict);
            }
            if (before_commit) before_commit();
            FK_SQL_TRY(tx->commit());
            return out;
        });
    }

    SResult<void> for_each_response(std::string_view survey, const std::function<bool(const ExportRow&)>& fn) override {
        return with_db([&](Database& db) -> SResult<void> {
            auto st = db.prepare(
                "SELECT id, kiosk, device_id, survey, survey_version, completed_at, received_at, payload FROM responses"
                " WHERE survey = ?1 ORDER BY received_at, id");
            if (!st) return std::unexpected(to_server_error(st.error()));
            st->bind(1, survey);
            while (true) {
                auto row = st->step();
                if (!row) return std::unexpected(to_server_error(row.error()));
                if (!*row) return {};
                ExportRow r{st->column_text(0), st->column_text(1), st->column_text(2), st->column_text(3),
                            st->column_text(4), st->column_text(5), st->column_text(6), st->column_text(7)};
                if (!fn(r)) return {};
            }
        });
    }

    SResult<StorageCounts> counts() override {
        return with_db([&](Database& db) -> SResult<StorageCounts> {
            auto st = db.prepare(
                "SELECT (SELECT count(*) FROM responses), (SELECT count(*) FROM conflicts),"
                " (SELECT count(*) FROM tokens WHERE revoked_at IS NULL)");
            if (!st) return std::unexpected(to_server_error(st.error()));
            auto row = st->step();
            if (!row) return std::unexpected(to_server_error(row.error()));
            return StorageCounts{st->column_int64(0), st->column_int64(1), st->column_int64(2)};
        });
    }

    SResult<std::int64_t> copies_of(std::string_view id) override {
        return with_db([&](Database& db) -> SResult<std::int64_t> {
            auto st = db.prepare("SELECT count(*) FROM responses WHERE id = ?1");
            if (!st) return std::unexpected(to_server_error(st.error()));
            st->bind(1, id);
            auto row = st->step();
            if (!row) return std::unexpected(to_server_error(row.error()));
            return st->column_int64(0);
        });
    }

private:
    SResult<std::unique_ptr<Database>> acquire() {
        {
            std::lock_guard lock(m_mutex);
            if (!m_free.empty()) {
                auto db = std::move(m_free.back());
                m_free.pop_back();
                return db;
            }
        }
        auto db = Database::open(m_path, Database::Options{.busy_timeout_ms = 10'000, .create = true});
        if (!db) return std::unexpected(ServerError{ServerError::Kind::Open, db.error().message});
        return std::make_unique<Database>(std::move(*db));
    }
    void release(std::unique_ptr<Database> db) {
        std::lock_guard lock(m_mutex);
        m_free.push_back(std::move(db));
    }
    template <class F>
    auto with_db(F&& f) -> decltype(f(std::declval<Database&>())) {
        auto db = acquire();
        if (!db) return std::unexpected(db.error());
        auto result = f(**db);
        release(std::move(*db));
        return result;
    }

    std::string m_path;
    std::mutex m_mutex;
    std::vector<std::unique_ptr<Database>> m_free;
};

}  // namespace

SResult<std::unique_ptr<Storage>> open_sqlite_storage(const std::string& path) {
    auto s = std::make_unique<SqliteStorage>(path);
    if (auto r = s->init(); !r) return std::unexpected(r.error());
    return std::unique_ptr<Storage>(std::move(s));
}

SResult<std::unique_ptr<Storage>> open_storage(std::string_view url) {
    if (url.starts_with("postgresql://") || url.starts_with("postgres://")) return open_pg_storage(std::string(url));
    if (url.starts_with("pg:")) return open_pg_storage(std::string(url.substr(3)));
    if (url.starts_with("sqlite:")) url.remove_prefix(7);
    if (url.empty()) return std::unexpected(ServerError{ServerError::Kind::Open, "--db: give sqlite:PATH or postgresql://..."});
    return open_sqlite_storage(std::string(url));
}

}  // namespace fieldkiosk::sync::server
