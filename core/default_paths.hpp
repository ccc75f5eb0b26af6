// fieldkiosk::core default folders shared by the programs, so `fieldkiosk` and `fieldkiosk-ctl` look for
// surveys in the same place. (The kiosk's database is storage::default_database_path(), its downloaded
// surveys sync::client::default_survey_folder(), its settings file kiosk::default_config_path().)
#pragma once

#include <filesystem>

namespace fieldkiosk::core {

// The folder of survey definitions when none is given: $FIELDKIOSK_SURVEYS if set and not empty, else the
// installed share/fieldkiosk/survey_defs if it exists, else the source tree's survey_defs (a build run
// from its tree), else the relative "survey_defs". Never fails; the folder may still not exist.
[[nodiscard]] std::filesystem::path default_surveys_dir();

}  // namespace fieldkiosk::core
