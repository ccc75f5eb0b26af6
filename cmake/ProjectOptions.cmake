# One interface target that every fieldkiosk target links: language level, warnings, sanitizers,
# and the version and source-tree paths the programs report.
add_library(fieldkiosk_options INTERFACE)
add_library(fieldkiosk::options ALIAS fieldkiosk_options)
target_compile_features(fieldkiosk_options INTERFACE cxx_std_23)
target_compile_definitions(fieldkiosk_options INTERFACE
  FIELDKIOSK_VERSION="${PROJECT_VERSION}"
  FIELDKIOSK_SOURCE_SURVEYS_DIR="${PROJECT_SOURCE_DIR}/survey_defs"
  FIELDKIOSK_INSTALLED_SURVEYS_DIR="${CMAKE_INSTALL_PREFIX}/share/fieldkiosk/survey_defs")
