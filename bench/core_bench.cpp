// Benchmarks for the survey engine. Goals (issue 2): loading every shipped survey < 5 ms;
// re-evaluating every `relevant` of a survey after one answer changes < 20 µs (the UI does it per tap).
// Run: ./build/release/bench/core_bench   (figures recorded in docs/performance.md)
#include "core/loader.hpp"
#include "core/session.hpp"

#include <benchmark/benchmark.h>

#include <stdexcept>

namespace {

using namespace fieldkiosk::core;
const std::filesystem::path k_defs = FIELDKIOSK_SURVEY_DEFS_DIR;

SurveyPtr load(const char* id) {
    const std::filesystem::path paths[] = {k_defs};
    auto c = load_paths(paths);
    if (auto s = c.find(id)) return s;
    throw std::runtime_error(std::string("shipped survey missing: ") + id);
}

// Everything `fieldkiosk-ctl validate survey_defs` and the kiosk's start-up do: read, parse, validate,
// resolve includes, bind expressions, for every shipped survey and block.
void BM_LoadAllShippedSurveys(benchmark::State& state) {
    const std::filesystem::path paths[] = {k_defs};
    std::size_t surveys = 0;
    for (auto _ : state) {
        auto c = load_paths(paths);
        if (!c.diagnostics.empty()) state.SkipWithError("shipped surveys do not validate");
        surveys = c.surveys.size();
        benchmark::DoNotOptimize(c);
    }
    state.counters["surveys"] = static_cast<double>(surveys);
}
BENCHMARK(BM_LoadAllShippedSurveys)->Unit(benchmark::kMillisecond);

// One tap on the question every later `relevant` depends on: set_answer() re-evaluates every
// relevant and calculation of the survey in one forward pass and drops answers that stop applying.
void BM_ReevaluateRelevanceAfterOneAnswer(benchmark::State& state, const char* survey_id, const char* question, const char* a,
                                          const char* b) {
    const auto survey = load(survey_id);
    SystemClock clock;
    SeededRng rng(1);
    Session s(survey, {}, clock, rng);
    while (s.state() == Session::State::Answering && s.current().name != question) {
        if (!s.next()) {
            state.SkipWithError("could not reach the question");
            return;
        }
    }
    bool flip = false;
    for (auto _ : state) {
        flip = !flip;
        auto r = s.set_answer(Answer::choice(flip ? a : b));
        benchmark::DoNotOptimize(r);
    }
    state.counters["questions"] = static_cast<double>(survey->questions.size());
}
BENCHMARK_CAPTURE(BM_ReevaluateRelevanceAfterOneAnswer, youth_age_band, "youth", "age_band", "16_17", "45_54")
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_ReevaluateRelevanceAfterOneAnswer, food_fies_worried, "food", "fies_worried", "yes", "no")
    ->Unit(benchmark::kMicrosecond);

void BM_ParseExpression(benchmark::State& state) {
    const std::string text =
        "(${age_band} = '16_17' or ${age_band} = '18_24') and not(selected(${worries}, 'none')) and count-selected(${worries}) "
        "<= 3";
    for (auto _ : state) benchmark::DoNotOptimize(Expression::parse(text));
}
BENCHMARK(BM_ParseExpression)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
