# Every third-party dependency comes from a Debian 12 package installed by installer/setup-deps.sh.
# Nothing is downloaded at build time.
find_package(nlohmann_json 3.11 REQUIRED)
find_package(CLI11 2.1 REQUIRED)
if(FIELDKIOSK_BUILD_TESTS)
  find_package(GTest 1.12 REQUIRED)
  include(GoogleTest)
endif()
if(FIELDKIOSK_BUILD_BENCH)
  find_package(benchmark 1.7 REQUIRED)
endif()
