// results_bench: every Camden indicator with every breakdown over N stored responses (issue 10; goal <= 2 s for
// 1,000,000 on SQLite and PostgreSQL). Not Google Benchmark: seeding a million responses is done once, and each
// figure is one timed run of `report` per survey, as an operator would run it.
//
//   results_bench [--db URL] [--responses N]     (default: sqlite:/tmp/fieldkiosk-results-bench.db, 1,000,000)
//
// Seeds the receiver's storage through Storage::store_batch when it holds fewer than N responses: the shipped
// food, safety and youth surveys in turn, random valid answers to every question, no stored calculated values
// (so the report computes FIES and NEET itself: the slower path), completion times spread over the last 24
// months from now, 20 kiosks. Then runs run_report() for each survey with --by every breakdown, CSV to a discarded stream,
// three times: the first run brings the receiver's kept figures up to date (kept_figures.hpp: every response read
// once, when none were kept yet), the second finds them current, the third follows --batch new responses per
// survey (default 1,000: a day's arrivals, completed in the last 24 hours, a batch from each of the 20 kiosks).
// Before the first run and after it the database is given the VACUUM ANALYZE (SQLite: ANALYZE) its autovacuum
// would have run while a real receiver's responses arrived.
#include "core/clock.hpp"
#include "core/loader.hpp"
#include "results/tabulate.hpp"
#include "sync/server/report_command.hpp"
#include "sync/server/sql_connection.hpp"
#include "sync/server/storage.hpp"
#include "tests/support/random_answers.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace {

using namespace fieldkiosk;
using nlohmann::json;

std::string hex(std::uint64_t v) {
    char b[17];
    std::snprintf(b, sizeof b, "%016llx", static_cast<unsigned long long>(v));
    return b;
}

}  // namespace

int main(int argc, char** argv) {
    std::string db = "sqlite:/tmp/fieldkiosk-results-bench.db";
    std::int64_t want = 1'000'000;
    int new_batch = 1000;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string k = argv[i];
        if (k == "--db")
            db = argv[i + 1];
        else if (k == "--responses")
            want = std::stoll(argv[i + 1]);
        else if (k == "--batch")
            new_batch = std::stoi(argv[i + 1]);
    }
    const std::vector<std::filesystem::path> dirs{FIELDKIOSK_SURVEY_DEFS_DIR};
    const auto catalog = core::load_paths(dirs);
    auto storage = sync::server::open_storage(db);
    if (!storage) {
        std::cerr << storage.error().message << "\n";
        return 1;
    }
    auto counts = (*storage)->counts();
    const std::vector<std::string> surveys{"food", "safety", "youth"};
    std::mt19937_64 rng(42 + static_cast<std::uint64_t>(counts ? counts->responses : 0));  // a run again adds new answers
    const auto now = std::chrono::system_clock::now();
    std::int64_t batches = 0;
    // Stores responses from..to (exclusive) of the seeding sequence, completed over the last `span_s` seconds, in
    // batches of `per_batch`, each batch from one kiosk; `history`: received over the same span, else now.
    const auto seed = [&](std::int64_t from, std::int64_t to, std::int64_t span_s, int per_batch, bool history) {
        std::vector<sync::server::PreparedItem> batch;
        for (std::int64_t i = from; i < to;) {
            batch.clear();
            for (int k = 0; k < per_batch && i < to; ++k, ++i) {
                const auto& s = *catalog.find(surveys[static_cast<std::size_t>(i) % 3]);
                const auto when = now - std::chrono::seconds(static_cast<long>(rng() % static_cast<std::uint64_t>(span_s)));
                const std::string id = hex(rng()) + hex(static_cast<std::uint64_t>(i));
                json p = {{"id", id},
                          {"survey", s.id},
                          {"survey_version", s.version},
                          {"language", rng() % 5 ? "en" : "so"},
                          {"mode", rng() % 4 ? "kiosk" : "assisted"},
                          {"site", "Site " + std::to_string(rng() % 6)},
                          {"started_at", core::format_utc(when - std::chrono::minutes(5))},
                          {"completed_at", core::format_utc(when)},
                          {"answers", testing::random_answers(s, rng, false)},
                          {"write_ins", json::object()},
                          {"calculated", json::object()}};
                std::string text = p.dump();
                batch.push_back(
                    {id, s.id, s.version, core::format_utc(when), hex(std::hash<std::string>{}(text)) + id, std::move(text)});
            }
            // 20 kiosks, a batch each in turn: about 70 responses a day each, as busy kiosks might be (so that the quality
            // flags are the exception they are meant to be: bursts, duplicates and too-fast walks are rare).
            const std::string kiosk = "kiosk-" + std::to_string(batches++ % 20);
            // Received in order over the same span (a receiver's history), the last batch now: so that a refresh's look
            // back over the last hour's batches reads what it would on a receiver in service, not a million rows
            // seeded a minute ago.
            const auto received = history ? now - std::chrono::seconds(span_s * (to - i) / std::max<std::int64_t>(1, to - from))
                                          : std::chrono::system_clock::now();
            sync::server::BatchContext ctx{kiosk, "device-" + kiosk, "bench", core::format_utc(received), nullptr};
            if (auto r = (*storage)->store_batch(ctx, batch, {}); !r) {
                std::cerr << "store_batch: " << r.error().message << "\n";
                return false;
            }
        }
        return true;
    };
    std::int64_t stored = counts ? counts->responses : 0;
    if (stored < want) {
        const auto t0 = std::chrono::steady_clock::now();
        if (!seed(stored, want, 730 * 86'400, 5000, true)) return 1;
        stored = want;
        std::cout << "seeded up to " << want << " responses in "
                  << std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() << " s\n";
    }
    const auto run_all = [&](const std::string& what) {
        double total = 0;
        for (const auto& survey : surveys) {
            sync::server::ReportOptions o;
            o.db = db;
            o.survey = survey;
            o.format = "csv";
            o.surveys = {FIELDKIOSK_SURVEY_DEFS_DIR};
            for (const auto& b : results::breakdown_names()) o.by.push_back(b);
            std::ostringstream out, err;
            const auto t0 = std::chrono::steady_clock::now();
            const int rc = sync::server::run_report(o, out, err);
            const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            total += secs;
            if (rc != 0) {
                std::cerr << err.str();
                return false;
            }
            std::size_t rows = 0;
            for (char c : out.str()) rows += c == '\n';
            std::cout << what << ": report --survey " << survey << " --by <all 12 breakdowns>: " << secs << " s, " << rows
                      << " output rows\n";
        }
        std::cout << what << ": all three surveys (every Camden indicator, every breakdown): " << total << " s\n";
        return true;
    };
    // The responses were stored in minutes, not over the two years a receiver would take: let the database catch up
    // with its statistics and visibility map as its autovacuum would have meanwhile (PostgreSQL: VACUUM ANALYZE;
    // SQLite: ANALYZE), after the seeding and after the first run has written the kept figures.
    const auto settle = [&] {
        const bool pg = (*storage)->backend() == "postgresql";
        auto r = (*storage)->with_sql(false, [&](sync::server::SqlConnection& c) -> sync::server::SResult<void> {
            auto done = c.execute(pg ? "VACUUM ANALYZE" : "ANALYZE");
            if (!done) return std::unexpected(done.error());
            return {};
        });
        if (!r) std::cerr << "settle: " << r.error().message << "\n";
    };
    settle();
    if (!run_all("first run")) return 1;
    settle();
    if (!run_all("again")) return 1;
    // A day's arrivals: completed in the last 24 hours, 20 batches, one from each kiosk.
    if (!seed(stored, stored + 3 * new_batch, 86'400, std::max(1, 3 * new_batch / 20), false)) return 1;
    if (!run_all("after " + std::to_string(new_batch) + " new responses per survey")) return 1;
    return 0;
}
