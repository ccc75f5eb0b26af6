// Index:
//   schema        numbered migrations (PRAGMA user_version)
//   helpers       time formatting, state names
//   ResponseStore open, identity, save, outbox, drop-offs, drafts, stats, export, retention, check
#include "storage/response_store.hpp"

#include "seal/sealed_box.hpp"

#include <sqlite3.h>
#include <nlohmann/json.hpp>

#include <array>
#include <cstdlib>
#include <ctime>

namespace fieldkiosk::storage {

namespace {

// ---------------------------------------------------------------------------------------------
// schema: migration N takes the database from user_version N-1 to N. Never edit a shipped one;
// add the next. Each runs in one transaction with the user_version bump.
// ---------------------------------------------------------------------------------------------
constexpr std::array<std::string_view, 2> k_migrations = {
    // 1: responses, their outbox, identity, drafts, drop-offs.
    R"sql(
CREATE TABLE meta(
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE responses(
  seq                  INTEGER PRIMARY KEY,             -- insertion order: the outbox sends oldest first
  id                   TEXT NOT NULL UNIQUE,            -- UUID made when the respondent started
  survey_id            TEXT NOT NULL,
  survey_version       TEXT NOT NULL,
  language             TEXT NOT NULL,
  mode                 TEXT NOT NULL CHECK (mode IN ('kiosk', 'assisted')),
  site                 TEXT NOT NULL,
  worker               TEXT NOT NULL,
  started_at           TEXT NOT NULL,                   -- ISO 8601 UTC
  completed_at         TEXT NOT NULL,
  completed_local_date TEXT NOT NULL,                   -- YYYY-MM-DD on the kiosk's clock, for "today"
  encoding             TEXT NOT NULL,                   -- 'json', or 'sealed-box-v1' (seal/sealed_box.hpp)
  payload              BLOB,                            -- NULL only after retention purged it
  saved_at             TEXT NOT NULL
);
CREATE INDEX responses_by_survey_day ON responses(survey_id, completed_local_date);

CREATE TABLE outbox(
  response_seq    INTEGER PRIMARY KEY REFERENCES responses(seq) ON DELETE RESTRICT,
  state           TEXT NOT NULL CHECK (state IN ('queued', 'acknowledged', 'rejected', 'conflict')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  not_before_ms   INTEGER NOT NULL DEFAULT 0,           -- back-off: not offered before this (Unix ms)
  reason          TEXT NOT NULL DEFAULT '',             -- the server's words for rejected / conflict
  updated_at      TEXT NOT NULL,
  acknowledged_at TEXT
);
CREATE INDEX outbox_by_state ON outbox(state, response_seq);

CREATE TABLE drafts(
  id        TEXT PRIMARY KEY,                           -- the response id the draft will complete as
  survey_id TEXT NOT NULL,
  worker    TEXT NOT NULL,
  site      TEXT NOT NULL,
  saved_at  TEXT NOT NULL,
  state     TEXT NOT NULL                               -- Session snapshot, JSON
) WITHOUT ROWID;

CREATE TABLE dropoffs(
  id            INTEGER PRIMARY KEY,
  survey_id     TEXT NOT NULL,
  last_question TEXT NOT NULL,                          -- never an answer: only where they stopped
  at            TEXT NOT NULL
);
)sql",
    // 2: drop-offs carry the survey version and the site, so that their counts can go to the receiver
    // (sync: the heartbeat's "dropoffs"). Rows from before have '' for both (version and site unknown).
    R"sql(
ALTER TABLE dropoffs ADD COLUMN survey_version TEXT NOT NULL DEFAULT '';
ALTER TABLE dropoffs ADD COLUMN site TEXT NOT NULL DEFAULT '';
CREATE INDEX dropoffs_by_time ON dropoffs(at);
)sql",
};

std::string local_date(std::chrono::system_clock::time_point t) {
    const std::time_t tt = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    localtime_r(&tt, &tm);
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    return buf;
}

std::int64_t unix_ms(std::chrono::system_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

std::optional<OutboxState> state_from(std::string_view s) {
    if (s == "queued") return OutboxState::Queued;
    if (s == "acknowledged") return OutboxState::Acknowledged;
    if (s == "rejected") return OutboxState::Rejected;
    if (s == "conflict") return OutboxState::Conflict;
    return std::nullopt;
}

#define FK_TRY(expr)                                                   \
    do {                                                               \
        if (auto _r = (expr); !_r) return std::unexpected(_r.error()); \
    } while (0)

}  // namespace

std::string_view to_string(OutboxState s) {
    switch (s) {
        case OutboxState::Queued:
            return "queued";
        case OutboxState::Acknowledged:
            return "acknowledged";
        case OutboxState::Rejected:
            return "rejected";
        case OutboxState::Conflict:
            return "conflict";
    }
    return "queued";
}

std::filesystem::path default_database_path() {
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg)
        return std::filesystem::path(xdg) / "fieldkiosk" / "kiosk.db";
    if (const char* home = std::getenv("HOME"); home && *home)
        return std::filesystem::path(home) / ".local" / "share" / "fieldkiosk" / "kiosk.db";
    return "fieldkiosk-kiosk.db";
}

// ---------------------------------------------------------------------------------------------
// open, migrate, identity
// ---------------------------------------------------------------------------------------------
Result<ResponseStore> ResponseStore::open(const std::filesystem::path& path, const core::Clock& clock) {
    auto db = Database::open(path);
    if (!db) return std::unexpected(db.error());
    ResponseStore store(std::move(*db), clock);
    FK_TRY(store.migrate());
    FK_TRY(store.load_identity());
    return store;
}

Result<void> ResponseStore::migrate() {
    auto version = m_db.user_version();
    if (!version) return std::unexpected(version.error());
    if (*version > k_schema_version)
        return std::unexpected(
            StoreError{StoreError::Kind::Schema, "database " + m_db.path().string() + " has schema version " +
                                                     std::to_string(*version) + ", newer than this program's " +
                                                     std::to_string(k_schema_version) + ": upgrade fieldkiosk"});
    for (auto v = *version; v < k_schema_version; ++v) {
        auto tx = Transaction::begin(m_db);
        if (!tx) return std::unexpected(tx.error());
        if (auto r = m_db.exec(k_migrations[static_cast<std::size_t>(v)]); !r) {
            auto e = r.error();
            e.kind = StoreError::Kind::Schema;
            e.message = "migration to schema " + std::to_string(v + 1) + " failed: " + e.message;
            return std::unexpected(std::move(e));
        }
        FK_TRY(m_db.exec("PRAGMA user_version = " + std::to_string(v + 1)));
        FK_TRY(tx->commit());
    }
    return {};
}

Result<void> ResponseStore::load_identity() {
    auto get = m_db.prepare("SELECT value FROM meta WHERE key = 'kiosk_id'");
    if (!get) return std::unexpected(get.error());
    auto row = get->step();
    if (!row) return std::unexpected(row.error());
    if (*row) {
        m_kiosk_id = get->column_text(0);
        return {};
    }
    // First open: a random identity that never changes for this database.
    core::SystemRng rng;
    m_kiosk_id = core::make_uuid_v4(rng);
    auto put =
        m_db.prepare("INSERT INTO meta(key, value) VALUES ('kiosk_id', ?1), ('created_at', ?2) ON CONFLICT(key) DO NOTHING");
    if (!put) return std::unexpected(put.error());
    put->bind(1, m_kiosk_id).bind(2, now_text());
    FK_TRY(put->run());
    if (m_db.changes() == 0) return load_identity();  // another process made it first
    return {};
}

std::string ResponseStore::now_text() const { return core::format_utc(m_clock->wall_now()); }

Result<std::string> ResponseStore::site() {
    auto st = m_db.prepare("SELECT value FROM meta WHERE key = 'site'");
    if (!st) return std::unexpected(st.error());
    auto row = st->step();
    if (!row) return std::unexpected(row.error());
    return *row ? st->column_text(0) : std::string{};
}

Result<void> ResponseStore::set_site(std::string_view site) {
    auto st =
        m_db.prepare("INSERT INTO meta(key, value) VALUES ('site', ?1) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    if (!st) return std::unexpected(st.error());
    st->bind(1, site);
    return st->run();
}

Result<std::optional<std::string>> ResponseStore::setting(std::string_view key) {
    auto st = m_db.prepare("SELECT value FROM meta WHERE key = 'setting.' || ?1");
    if (!st) return std::unexpected(st.error());
    st->bind(1, key);
    auto row = st->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return std::optional<std::string>{};
    return std::optional<std::string>(st->column_text(0));
}

Result<void> ResponseStore::set_setting(std::string_view key, std::string_view value) {
    auto st = m_db.prepare(
        "INSERT INTO meta(key, value) VALUES ('setting.' || ?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    if (!st) return std::unexpected(st.error());
    st->bind(1, key).bind(2, value);
    return st->run();
}

// ---------------------------------------------------------------------------------------------
// save
// ---------------------------------------------------------------------------------------------
namespace {

// The payload as stored: the response's JSON, or its sealed envelope when its survey names a key (the plain
// answers then exist only in memory, never in the database, its journal or its WAL).
Result<std::pair<std::string, std::string_view>> stored_payload(const core::Response& r,
                                                                std::optional<seal::PreparedSeal>& prepared) {
    if (!r.sealed_to) return std::pair{core::response_to_json(r).dump(), std::string_view("json")};
    auto envelope = seal::seal_json(core::response_to_json(r), *r.sealed_to, prepared ? &*prepared : nullptr);
    if (prepared && prepared->to().key_id.empty()) prepared.reset();  // used up
    if (!envelope)
        return std::unexpected(StoreError{StoreError::Kind::Other, "response " + r.id + " could not be sealed to key '" +
                                                                       r.sealed_to->key_id + "': " + envelope.error().message});
    return std::pair{envelope->dump(), seal::k_encoding};
}

// Saving the same response twice (a double tap, a retry after a crash) is a no-op. Sealing is randomised, so
// two sealings of one response differ: sealed payloads are compared by what is in clear (ids, times, key id).
bool same_response(std::string_view stored, std::string_view fresh, std::string_view encoding) {
    if (stored == fresh) return true;
    if (encoding != seal::k_encoding) return false;
    auto a = nlohmann::json::parse(stored, nullptr, false), b = nlohmann::json::parse(fresh, nullptr, false);
    if (!seal::is_sealed(a) || !seal::is_sealed(b) || a["sealed"].value("key_id", "") != b["sealed"].value("key_id", ""))
        return false;
    a.erase("sealed");
    b.erase("sealed");
    return a == b;
}

}  // namespace

void ResponseStore::prepare_seal(const core::Encryption& to) {
    if (m_next_seal && m_next_seal->to() == to) return;
    auto p = seal::prepare_seal(to);
    if (p) m_next_seal = std::move(*p);
}

Result<void> ResponseStore::save_completed(const core::Response& r) {
    auto stored = stored_payload(r, m_next_seal);
    if (!stored) return std::unexpected(stored.error());
    const auto& [payload, encoding] = *stored;
    auto tx = Transaction::begin(m_db);
    if (!tx) return std::unexpected(tx.error());
    auto ins = m_db.prepare(
        "INSERT INTO responses(id, survey_id, survey_version, language, mode, site, worker, started_at, completed_at,"
        " completed_local_date, encoding, payload, saved_at)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?13, ?11, ?12) ON CONFLICT(id) DO NOTHING");
    if (!ins) return std::unexpected(ins.error());
    ins->bind(1, r.id).bind(2, r.survey_id).bind(3, r.survey_version).bind(4, r.language).bind(5, core::to_string(r.mode));
    ins->bind(6, r.site).bind(7, r.worker).bind(8, core::format_utc(r.started_at)).bind(9, core::format_utc(r.completed_at));
    ins->bind(10, local_date(r.completed_at)).bind_blob(11, std::as_bytes(std::span(payload))).bind(12, now_text());
    ins->bind(13, encoding);
    FK_TRY(ins->run());
    if (m_db.changes() == 0) {
        // Already saved (a double tap, a retry after a crash): the same content is fine, other content is not.
        auto same = m_db.prepare("SELECT payload, encoding FROM responses WHERE id = ?1");
        if (!same) return std::unexpected(same.error());
        same->bind(1, r.id);
        auto row = same->step();
        if (!row) return std::unexpected(row.error());
        if (*row && same->column_text(1) == encoding && same_response(same->column_blob_as_string(0), payload, encoding))
            return {};  // the transaction rolls back: nothing to do
        return std::unexpected(
            StoreError{StoreError::Kind::Constraint, "a different response with id " + r.id + " is already saved"});
    }
    auto out = m_db.prepare("INSERT INTO outbox(response_seq, state, updated_at) VALUES (last_insert_rowid(), 'queued', ?1)");
    if (!out) return std::unexpected(out.error());
    out->bind(1, now_text());
    FK_TRY(out->run());
    return tx->commit();
}

// ---------------------------------------------------------------------------------------------
// outbox
// ---------------------------------------------------------------------------------------------
Result<std::vector<OutboxItem>> ResponseStore::next_batch(BatchLimits limits) {
    std::vector<OutboxItem> items;
    auto st = m_db.prepare(
        "SELECT r.id, r.survey_id, r.encoding, r.payload, o.attempts FROM outbox o JOIN responses r ON r.seq = o.response_seq"
        " WHERE o.state = 'queued' AND o.not_before_ms <= ?1 AND r.payload IS NOT NULL ORDER BY o.response_seq LIMIT ?2");
    if (!st) return std::unexpected(st.error());
    st->bind(1, unix_ms(m_clock->wall_now())).bind(2, static_cast<std::int64_t>(std::max(limits.max_count, 1)));
    std::size_t bytes = 0;
    while (true) {
        auto row = st->step();
        if (!row) return std::unexpected(row.error());
        if (!*row) break;
        const auto size = static_cast<std::size_t>(st->column_bytes(3));
        if (!items.empty() && bytes + size > limits.max_bytes) break;  // the first item always goes, alone if need be
        bytes += size;
        items.push_back(OutboxItem{st->column_text(0), st->column_text(1), st->column_text(2), st->column_blob_as_string(3),
                                   static_cast<int>(st->column_int64(4))});
    }
    return items;
}

Result<void> ResponseStore::apply_results(std::span<const ItemResult> results) {
    auto tx = Transaction::begin(m_db);
    if (!tx) return std::unexpected(tx.error());
    auto settle = m_db.prepare(
        "UPDATE outbox SET state = ?1, reason = ?2, updated_at = ?3,"
        " acknowledged_at = CASE WHEN ?1 = 'acknowledged' THEN ?3 ELSE acknowledged_at END"
        " WHERE state = 'queued' AND response_seq = (SELECT seq FROM responses WHERE id = ?4)");
    auto retry = m_db.prepare(
        "UPDATE outbox SET attempts = attempts + 1, updated_at = ?1 WHERE state = 'queued' AND"
        " response_seq = (SELECT seq FROM responses WHERE id = ?2)");
    if (!settle) return std::unexpected(settle.error());
    if (!retry) return std::unexpected(retry.error());
    const std::string now = now_text();
    for (const auto& res : results) {
        using O = ItemResult::Outcome;
        if (res.outcome == O::Retry) {
            retry->bind(1, now).bind(2, res.response_id);
            FK_TRY(retry->run());
            retry->reset();
            continue;
        }
        const char* state = (res.outcome == O::Accepted || res.outcome == O::Duplicate) ? "acknowledged"
                            : res.outcome == O::Conflict                                ? "conflict"
                                                                                        : "rejected";
        settle->bind(1, state).bind(2, res.reason).bind(3, now).bind(4, res.response_id);
        FK_TRY(settle->run());
        settle->reset();
    }
    return tx->commit();
}

Result<void> ResponseStore::defer(std::span<const std::string> ids, std::chrono::system_clock::time_point until) {
    auto tx = Transaction::begin(m_db);
    if (!tx) return std::unexpected(tx.error());
    auto st = m_db.prepare(
        "UPDATE outbox SET not_before_ms = ?1, attempts = attempts + 1, updated_at = ?2"
        " WHERE state = 'queued' AND response_seq = (SELECT seq FROM responses WHERE id = ?3)");
    if (!st) return std::unexpected(st.error());
    const std::string now = now_text();
    for (const auto& id : ids) {
        st->bind(1, unix_ms(until)).bind(2, now).bind(3, id);
        FK_TRY(st->run());
        st->reset();
    }
    return tx->commit();
}

Result<OutboxCounts> ResponseStore::outbox_counts() {
    OutboxCounts c;
    auto st = m_db.prepare("SELECT state, count(*) FROM outbox GROUP BY state");
    if (!st) return std::unexpected(st.error());
    FK_TRY(st->for_each_row([&](Statement&) {
        const auto s = state_from(st->column_text(0));
        const auto n = st->column_int64(1);
        if (!s) return;
        switch (*s) {
            case OutboxState::Queued:
                c.queued = n;
                break;
            case OutboxState::Acknowledged:
                c.acknowledged = n;
                break;
            case OutboxState::Rejected:
                c.rejected = n;
                break;
            case OutboxState::Conflict:
                c.conflict = n;
                break;
        }
    }));
    auto oldest = m_db.prepare(
        "SELECT r.completed_at FROM outbox o JOIN responses r ON r.seq = o.response_seq WHERE o.state = 'queued'"
        " ORDER BY o.response_seq LIMIT 1");
    if (!oldest) return std::unexpected(oldest.error());
    auto row = oldest->step();
    if (!row) return std::unexpected(row.error());
    if (*row) c.oldest_queued_completed_at = oldest->column_text(0);
    return c;
}

Result<std::vector<std::pair<std::string, std::string>>> ResponseStore::quarantined() {
    std::vector<std::pair<std::string, std::string>> out;
    auto st = m_db.prepare(
        "SELECT r.id, o.state || ': ' || o.reason FROM outbox o JOIN responses r ON r.seq = o.response_seq"
        " WHERE o.state IN ('rejected', 'conflict') ORDER BY o.response_seq");
    if (!st) return std::unexpected(st.error());
    FK_TRY(st->for_each_row([&](Statement&) { out.emplace_back(st->column_text(0), st->column_text(1)); }));
    return out;
}

// ---------------------------------------------------------------------------------------------
// drop-offs and drafts
// ---------------------------------------------------------------------------------------------
Result<void> ResponseStore::record_dropoff(const DropoffAt& d) {
    auto st = m_db.prepare("INSERT INTO dropoffs(survey_id, survey_version, last_question, site, at) VALUES (?1, ?2, ?3, ?4, ?5)");
    if (!st) return std::unexpected(st.error());
    st->bind(1, d.survey_id).bind(2, d.survey_version).bind(3, d.last_question).bind(4, d.site).bind(5, now_text());
    return st->run();
}

// Newest days first, so that a cap keeps what the receiver has not heard yet; a day's count only grows.
Result<std::vector<DropoffDay>> ResponseStore::dropoff_days(std::size_t max_rows) {
    auto st = m_db.prepare(
        "SELECT survey_id, survey_version, last_question, site, substr(at, 1, 10) AS day, count(*) FROM dropoffs"
        " GROUP BY survey_id, survey_version, last_question, site, day ORDER BY day DESC, survey_id, survey_version,"
        " last_question, site LIMIT ?1");
    if (!st) return std::unexpected(st.error());
    st->bind(1, static_cast<std::int64_t>(max_rows));
    std::vector<DropoffDay> out;
    FK_TRY(st->for_each_row([&](Statement&) {
        out.push_back({st->column_text(0), st->column_text(1), st->column_text(2), st->column_text(3), st->column_text(4),
                       st->column_int64(5)});
    }));
    return out;
}

Result<void> ResponseStore::save_draft(const Draft& d) {
    auto st = m_db.prepare(
        "INSERT INTO drafts(id, survey_id, worker, site, saved_at, state) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
        " ON CONFLICT(id) DO UPDATE SET worker = excluded.worker, site = excluded.site, saved_at = excluded.saved_at, state = "
        "excluded.state");
    if (!st) return std::unexpected(st.error());
    st->bind(1, d.info.id)
        .bind(2, d.info.survey_id)
        .bind(3, d.info.worker)
        .bind(4, d.info.site)
        .bind(5, now_text())
        .bind(6, d.state);
    return st->run();
}

Result<std::vector<DraftInfo>> ResponseStore::list_drafts() {
    std::vector<DraftInfo> out;
    auto st = m_db.prepare("SELECT id, survey_id, worker, site, saved_at FROM drafts ORDER BY saved_at DESC");
    if (!st) return std::unexpected(st.error());
    FK_TRY(st->for_each_row([&](Statement&) {
        out.push_back({st->column_text(0), st->column_text(1), st->column_text(2), st->column_text(3), st->column_text(4)});
    }));
    return out;
}

Result<std::optional<Draft>> ResponseStore::load_draft(std::string_view id) {
    auto st = m_db.prepare("SELECT id, survey_id, worker, site, saved_at, state FROM drafts WHERE id = ?1");
    if (!st) return std::unexpected(st.error());
    st->bind(1, id);
    auto row = st->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return std::optional<Draft>{};
    return std::optional<Draft>(
        Draft{{st->column_text(0), st->column_text(1), st->column_text(2), st->column_text(3), st->column_text(4)},
              st->column_text(5)});
}

Result<void> ResponseStore::discard_draft(std::string_view id) {
    auto st = m_db.prepare("DELETE FROM drafts WHERE id = ?1");
    if (!st) return std::unexpected(st.error());
    st->bind(1, id);
    return st->run();
}

// ---------------------------------------------------------------------------------------------
// stats, export, retention, check
// ---------------------------------------------------------------------------------------------
Result<Stats> ResponseStore::stats() {
    Stats s;
    auto per = m_db.prepare(
        "SELECT survey_id, sum(completed_local_date = ?1), count(*) FROM responses GROUP BY survey_id ORDER BY survey_id");
    if (!per) return std::unexpected(per.error());
    per->bind(1, local_date(m_clock->wall_now()));
    FK_TRY(per->for_each_row([&](Statement&) {
        s.surveys.push_back({per->column_text(0), per->column_int64(1), per->column_int64(2)});
    }));
    auto counts = outbox_counts();
    if (!counts) return std::unexpected(counts.error());
    s.outbox = *counts;
    auto drop = m_db.prepare(
        "SELECT survey_id, last_question, count(*) AS n FROM dropoffs GROUP BY survey_id, last_question ORDER BY survey_id, n "
        "DESC, last_question");
    if (!drop) return std::unexpected(drop.error());
    FK_TRY(drop->for_each_row([&](Statement&) {
        s.dropoffs.push_back({drop->column_text(0), drop->column_text(1), drop->column_int64(2)});
    }));
    auto drafts = m_db.prepare("SELECT count(*) FROM drafts");
    if (!drafts) return std::unexpected(drafts.error());
    if (auto row = drafts->step(); !row) return std::unexpected(row.error());
    s.drafts = drafts->column_int64(0);
    return s;
}

Result<void> ResponseStore::for_each_response(std::string_view survey_id, const std::function<void(const StoredResponse&)>& fn) {
    auto st = m_db.prepare(
        "SELECT r.id, r.survey_id, r.survey_version, r.completed_at, r.encoding, r.payload, o.state"
        " FROM responses r JOIN outbox o ON o.response_seq = r.seq WHERE ?1 = '' OR r.survey_id = ?1 ORDER BY r.seq");
    if (!st) return std::unexpected(st.error());
    st->bind(1, survey_id);
    FK_TRY(st->for_each_row([&](Statement&) {
        StoredResponse r{st->column_text(0),
                         st->column_text(1),
                         st->column_text(2),
                         st->column_text(3),
                         st->column_text(4),
                         st->column_is_null(5) ? std::nullopt : std::optional(st->column_blob_as_string(5)),
                         state_from(st->column_text(6)).value_or(OutboxState::Queued)};
        fn(r);
    }));
    return {};
}

Result<std::int64_t> ResponseStore::purge_acknowledged(std::chrono::system_clock::time_point before) {
    auto st = m_db.prepare(
        "UPDATE responses SET payload = NULL WHERE payload IS NOT NULL AND seq IN"
        " (SELECT response_seq FROM outbox WHERE state = 'acknowledged' AND acknowledged_at < ?1)");
    if (!st) return std::unexpected(st.error());
    st->bind(1, core::format_utc(before));
    FK_TRY(st->run());
    return m_db.changes();
}

Result<CheckReport> ResponseStore::check() {
    CheckReport report;
    auto add = [&](std::string p) {
        report.ok = false;
        report.problems.push_back(std::move(p));
    };
    auto integrity = m_db.prepare("PRAGMA integrity_check");
    if (!integrity) return std::unexpected(integrity.error());
    FK_TRY(integrity->for_each_row([&](Statement&) {
        if (const auto line = integrity->column_text(0); line != "ok") add("integrity_check: " + line);
    }));
    auto fk = m_db.prepare("PRAGMA foreign_key_check");
    if (!fk) return std::unexpected(fk.error());
    if (auto row = fk->step(); !row)
        return std::unexpected(row.error());
    else if (*row)
        add("foreign_key_check: a row in " + fk->column_text(0) + " points at nothing");

    const std::pair<const char*, const char*> rules[] = {
        {"SELECT count(*) FROM responses WHERE seq NOT IN (SELECT response_seq FROM outbox)",
         "responses without an outbox row (would never be sent)"},
        {"SELECT count(*) FROM outbox o JOIN responses r ON r.seq = o.response_seq WHERE r.payload IS NULL AND o.state != "
         "'acknowledged'",
         "responses whose payload was purged before the server acknowledged them"},
        {"SELECT count(*) FROM outbox WHERE state = 'acknowledged' AND acknowledged_at IS NULL",
         "acknowledged rows without a time"},
        {"SELECT count(*) FROM outbox WHERE state IN ('rejected', 'conflict') AND reason = ''",
         "quarantined rows without a reason"},
    };
    for (const auto& [sql, what] : rules) {
        auto st = m_db.prepare(sql);
        if (!st) return std::unexpected(st.error());
        if (auto row = st->step(); !row) return std::unexpected(row.error());
        if (const auto n = st->column_int64(0); n > 0) add(std::to_string(n) + " " + what);
    }
    // Every payload is the JSON of the response it belongs to.
    auto payloads = m_db.prepare("SELECT id, survey_id, payload FROM responses WHERE payload IS NOT NULL");
    if (!payloads) return std::unexpected(payloads.error());
    FK_TRY(payloads->for_each_row([&](Statement&) {
        ++report.responses;
        const auto id = payloads->column_text(0);
        const auto j = nlohmann::json::parse(payloads->column_blob_as_string(2), nullptr, false);
        if (j.is_discarded() || !j.is_object() || j.value("id", "") != id || j.value("survey", "") != payloads->column_text(1))
            add("response " + id + ": payload is not that response's JSON");
    }));
    return report;
}

}  // namespace fieldkiosk::storage
