#include "tools/ctl/indicator_check.hpp"

#include "results/indicator.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <map>

namespace fieldkiosk::tools {

namespace fs = std::filesystem;

namespace {

bool is_indicator_file(const fs::path& p) {
    if (p.extension() != ".json") return false;
    std::ifstream in(p, std::ios::binary);
    const auto root = nlohmann::json::parse(in, nullptr, false);
    return root.is_object() && root.contains("indicators");
}

}  // namespace

std::vector<fs::path> take_indicator_paths(std::vector<fs::path>& paths) {
    std::vector<fs::path> found;
    std::error_code ec;
    std::vector<fs::path> keep;
    for (const auto& p : paths) {
        if (fs::is_directory(p, ec)) {
            if (p.filename() == "indicators" || (p.filename().empty() && p.parent_path().filename() == "indicators")) {
                found.push_back(p);
                continue;
            }
            if (fs::is_directory(p / "indicators", ec)) found.push_back(p / "indicators");
        } else if (fs::is_regular_file(p, ec) && is_indicator_file(p)) {
            found.push_back(p);
            continue;
        }
        keep.push_back(p);
    }
    paths = std::move(keep);
    return found;
}

void check_indicator_files(const std::vector<fs::path>& indicator_paths, core::Catalog& catalog) {
    std::vector<fs::path> files;
    std::error_code ec;
    for (const auto& p : indicator_paths) {
        if (!fs::is_directory(p, ec)) {
            files.push_back(p);
            continue;
        }
        std::vector<fs::path> in_dir;
        for (const auto& e : fs::directory_iterator(p, ec))
            if (e.path().extension() == ".json") in_dir.push_back(e.path());
        std::ranges::sort(in_dir);
        files.insert(files.end(), in_dir.begin(), in_dir.end());
    }
    if (files.empty()) return;
    // Surveys not given on the command line come from the surveys folder above each indicators/ folder.
    std::map<fs::path, core::Catalog> nearby;
    std::size_t checked = 0;
    std::vector<core::Diagnostic> problems;
    std::map<std::string, std::string> ids;
    for (const auto& f : files) {
        const fs::path surveys_dir = f.parent_path().parent_path();
        const auto lookup = [&](std::string_view id) -> core::SurveyPtr {
            if (auto s = catalog.find(id)) return s;
            auto it = nearby.find(surveys_dir);
            if (it == nearby.end()) {
                const std::vector<fs::path> dir{surveys_dir};
                it = nearby.emplace(surveys_dir, core::load_paths(dir)).first;
            }
            return it->second.find(id);
        };
        auto one = results::load_indicator_files({f}, lookup);
        checked += one.files_checked;
        problems.insert(problems.end(), one.diagnostics.begin(), one.diagnostics.end());
        for (const auto& set : one.sets)
            for (const auto& ind : set.indicators)
                if (auto [it, fresh] = ids.emplace(ind.id, f.string()); !fresh)
                    problems.push_back({f.string(), ind.id, "id", "is also used by " + it->second + "; ids must be unique"});
    }
    catalog.files_checked += checked;
    catalog.diagnostics.insert(catalog.diagnostics.end(), problems.begin(), problems.end());
}

}  // namespace fieldkiosk::tools
