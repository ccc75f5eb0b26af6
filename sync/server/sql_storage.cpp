// The receiver's Storage, written once for SQLite and PostgreSQL over SqlConnection (sql_connection.hpp).
//
// Index:
//   k_schema              the tables, in the SQL both accept (the one dialect word: conflicts.seq's key)
//   k_insert_*, k_select_* the statements, each written once
//   kiosk_record          one row of k_select_kiosks as a KioskRecord
//   SqlStorage            Storage over a ConnectionPool; store_batch and the kiosk upsert
//   open_storage          picks the adapter from a --db URL
//
// The SQL uses ?1 … ?N placeholders (the PostgreSQL adapter rewrites them) and no function either database
// lacks: saturating arithmetic is written as CASE, not GREATEST/LEAST (PostgreSQL) or min/max (SQLite).
#include "sync/server/sql_connection.hpp"

#include <array>
#include <filesystem>

namespace fieldkiosk::sync::server {

namespace {

// SERIAL_PRIMARY_KEY is replaced by the dialect's serial_primary_key. BIGINT: SQLite gives it INTEGER
// affinity (64-bit); PostgreSQL's INTEGER would be 32-bit, too small for the heartbeat figures (10^15).
// Every statement is IF NOT EXISTS, so an older database gains the tables it lacks (the kiosks table,
// issue 5) and an up-to-date one is left as it is; this runs at every start.
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
  seq SERIAL_PRIMARY_KEY, id TEXT NOT NULL, kiosk TEXT NOT NULL, content_hash TEXT NOT NULL,
  payload TEXT NOT NULL, received_at TEXT NOT NULL, UNIQUE(id, content_hash));
CREATE TABLE IF NOT EXISTS kiosks(
  name TEXT PRIMARY KEY, device_id TEXT NOT NULL, first_seen TEXT NOT NULL, last_seen TEXT NOT NULL,
  last_batch_id TEXT NOT NULL, last_batch_items BIGINT NOT NULL DEFAULT 0,
  last_batch_accepted BIGINT NOT NULL DEFAULT 0, last_batch_duplicate BIGINT NOT NULL DEFAULT 0,
  last_batch_conflict BIGINT NOT NULL DEFAULT 0, last_batch_rejected BIGINT NOT NULL DEFAULT 0,
  last_batch_retry_later BIGINT NOT NULL DEFAULT 0,
  heartbeat_at TEXT, app_version TEXT, surveys TEXT, queue_depth BIGINT, quarantined BIGINT,
  free_disk_bytes BIGINT, last_error TEXT, last_success_at TEXT, sent_at TEXT, state TEXT);
CREATE TABLE IF NOT EXISTS dropoffs(
  device_id TEXT NOT NULL, kiosk TEXT NOT NULL, survey TEXT NOT NULL, survey_version TEXT NOT NULL,
  last_question TEXT NOT NULL, site TEXT NOT NULL, day TEXT NOT NULL, count BIGINT NOT NULL, updated_at TEXT NOT NULL,
  PRIMARY KEY(device_id, survey, survey_version, last_question, site, day));
CREATE INDEX IF NOT EXISTS dropoffs_by_survey ON dropoffs(survey);
CREATE TABLE IF NOT EXISTS audit(
  seq SERIAL_PRIMARY_KEY, at TEXT NOT NULL, who TEXT NOT NULL, action TEXT NOT NULL, what TEXT NOT NULL,
  row_count BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS kept_state(
  survey TEXT PRIMARY KEY, flags_key TEXT NOT NULL, cells_key TEXT NOT NULL, rows_seen BIGINT NOT NULL,
  last_received TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS response_flags(
  id TEXT PRIMARY KEY, survey TEXT NOT NULL, kiosk TEXT NOT NULL, completed_s BIGINT, flags BIGINT NOT NULL,
  reasons TEXT NOT NULL, in_cells BIGINT NOT NULL, unreadable TEXT NOT NULL, received_at TEXT NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS response_flags_by_kiosk ON response_flags(survey, kiosk, completed_s);
CREATE INDEX IF NOT EXISTS response_flags_set ON response_flags(survey) WHERE flags <> 0 OR unreadable <> '';
CREATE INDEX IF NOT EXISTS response_flags_flagged ON response_flags(survey, received_at, id) WHERE flags <> 0;
CREATE INDEX IF NOT EXISTS response_flags_new ON response_flags(survey) WHERE in_cells = 0;
CREATE TABLE IF NOT EXISTS figure_cells(
  survey TEXT NOT NULL, breakdown TEXT NOT NULL, month BIGINT NOT NULL, unit TEXT NOT NULL, grp TEXT NOT NULL,
  n BIGINT NOT NULL, numerator BIGINT NOT NULL, nonresponse BIGINT NOT NULL, total DOUBLE PRECISION NOT NULL,
  total_sq DOUBLE PRECISION NOT NULL, PRIMARY KEY(survey, breakdown, month, unit, grp));
)sql";

std::string schema_for(const SqlDialect& d) {
    std::string s(k_schema);
    const std::string_view marker = "SERIAL_PRIMARY_KEY";
    for (auto at = s.find(marker); at != std::string::npos; at = s.find(marker, at + d.serial_primary_key.size()))
        s.replace(at, marker.size(), d.serial_primary_key);
    return s;
}

// A revoked name may be reused (the WHERE); an active one is not: then no row changes.
constexpr std::string_view k_upsert_token =
    "INSERT INTO tokens(name, role, token_hash, created_at) VALUES(?1, ?2, ?3, ?4)"
    " ON CONFLICT(name) DO UPDATE SET role = excluded.role, token_hash = excluded.token_hash,"
    " created_at = excluded.created_at, revoked_at = NULL WHERE tokens.revoked_at IS NOT NULL";

constexpr std::string_view k_insert_response =
    "INSERT INTO responses(id, kiosk, device_id, survey, survey_version, completed_at, content_hash, payload,"
    " received_at, batch_id) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT(id) DO NOTHING";
constexpr std::string_view k_insert_conflict =
    "INSERT INTO conflicts(id, kiosk, content_hash, payload, received_at) VALUES(?1, ?2, ?3, ?4, ?5)"
    " ON CONFLICT(id, content_hash) DO NOTHING";

// A kiosk's drop-off count for one key: the larger of the stored and the sent (a replay or an older heartbeat
// never adds): the row changes only WHERE the sent count is larger.
constexpr std::string_view k_upsert_dropoff =
    "INSERT INTO dropoffs(device_id, kiosk, survey, survey_version, last_question, site, day, count, updated_at)"
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
    " ON CONFLICT(device_id, survey, survey_version, last_question, site, day) DO UPDATE SET"
    " count = excluded.count,"
    " kiosk = excluded.kiosk, updated_at = excluded.updated_at WHERE excluded.count > dropoffs.count";

// The kiosk's row, in the batch's own transaction, after its inserts: no second commit (and fsync) per batch,
// the row lock (PostgreSQL) is held only until the COMMIT, and last_seen never counts a rolled-back batch.
// Without a heartbeat (?11 NULL) the last heartbeat's columns are kept, except queue depth and quarantined,
// which follow what this batch moved (KioskQueueMove): ?21 items left the kiosk's queue, ?22 of them were
// quarantined there. NULL (never reported) stays NULL; quarantined saturates at ?23 (k_max_heartbeat_figure),
// so that no sum overflows (UB in C++, "bigint out of range" in PostgreSQL, failing every later batch).
constexpr std::string_view k_upsert_kiosk = R"sql(
INSERT INTO kiosks(name, device_id, first_seen, last_seen, last_batch_id, last_batch_items, last_batch_accepted,
  last_batch_duplicate, last_batch_conflict, last_batch_rejected, last_batch_retry_later, heartbeat_at, app_version,
  surveys, queue_depth, quarantined, free_disk_bytes, last_error, last_success_at, sent_at, state)
VALUES(?1, ?2, ?3, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)
ON CONFLICT(name) DO UPDATE SET device_id = excluded.device_id, last_seen = excluded.last_seen,
  last_batch_id = excluded.last_batch_id, last_batch_items = excluded.last_batch_items,
  last_batch_accepted = excluded.last_batch_accepted, last_batch_duplicate = excluded.last_batch_duplicate,
  last_batch_conflict = excluded.last_batch_conflict, last_batch_rejected = excluded.last_batch_rejected,
  last_batch_retry_later = excluded.last_batch_retry_later,
  heartbeat_at = COALESCE(excluded.heartbeat_at, kiosks.heartbeat_at),
  app_version = CASE WHEN excluded.heartbeat_at IS NULL THEN kiosks.app_version ELSE excluded.app_version END,
  surveys = CASE WHEN excluded.heartbeat_at IS NULL THEN kiosks.surveys ELSE excluded.surveys END,
  queue_depth = CASE WHEN excluded.heartbeat_at IS NOT NULL THEN excluded.queue_depth
                     WHEN kiosks.queue_depth IS NULL THEN NULL
                     WHEN kiosks.queue_depth > ?21 THEN kiosks.queue_depth - ?21 ELSE 0 END,
  quarantined = CASE WHEN excluded.heartbeat_at IS NOT NULL THEN excluded.quarantined
                     WHEN kiosks.quarantined IS NULL THEN NULL
                     WHEN kiosks.quarantined >= ?23 - ?22 THEN ?23 ELSE kiosks.quarantined + ?22 END,
  free_disk_bytes = CASE WHEN excluded.heartbeat_at IS NULL THEN kiosks.free_disk_bytes ELSE excluded.free_disk_bytes END,
  last_error = CASE WHEN excluded.heartbeat_at IS NULL THEN kiosks.last_error ELSE excluded.last_error END,
  last_success_at = CASE WHEN excluded.heartbeat_at IS NULL THEN kiosks.last_success_at ELSE excluded.last_success_at END,
  sent_at = CASE WHEN excluded.heartbeat_at IS NULL THEN kiosks.sent_at ELSE excluded.sent_at END,
  state = CASE WHEN excluded.heartbeat_at IS NULL THEN kiosks.state ELSE excluded.state END
)sql";

constexpr std::string_view k_select_kiosks = R"sql(
SELECT t.name, t.created_at, t.revoked_at, k.name, k.device_id, k.first_seen, k.last_seen, k.last_batch_id,
  k.last_batch_items, k.last_batch_accepted, k.last_batch_duplicate, k.last_batch_conflict, k.last_batch_rejected,
  k.last_batch_retry_later, k.heartbeat_at, k.app_version, k.surveys, k.queue_depth, k.quarantined,
  k.free_disk_bytes, k.last_error, k.last_success_at, k.sent_at, k.state
FROM tokens t LEFT JOIN kiosks k ON k.name = t.name WHERE t.role = 'kiosk' ORDER BY t.name
)sql";

KioskRecord kiosk_record(const SqlRow& r) {
    KioskRecord k;
    k.name = r.text(0);
    k.token_created_at = r.text(1);
    k.revoked_at = r.text(2);
    k.seen = !r.is_null(3);
    k.device_id = r.text(4);
    k.first_seen = r.text(5);
    k.last_seen = r.text(6);
    k.last_batch_id = r.text(7);
    k.last_batch_items = r.int64(8);
    k.last_batch_accepted = r.int64(9);
    k.last_batch_duplicate = r.int64(10);
    k.last_batch_conflict = r.int64(11);
    k.last_batch_rejected = r.int64(12);
    k.last_batch_retry_later = r.int64(13);
    k.heartbeat_at = r.text(14);
    k.app_version = r.text(15);
    k.surveys_json = r.text(16);
    k.queue_depth = r.optional_int64(17);
    k.quarantined = r.optional_int64(18);
    k.free_disk_bytes = r.optional_int64(19);
    k.last_error = r.text(20);
    k.last_success_at = r.text(21);
    k.sent_at = r.text(22);
    k.state = r.text(23);
    return k;
}

// Runs `sql` and returns its first row read by `read`, or nullopt when there is none.
template <class T, class Read>
SResult<std::optional<T>> first_row(SqlConnection& c, std::string_view sql, std::span<const SqlValue> params, Read&& read) {
    std::optional<T> out;
    auto r = c.query(sql, params, [&](const SqlRow& row) {
        out = read(row);
        return false;
    });
    if (!r) return std::unexpected(r.error());
    return out;
}

// A count query's single number.
SResult<std::int64_t> count_of(SqlConnection& c, std::string_view sql, std::span<const SqlValue> params) {
    auto n = first_row<std::int64_t>(c, sql, params, [](const SqlRow& r) { return r.int64(0); });
    if (!n) return std::unexpected(n.error());
    return n->value_or(0);
}

// response_flags made before its received_at column (which orders the flagged rows as an export reads them,
// kept_figures.cpp): the column is added and filled from responses, before the schema indexes it.
SResult<void> add_flags_received_at(SqlConnection& c) {
    const auto has_column = [&c] { return c.execute("SELECT received_at FROM response_flags WHERE 1 = 0").has_value(); };
    if (!c.execute("SELECT 1 FROM response_flags WHERE 1 = 0")) return {};  // no table yet: the schema makes it
    if (has_column()) return {};
    auto tx = SqlTransaction::begin(c);
    if (!tx) return std::unexpected(tx.error());
    // Again under the write lock: another process (a command beside the server) may have added it meanwhile. The
    // probe may fail: its savepoint undoes that (PostgreSQL refuses a transaction's later statements otherwise).
    if (auto r = c.execute("SAVEPOINT received_at_probe"); !r) return std::unexpected(r.error());
    const bool added = has_column();
    if (!added)
        if (auto r = c.execute("ROLLBACK TO SAVEPOINT received_at_probe"); !r) return std::unexpected(r.error());
    if (auto r = c.execute("RELEASE SAVEPOINT received_at_probe"); !r) return std::unexpected(r.error());
    if (added) return {};
    if (auto r = c.execute("ALTER TABLE response_flags ADD COLUMN received_at TEXT NOT NULL DEFAULT ''"); !r)
        return std::unexpected(r.error());
    if (auto r = c.execute("UPDATE response_flags SET received_at = COALESCE((SELECT r.received_at FROM responses r"
                           " WHERE r.id = response_flags.id), '')");
        !r)
        return std::unexpected(r.error());
    return tx->commit();
}

class SqlStorage final : public Storage {
public:
    SqlStorage(const SqlDialect& dialect, ConnectionPool::Opener open) : m_dialect(&dialect), m_pool(std::move(open)) {}

    SResult<void> init() {
        return m_pool.with_connection([&](SqlConnection& c) -> SResult<void> {
            const auto& d = c.dialect();
            if (!d.schema_lock.empty())
                if (auto r = c.execute(d.schema_lock); !r) return std::unexpected(r.error());
            auto created = add_flags_received_at(c);
            if (created) created = c.execute_script(schema_for(d));
            if (!d.schema_unlock.empty()) (void)c.execute(d.schema_unlock);
            return created;
        });
    }

    std::string_view backend() const override { return m_dialect->name; }

    SResult<void> add_token(std::string_view name, std::string_view role, std::string_view hash, std::string_view at) override {
        return m_pool.with_connection([&](SqlConnection& c) -> SResult<void> {
            auto tx = SqlTransaction::begin(c);
            if (!tx) return std::unexpected(tx.error());
            const std::array<SqlValue, 4> p{name, role, hash, at};
            auto changed = c.execute(k_upsert_token, p);
            if (!changed) return std::unexpected(changed.error());
            if (*changed == 0)
                return std::unexpected(
                    ServerError{ServerError::Kind::Exists,
                                "a kiosk named '" + std::string(name) + "' already has an active token (revoke it first)"});
            // A new token under an old name is a new device (a replacement after a revoke): what was heard from
            // the old one must not show as this one's (QUIET at once, its queue and errors). Same transaction.
            const std::array<SqlValue, 1> n{name};
            if (auto r = c.execute("DELETE FROM kiosks WHERE name = ?1", n); !r) return std::unexpected(r.error());
            return tx->commit();
        });
    }

    SResult<void> revoke_token(std::string_view name, std::string_view at) override {
        return m_pool.with_connection([&](SqlConnection& c) -> SResult<void> {
            const std::array<SqlValue, 2> p{name, at};
            auto changed = c.execute("UPDATE tokens SET revoked_at = ?2 WHERE name = ?1 AND revoked_at IS NULL", p);
            if (!changed) return std::unexpected(changed.error());
            if (*changed == 0)
                return std::unexpected(
                    ServerError{ServerError::Kind::NotFound, "no active token named '" + std::string(name) + "'"});
            return {};
        });
    }

    SResult<std::optional<TokenRecord>> find_token(std::string_view hash) override {
        return m_pool.with_connection([&](SqlConnection& c) {
            const std::array<SqlValue, 1> p{hash};
            return first_row<TokenRecord>(
                c, "SELECT name, role, token_hash FROM tokens WHERE token_hash = ?1 AND revoked_at IS NULL", p,
                [](const SqlRow& r) {
                    return TokenRecord{r.text(0), r.text(1), r.text(2)};
                });
        });
    }

    SResult<std::vector<StoreOutcome>> store_batch(const BatchContext& ctx, std::span<const PreparedItem> items,
                                                   const std::function<void()>& before_commit) override {
        return m_pool.with_connection([&](SqlConnection& c) -> SResult<std::vector<StoreOutcome>> {
            auto tx = SqlTransaction::begin(c);
            if (!tx) return std::unexpected(tx.error());
            std::vector<StoreOutcome> out;
            out.reserve(items.size());
            for (const auto& it : items) {
                auto outcome = store_item(c, ctx, it);
                if (!outcome) return std::unexpected(outcome.error());
                out.push_back(*outcome);
            }
            if (ctx.seen) {
                if (auto r = upsert_kiosk(c, ctx, out); !r) return std::unexpected(r.error());
                for (const auto& d : ctx.seen->dropoffs) {
                    const std::array<SqlValue, 9> p{ctx.device_id, ctx.kiosk, d.survey, d.version, d.last_question,
                                                    d.site,        d.day,     d.count,  ctx.received_at};
                    if (auto r = c.execute(k_upsert_dropoff, p); !r) return std::unexpected(r.error());
                }
            }
            if (before_commit) before_commit();
            if (auto r = tx->commit(); !r) return std::unexpected(r.error());
            return out;
        });
    }

    SResult<void> for_each_response(std::string_view survey, const std::function<bool(const ExportRow&)>& fn) override {
        return m_pool.with_connection([&](SqlConnection& c) {
            const std::array<SqlValue, 1> p{survey};
            return c.query(
                "SELECT id, kiosk, device_id, survey, survey_version, completed_at, received_at, payload FROM responses"
                " WHERE survey = ?1 ORDER BY received_at, id",
                p, [&](const SqlRow& r) {
                    return fn(ExportRow{r.text(0), r.text(1), r.text(2), r.text(3), r.text(4), r.text(5), r.text(6), r.text(7)});
                });
        });
    }

    SResult<StorageCounts> counts() override {
        return m_pool.with_connection([&](SqlConnection& c) -> SResult<StorageCounts> {
            auto row = first_row<StorageCounts>(c,
                                                "SELECT (SELECT count(*) FROM responses), (SELECT count(*) FROM conflicts),"
                                                " (SELECT count(*) FROM tokens WHERE revoked_at IS NULL)",
                                                {}, [](const SqlRow& r) {
                                                    return StorageCounts{r.int64(0), r.int64(1), r.int64(2)};
                                                });
            if (!row) return std::unexpected(row.error());
            return row->value_or(StorageCounts{});
        });
    }

    SResult<std::int64_t> copies_of(std::string_view id) override {
        return m_pool.with_connection([&](SqlConnection& c) {
            const std::array<SqlValue, 1> p{id};
            return count_of(c, "SELECT count(*) FROM responses WHERE id = ?1", p);
        });
    }

    SResult<std::string> latest_received(std::string_view survey) override {
        return m_pool.with_connection([&](SqlConnection& c) -> SResult<std::string> {
            const std::array<SqlValue, 1> p{survey};
            // max() over the (survey, received_at) index: SQLite and PostgreSQL both read one index entry.
            auto row = first_row<std::string>(c, "SELECT max(received_at) FROM responses WHERE survey = ?1", p,
                                              [](const SqlRow& r) { return r.text(0); });
            if (!row) return std::unexpected(row.error());
            return row->value_or(std::string());
        });
    }

    SResult<std::vector<DropoffRecord>> dropoffs(std::string_view survey) override {
        return m_pool.with_connection([&](SqlConnection& c) -> SResult<std::vector<DropoffRecord>> {
            std::vector<DropoffRecord> out;
            const std::array<SqlValue, 1> p{survey};
            auto r = c.query(
                "SELECT kiosk, survey_version, last_question, site, day, sum(count) FROM dropoffs WHERE survey = ?1"
                " GROUP BY kiosk, survey_version, last_question, site, day ORDER BY day, kiosk, survey_version, last_question, site",
                p, [&](const SqlRow& row) {
                    out.push_back({row.text(0), {std::string(survey), row.text(1), row.text(2), row.text(3), row.text(4), row.int64(5)}});
                    return true;
                });
            if (!r) return std::unexpected(r.error());
            return out;
        });
    }

    SResult<std::vector<KioskRecord>> kiosks() override {
        return m_pool.with_connection([&](SqlConnection& c) -> SResult<std::vector<KioskRecord>> {
            std::vector<KioskRecord> out;
            auto r = c.query(k_select_kiosks, {}, [&](const SqlRow& row) {
                out.push_back(kiosk_record(row));
                return true;
            });
            if (!r) return std::unexpected(r.error());
            return out;
        });
    }

    SResult<void> record_audit(const AuditEntry& e) override {
        return m_pool.with_connection([&](SqlConnection& c) -> SResult<void> {
            const std::array<SqlValue, 5> p{e.at, e.who, e.action, e.what, e.rows};
            if (auto r = c.execute("INSERT INTO audit(at, who, action, what, row_count) VALUES(?1, ?2, ?3, ?4, ?5)", p); !r)
                return std::unexpected(r.error());
            return {};
        });
    }

    SResult<void> with_sql(bool write, const std::function<SResult<void>(SqlConnection&)>& fn) override {
        return m_pool.with_connection([&](SqlConnection& c) -> SResult<void> {
            if (!write) return fn(c);
            auto tx = SqlTransaction::begin(c);
            if (!tx) return std::unexpected(tx.error());
            if (auto r = fn(c); !r) return r;
            return tx->commit();
        });
    }

    SResult<std::vector<AuditEntry>> audit_entries(std::string_view since) override {
        return m_pool.with_connection([&](SqlConnection& c) -> SResult<std::vector<AuditEntry>> {
            std::vector<AuditEntry> out;
            const std::array<SqlValue, 1> p{since};
            auto r = c.query("SELECT at, who, action, what, row_count FROM audit WHERE at >= ?1 ORDER BY seq", p,
                             [&](const SqlRow& row) {
                                 out.push_back({row.text(0), row.text(1), row.text(2), row.text(3), row.int64(4)});
                                 return true;
                             });
            if (!r) return std::unexpected(r.error());
            return out;
        });
    }

private:
    // One response: inserted (Accepted); already there with the same content hash (Duplicate); or there with
    // another hash, and this one kept aside in `conflicts` (Conflict). ON CONFLICT DO NOTHING: two kiosks
    // racing on one id cannot both insert it.
    static SResult<StoreOutcome> store_item(SqlConnection& c, const BatchContext& ctx, const PreparedItem& it) {
        const std::array<SqlValue, 10> row{it.id,           ctx.kiosk,       ctx.device_id, it.survey,       it.survey_version,
                                           it.completed_at, it.content_hash, it.payload,    ctx.received_at, ctx.batch_id};
        auto inserted = c.execute(k_insert_response, row);
        if (!inserted) return std::unexpected(inserted.error());
        if (*inserted == 1) return StoreOutcome::Accepted;
        const std::array<SqlValue, 1> id{it.id};
        auto stored = first_row<std::string>(c, "SELECT content_hash FROM responses WHERE id = ?1", id,
                                             [](const SqlRow& r) { return r.text(0); });
        if (!stored) return std::unexpected(stored.error());
        if (stored->value_or("") == it.content_hash) return StoreOutcome::Duplicate;
        const std::array<SqlValue, 5> conflict{it.id, ctx.kiosk, it.content_hash, it.payload, ctx.received_at};
        if (auto r = c.execute(k_insert_conflict, conflict); !r) return std::unexpected(r.error());
        return StoreOutcome::Conflict;
    }

    static SResult<void> upsert_kiosk(SqlConnection& c, const BatchContext& ctx, const std::vector<StoreOutcome>& outcomes) {
        const KioskSeen& s = *ctx.seen;
        std::int64_t accepted = 0, duplicate = 0, conflict = 0;
        for (auto o : outcomes)
            (o == StoreOutcome::Accepted ? accepted : o == StoreOutcome::Duplicate ? duplicate : conflict) += 1;
        const KioskQueueMove moved = queue_move(s, conflict);
        std::array<SqlValue, 23> p{};  // ?11 … ?20 stay NULL without a heartbeat
        p[0] = ctx.kiosk;
        p[1] = ctx.device_id;
        p[2] = ctx.received_at;
        p[3] = ctx.batch_id;
        p[4] = s.items;
        p[5] = accepted;
        p[6] = duplicate;
        p[7] = conflict;
        p[8] = s.rejected;
        p[9] = s.retry_later;
        if (s.heartbeat) {
            p[10] = ctx.received_at;
            p[11] = s.app_version;
            p[12] = s.surveys_json;
            p[13] = sql_value(moved.queue_after(s.queue_depth));
            p[14] = sql_value(moved.quarantined_after(s.quarantined));
            p[15] = sql_value(s.free_disk_bytes);
            p[16] = s.last_error;
            p[17] = sql_text_or_null(s.last_success_at);
            p[18] = s.sent_at;
            p[19] = s.state;
        }
        p[20] = moved.left;
        p[21] = moved.quarantined;
        p[22] = k_max_heartbeat_figure;
        if (auto r = c.execute(k_upsert_kiosk, p); !r) return std::unexpected(r.error());
        return {};
    }

    const SqlDialect* m_dialect;
    ConnectionPool m_pool;
};

SResult<std::unique_ptr<Storage>> open_sql_storage(const SqlDialect& dialect, ConnectionPool::Opener open) {
    auto s = std::make_unique<SqlStorage>(dialect, std::move(open));
    if (auto r = s->init(); !r) return std::unexpected(r.error());
    return std::unique_ptr<Storage>(std::move(s));
}

}  // namespace

SResult<std::unique_ptr<Storage>> open_sqlite_storage(const std::string& path) {
    return open_sql_storage(k_sqlite_dialect, [path] { return open_sqlite_connection(path); });
}

SResult<std::unique_ptr<Storage>> open_pg_storage(const std::string& conninfo) {
    return open_sql_storage(k_postgresql_dialect, [conninfo] { return open_pg_connection(conninfo); });
}

std::optional<std::string> missing_sqlite_file(std::string_view url) {
    if (url.starts_with("postgres") || url.starts_with("pg:")) return std::nullopt;
    if (url.starts_with("sqlite:")) url.remove_prefix(7);
    std::error_code ec;
    if (std::filesystem::exists(std::filesystem::path(url), ec)) return std::nullopt;
    return std::string(url);
}

SResult<std::unique_ptr<Storage>> open_storage(std::string_view url) {
    if (url.starts_with("postgresql://") || url.starts_with("postgres://")) return open_pg_storage(std::string(url));
    if (url.starts_with("pg:")) return open_pg_storage(std::string(url.substr(3)));
    if (url.starts_with("sqlite:")) url.remove_prefix(7);
    if (url.empty()) return std::unexpected(ServerError{ServerError::Kind::Open, "--db: give sqlite:PATH or postgresql://..."});
    return open_sqlite_storage(std::string(url));
}

}  // namespace fieldkiosk::sync::server
