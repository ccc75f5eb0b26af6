// Quality flags for 1,000,000 responses (issue 13 goal: <= 2 s): compute_quality() over a synthetic survey of
// 200 kiosks, responses every ~3 minutes each, 15 answers and 6 scale answers per response, some of them
// bursts, copies and straight-lined. Inputs are built once, outside the timing.
// Run: ./build/dev/bench/quality_bench   (figures in docs/performance.md)
#include "sync/server/quality.hpp"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <random>

namespace {

using namespace fieldkiosk::sync::server;

std::vector<QualityInput> make_inputs(std::size_t n) {
    std::mt19937_64 rng(42);
    std::vector<QualityInput> in(n);
    std::vector<std::int64_t> clock(200, 1'800'000'000);
    for (std::size_t i = 0; i < n; ++i) {
        QualityInput& r = in[i];
        const std::size_t k = rng() % clock.size();
        r.id = "r" + std::to_string(i);
        r.kiosk = "kiosk-" + std::to_string(k);
        clock[k] += (rng() % 20 == 0) ? 5 : 60 + static_cast<std::int64_t>(rng() % 300);  // 1 in 20: a burst
        r.completed_at_s = clock[k];
        r.started_at_s = r.completed_at_s - static_cast<std::int64_t>(10 + rng() % 400);
        const bool copy = rng() % 50 == 0;
        for (int q = 0; q < 15; ++q)
            r.answer_hashes.push_back(answer_hash("q" + std::to_string(q), copy ? "same" : std::to_string(rng() % 5)));
        std::ranges::sort(r.answer_hashes);
        const bool straight = rng() % 30 == 0;
        for (int q = 0; q < 6; ++q) r.scale_answers.push_back(straight ? 5 : static_cast<std::int64_t>(rng() % 11));
    }
    return in;
}

void BM_QualityFlags(benchmark::State& state) {
    const auto in = make_inputs(static_cast<std::size_t>(state.range(0)));
    std::size_t flagged = 0;
    for (auto _ : state) {
        auto out = compute_quality(in, {});
        flagged = static_cast<std::size_t>(std::ranges::count_if(out, [](const QualityResult& r) { return r.flags != 0; }));
        benchmark::DoNotOptimize(out);
    }
    state.counters["flagged"] = static_cast<double>(flagged);
    state.counters["responses_per_s"] = benchmark::Counter(
        static_cast<double>(state.range(0)) * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_QualityFlags)->Arg(1'000'000)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
