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
CREATE TABLE IF NOT EXISTS kiosks(
  name TEXT PRIMARY KEY, device_id TEXT NOT NULL, first_seen TEXT NOT NULL, last_seen TEXT NOT NULL,
  last_batch_id TEXT NOT NULL, last_batch_items INTEGER NOT NULL DEFAULT 0,
  last_batch_accepted INTEGER NOT NULL DEFAULT 0, last_batch_duplicate INTEGER NOT NULL DEFAULT 0,
  last_batch_conflict INTEGER NOT NULL DEFAULT 0, last_batch_rejected INTEGER NOT NULL DEFAULT 0,
  last_batch_retry_later INTEGER NOT NULL DEFAULT 0,
  heartbeat_at TEXT, app_version TEXT, surveys TEXT, queue_depth INTEGER, quarantined INTEGER,
  free_disk_bytes INTEGER, last_error TEXT, last_success_at TEXT, sent_at TEXT, state TEXT);
)sql";

// The kiosk's row, in the batch's own transaction: one more row write before the one COMMIT, so no second
// fsync (synchronous=FULL) per batch; and last_seen can never say a batch arrived that was rolled back.
// Without a heartbeat the last heartbeat's columns are kept (?12 IS NULL), except the kiosk's queue depth
// and quarantined count, which follow what this batch moved: ?22 items left the kiosk's queue (all but
// retry_later), ?23 of them were quarantined there (rejected, conflict). NULL (never reported) stays NULL;
// quarantined saturates at 10^15 (k_max_heartbeat_figure), so no sum overflows.
constexpr std::string_view k_upsert_kiosk = R"sql(
INSERT INTO kiosks(name, device_id, first_seen, last_seen, last_batch_id, last_batch_items, last_batch_accepted,
  last_batch_duplicate, last_batch_conflict, last_batch_rejected, last_batch_retry_later, heartbeat_at, app_version,
  surveys, queue_depth, quarantined, free_disk_bytes, last_error, last_success_at, sent_at, state)
VALUES(?1, ?2, ?3, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)
ON CONFLICT(name) DO UPDATE SET device_id = ?2, last_seen = ?3, last_batch_id = ?4, last_batch_items = ?5,
  last_batch_accepted = ?6, last_batch_duplicate = ?7, last_batch_conflict = ?8, last_batch_rejected = ?9,
  last_batch_retry_later = ?10,
  heartbeat_at = CASE WHEN ?12 IS NULL THEN kiosks.heartbeat_at ELSE ?12 END,
  app_version = CASE WHEN ?12 IS NULL THEN kiosks.app_version ELSE ?13 END,
  surveys = CASE WHEN ?12 IS NULL THEN kiosks.surveys ELSE ?14 END,
  queue_depth = CASE WHEN ?12 IS NULL THEN max(0, kiosks.queue_depth - ?22) ELSE ?15 END,
  quarantined = CASE WHEN ?12 IS NULL THEN min(min(kiosks.quarantined, 1000000000000000) + ?23, 1000000000000000) ELSE ?16 END,
  free_disk_bytes = CASE WHEN ?12 IS NULL THEN kiosks.free_disk_bytes ELSE ?17 END,
  last_error = CASE WHEN ?12 IS NULL THEN kiosks.last_error ELSE ?18 END,
  last_success_at = CASE WHEN ?12 IS NULL THEN kiosks.last_success_at ELSE ?19 END,
  sent_at = CASE WHEN ?12 IS NULL THEN kiosks.sent_at ELSE ?20 END,
  state = CASE WHEN ?12 IS NULL THEN kiosks.state ELSE ?21 END
)sql";

constexpr std::string_view k_select_kiosks = R"sql(
SELECT t.name, t.created_at, t.revoked_at, k.name, k.device_id, k.first_seen, k.last_seen, k.last_batch_id,
  k.last_batch_items, k.last_batch_accepted, k.last_batch_duplicate, k.last_batch_conflict, k.last_batch_rejected,
  k.last_batch_retry_later, k.heartbeat_at, k.app_version, k.surveys, k.queue_depth, k.quarantined,
  k.free_disk_bytes, k.last_error, k.last_success_at, k.sent_at, k.state
FROM tokens t LEFT JOIN kiosks k ON k.name = t.name WHERE t.role = 'kiosk' ORDER BY t.name
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
            auto tx = storage::Transaction::begin(db);
            if (!tx) return std::unexpected(to_server_error(tx.error()));
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
            // A new token under an old name is a new device (a replacement after a revoke): what was heard from
            // the old one must not show as this one's (QUIET at once, its queue and errors). Same transaction.
            auto forget = db.prepare("DELETE FROM kiosks WHERE name = ?1");
            if (!forget) return std::unexpected(to_server_error(forget.error()));
            forget->bind(1, name);
            FK_SQL_TRY(forget->run());
            FK_SQL_TRY(tx->commit());
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
            if (ctx.seen) {
                if (auto r = upsert_kiosk(db, ctx, out); !r) return std::unexpected(r.error());
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

    SResult<std::vector<KioskRecord>> kiosks() override {
        return with_db([&](Database& db) -> SResult<std::vector<KioskRecord>> {
            auto st = db.prepare(k_select_kiosks);
            if (!st) return std::unexpected(to_server_error(st.error()));
            std::vector<KioskRecord> out;
            while (true) {
                auto row = st->step();
                if (!row) return std::unexpected(to_server_error(row.error()));
                if (!*row) return out;
                const auto text = [&](int c) { return st->column_is_null(c) ? std::string() : st->column_text(c); };
                const auto count = [&](int c) {
                    return st->column_is_null(c) ? std::optional<std::int64_t>() : st->column_int64(c);
                };
                KioskRecord k;
                k.name = text(0);
                k.token_created_at = text(1);
                k.revoked_at = text(2);
                k.seen = !st->column_is_null(3);
                k.device_id = text(4);
                k.first_seen = text(5);
                k.last_seen = text(6);
                k.last_batch_id = text(7);
                k.last_batch_items = count(8).value_or(0);
                k.last_batch_accepted = count(9).value_or(0);
                k.last_batch_duplicate = count(10).value_or(0);
                k.last_batch_conflict = count(11).value_or(0);
                k.last_batch_rejected = count(12).value_or(0);
                k.last_batch_retry_later = count(13).value_or(0);
                k.heartbeat_at = text(14);
                k.app_version = text(15);
                k.surveys_json = text(16);
                k.queue_depth = count(17);
                k.quarantined = count(18);
                k.free_disk_bytes = count(19);
                k.last_error = text(20);
                k.last_success_at = text(21);
                k.sent_at = text(22);
                k.state = text(23);
                out.push_back(std::move(k));
            }
        });
    }

private:
    static SResult<void> upsert_kiosk(Database& db, const BatchContext& ctx, const std::vector<StoreOutcome>& outcomes) {
        const KioskSeen& s = *ctx.seen;
        std::int64_t accepted = 0, duplicate = 0, conflict = 0;
        for (auto o : outcomes)
            (o == StoreOutcome::Accepted ? accepted : o == StoreOutcome::Duplicate ? duplicate : conflict) += 1;
        auto st = db.prepare(k_upsert_kiosk);
        if (!st) return std::unexpected(to_server_error(st.error()));
        st->bind(1, ctx.kiosk).bind(2, ctx.device_id).bind(3, ctx.received_at).bind(4, ctx.batch_id);
        st->bind(5, s.items).bind(6, accepted).bind(7, duplicate).bind(8, conflict).bind(9, s.rejected).bind(10, s.retry_later);
        const KioskQueueMove moved = queue_move(s, conflict);
        st->bind(22, moved.left).bind(23, moved.quarantined);
        if (s.heartbeat) {
            st->bind(12, ctx.received_at).bind(13, s.app_version).bind(14, s.surveys_json);
            const auto opt = [&](int i, const std::optional<std::int64_t>& v) {
                if (v)
                    st->bind(i, *v);
                else
                    st->bind_null(i);
            };
            opt(15, moved.queue_after(s.queue_depth));
            opt(16, moved.quarantined_after(s.quarantined));
            opt(17, s.free_disk_bytes);
            st->bind(18, s.last_error);
            if (s.last_success_at.empty())
                st->bind_null(19);
            else
                st->bind(19, s.last_success_at);
            st->bind(20, s.sent_at).bind(21, s.state);
        } else {
            for (int i = 12; i <= 21; ++i) st->bind_null(i);
        }
        FK_SQL_TRY(st->run());
        return {};
    }

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
