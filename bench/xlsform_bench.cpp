// XLSForm import speed (issue 12): goal <= 50 ms for the largest workbook of the corpus in
// ../shared/xlsforms (skipped with a message when absent), and a full import of the shipped food survey
// exported as a workbook (read, map, validate with the loader). Figures: docs/performance.md.
#include "core/loader.hpp"
#include "core/xlsform/export.hpp"
#include "core/xlsform/import.hpp"

#include <benchmark/benchmark.h>

#include <filesystem>

namespace {

namespace fs = std::filesystem;
using namespace fieldkiosk;

fs::path largest_corpus_workbook() {
    const auto dir = fs::path(FIELDKIOSK_SOURCE_DIR) / ".." / "shared" / "xlsforms";
    fs::path best;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return best;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path().extension() == ".xlsx" && (best.empty() || e.file_size() > fs::file_size(best))) best = e.path();
    return best;
}

void BM_ImportLargestCorpusWorkbook(benchmark::State& state) {
    const auto file = largest_corpus_workbook();
    if (file.empty()) {
        state.SkipWithError("the XLSForm corpus is not in ../shared/xlsforms");
        return;
    }
    state.SetLabel(file.filename().string() + ", " + std::to_string(fs::file_size(file)) + " bytes");
    for (auto _ : state) benchmark::DoNotOptimize(xlsform::import_file(file));
}
BENCHMARK(BM_ImportLargestCorpusWorkbook)->Unit(benchmark::kMillisecond);

void BM_ImportExportedFoodSurvey(benchmark::State& state) {
    const auto survey = core::load_survey_file(fs::path(FIELDKIOSK_SURVEY_DEFS_DIR) / "food.json");
    const auto file = fs::temp_directory_path() / "fieldkiosk-bench-food.xlsx";
    if (!survey.ok() || !xlsform::export_xlsform(*survey.survey, file)) {
        state.SkipWithError("cannot export food");
        return;
    }
    for (auto _ : state) {
        auto r = xlsform::import_file(file);
        if (!r.ok()) state.SkipWithError("food did not import");
        benchmark::DoNotOptimize(r);
    }
    fs::remove(file);
}
BENCHMARK(BM_ImportExportedFoodSurvey)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
