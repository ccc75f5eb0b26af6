// results_bench: every Camden indicator with every breakdown over N stored responses (issue 10; goal <= 2 s for
// 1,000,000 on SQLite). Not Google Benchmark: seeding a million responses is done once, and the figure is one
// timed run of `report` per survey, as an operator would run it.
//
//   results_bench [--db URL] [--responses N]     (default: sqlite:/tmp/fieldkiosk-results-bench.db, 1,000,000)
//
// Seeds the receiver's storage through Storage::store_batch when it holds fewer than N responses: the shipped
// food, safety and youth surveys in turn, random valid answers to every question, no stored calculated values
// (so the report computes FIES and NEET itself: the slower path), completion times spread over the last 24
// months from now. Then runs run_report() for each survey with --by every breakdown, CSV to a discarded stream.
#include "core/clock.hpp"
#include "core/loader.hpp"
#include "results/tabulate.hpp"
#include "sync/server/report_command.hpp"
#include "sync/server/storage.hpp"

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

json random_answers(const core::Survey& s, std::mt19937_64& rng) {
    json a = json::object();
    for (const auto& q : s.questions) {
        if (q.type == core::QuestionType::SelectOne) {
            a[q.name] = q.choices[rng() % q.choices.size()].value;
        } else if (q.type == core::QuestionType::SelectMultiple) {
            json list = json::array();
            for (const auto& c : q.choices)
                if (!c.exclusive && rng() % 3 == 0) list.push_back(c.value);
            if (list.empty()) list.push_back(q.choices.back().value);
            a[q.name] = list;
        } else if (q.type == core::QuestionType::Scale) {
            if (rng() % 10) a[q.name] = static_cast<int>(rng() % 11);
        }
    }
    return a;
}

}  // namespace

int main(int argc, char** argv) {
    std::string db = "sqlite:/tmp/fieldkiosk-results-bench.db";
    std::int64_t want = 1'000'000;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string k = argv[i];
        if (k == "--db")
            db = argv[i + 1];
        else if (k == "--responses")
            want = std::stoll(argv[i + 1]);
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
    if (counts && counts->responses < want) {
        const auto t0 = std::chrono::steady_clock::now();
        std::mt19937_64 rng(42);
        const auto now = std::chrono::system_clock::now();
        std::vector<sync::server::PreparedItem> batch;
        for (std::int64_t i = counts->responses; i < want;) {
            batch.clear();
            for (int k = 0; k < 5000 && i < want; ++k, ++i) {
                const auto& s = *catalog.find(surveys[static_cast<std::size_t>(i) % 3]);
                const auto when = now - std::chrono::hours(static_cast<long>(rng() % (24 * 730)));
                const std::string id = hex(rng()) + hex(static_cast<std::uint64_t>(i));
                json p = {{"id", id},
                          {"survey", s.id},
                          {"survey_version", s.version},
                          {"language", rng() % 5 ? "en" : "so"},
                          {"mode", rng() % 4 ? "kiosk" : "assisted"},
                          {"site", "Site " + std::to_string(rng() % 6)},
                          {"started_at", core::format_utc(when - std::chrono::minutes(5))},
                          {"completed_at", core::format_utc(when)},
                          {"answers", random_answers(s, rng)},
                          {"write_ins", json::object()},
                          {"calculated", json::object()}};
                std::string text = p.dump();
                batch.push_back(
                    {id, s.id, s.version, core::format_utc(when), hex(std::hash<std::string>{}(text)) + id, std::move(text)});
            }
            sync::server::BatchContext ctx{"kiosk-" + std::to_string(i % 20), "device", "bench", core::format_utc(now), nullptr};
            if (auto r = (*storage)->store_batch(ctx, batch, {}); !r) {
                std::cerr << "store_batch: " << r.error().message << "\n";
                return 1;
            }
        }
        std::cout << "seeded up to " << want << " responses in "
                  << std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() << " s\n";
    }
    storage->reset();
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
            return 1;
        }
        std::size_t rows = 0;
        for (char c : out.str()) rows += c == '\n';
        std::cout << "report --survey " << survey << " --by <all 12 breakdowns>: " << secs << " s, " << rows << " output rows\n";
    }
    std::cout << "all three surveys (every Camden indicator, every breakdown): " << total << " s\n";
    return 0;
}
