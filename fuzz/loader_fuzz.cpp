// Fuzzes the survey loader with arbitrary bytes as a survey file: it must return a survey or
// diagnostics that each name a file, never throw or crash. Includes resolve against fuzz/corpus/loader,
// so a fuzzed include of "blocks/x.json" exercises the missing-file path.
#include "core/loader.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace fieldkiosk::core;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    LoadResult r = load_survey_text(text, "fuzz/input.json");
    if (r.survey == nullptr && r.diagnostics.empty()) std::abort();  // must say why
    for (const auto& d : r.diagnostics)
        if (d.file.empty() || d.message.empty()) std::abort();
    return 0;
}
