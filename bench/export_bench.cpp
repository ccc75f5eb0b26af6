// export_bench seed — fills a receiver's database with COUNT stored responses of a survey, for bench/run-exports,
// which times `fieldkiosk-server export --format wide` over it (rows/s, peak RSS). Not a test; figures in
// docs/performance.md ("Analysis-ready exports").
//
//   export_bench --db sqlite:/tmp/x.db --count 200000 [--survey food] [--surveys DIR]
//
// The answers are real: `fieldkiosk-ctl simulate` makes 500 distinct responses on a temporary kiosk store, and
// each stored copy is one of them with a new id and its own completion time in the last two years, stored in
// batches of 1,000 from 20 kiosks in turn through Storage::store_batch (the
// receiver's own path, one transaction per batch).
#include "core/clock.hpp"
#include "storage/response_store.hpp"
#include "sync/protocol/digest.hpp"
#include "sync/server/storage.hpp"
#include "tools/ctl/commands.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <iostream>
#include <random>
#include <sstream>

namespace {

using namespace fieldkiosk;

int usage() {
    std::cerr << "usage: export_bench --db URL --count N [--survey ID] [--surveys DIR]\n"
                 "  Fills the receiver database URL (sqlite:PATH or postgresql://...) with N responses of survey ID\n"
                 "  (default food), made by fieldkiosk-ctl simulate from the definitions in DIR.\n";
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    std::string db, survey = "food", surveys = FIELDKIOSK_SURVEY_DEFS_DIR;
    long count = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i], v = argv[i + 1];
        if (a == "--db")
            db = v;
        else if (a == "--count")
            count = std::stol(v);
        else if (a == "--survey")
            survey = v;
        else if (a == "--surveys")
            surveys = v;
        else
            return usage();
    }
    if (db.empty() || count <= 0 || argc % 2 == 0) return usage();

    // 500 distinct responses from the real simulator.
    const auto dir = std::filesystem::temp_directory_path() / ("export-bench-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir);
    const std::string kiosk_db = (dir / "kiosk.db").string();
    {
        const std::vector<std::string> args = {"fieldkiosk-ctl", "simulate", "--db",    kiosk_db, "--surveys", surveys,
                                               "--survey",       survey,     "--count", "500",    "--seed",    "11"};
        std::vector<const char*> av;
        for (const auto& a : args) av.push_back(a.c_str());
        std::istringstream in;
        std::ostringstream out, err;
        if (tools::run_ctl(static_cast<int>(av.size()), av.data(), in, out, err) != 0) {
            std::cerr << "export_bench: simulate: " << err.str();
            return 1;
        }
    }
    std::vector<nlohmann::json> samples;
    {
        core::SystemClock clock;
        auto store = storage::ResponseStore::open(kiosk_db, clock);
        if (!store) return 1;
        auto r = store->for_each_response(survey, [&](const storage::StoredResponse& sr) {
            if (sr.payload) samples.push_back(nlohmann::json::parse(*sr.payload));
        });
        if (!r || samples.empty()) return 1;
    }
    std::filesystem::remove_all(dir);

    auto storage = sync::server::open_storage(db);
    if (!storage) {
        std::cerr << "export_bench: " << storage.error().message << "\n";
        return 1;
    }
    core::SystemClock clock;
    std::vector<sync::server::PreparedItem> batch;
    long stored = 0;
    std::mt19937_64 rng(42);
    const auto now = clock.wall_now();
    const auto flush = [&] {
        // 20 kiosks, a batch each in turn, so that quality flags stay the exception they are (each copy of a sample
        // also gets its own completion time, below: otherwise every copy would be a burst and a duplicate).
        const std::string kiosk = "bench-kiosk-" + std::to_string((stored / 1000) % 20);
        sync::server::BatchContext ctx{kiosk, kiosk + "-device", "batch-" + std::to_string(stored), core::format_utc(clock.wall_now()),
                                       nullptr};
        auto r = (*storage)->store_batch(ctx, batch, {});
        if (!r) {
            std::cerr << "export_bench: " << r.error().message << "\n";
            std::exit(1);
        }
        stored += static_cast<long>(batch.size());
        batch.clear();
    };
    for (long i = 0; i < count; ++i) {
        nlohmann::json p = samples[static_cast<std::size_t>(i) % samples.size()];
        char id[64];
        std::snprintf(id, sizeof id, "%08lx-%04lx-4%03lx-8%03lx-%012lx", static_cast<unsigned long>(rng() & 0xffffffff),
                      static_cast<unsigned long>(rng() & 0xffff), static_cast<unsigned long>(rng() & 0xfff),
                      static_cast<unsigned long>(rng() & 0xfff), static_cast<unsigned long>(i));
        p["id"] = id;
        const auto completed = now - std::chrono::seconds(static_cast<long>(rng() % (730 * 86'400)));
        p["completed_at"] = core::format_utc(completed);
        p["started_at"] = core::format_utc(completed - std::chrono::seconds(static_cast<long>(120 + rng() % 600)));
        std::string text = p.dump();
        batch.push_back({id, survey, p.value("survey_version", ""), p.value("completed_at", ""),
                         sync::protocol::sha256_hex(text).value_or(""), std::move(text)});
        if (batch.size() == 1000) flush();
    }
    if (!batch.empty()) flush();
    std::cout << "stored: " << stored << "\n";
    return 0;
}
