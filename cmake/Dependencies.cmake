# Every find_package of the project, in one place. Every third-party dependency comes from a Debian 12
# package installed by installer/setup-deps.sh (the one package list); nothing is downloaded at build time.
# Found here, at the top level, so their imported targets are visible in every folder (tests/ and bench/
# link libcurl and libpq directly too).

# core/ and storage/ (always built), tools/ (fieldkiosk-ctl)
find_package(nlohmann_json 3.11 REQUIRED)
find_package(CLI11 2.1 REQUIRED)
find_package(SQLite3 3.40 REQUIRED)
find_package(PkgConfig REQUIRED)
# core/xlsform/ (fieldkiosk-ctl import / export-xlsform / export-xform): libzip (BSD-3-Clause) opens .xlsx
# packages, pugixml (MIT) parses and writes their XML and the XForm, libxlsxwriter (BSD-2-Clause) writes
# workbooks. Debian's libzip has a CMake package whose targets pull in every codec; its .pc is enough.
pkg_check_modules(FK_LIBZIP REQUIRED IMPORTED_TARGET GLOBAL libzip)
find_package(pugixml 1.13 REQUIRED)
pkg_check_modules(FK_XLSXWRITER REQUIRED IMPORTED_TARGET GLOBAL xlsxwriter)
# seal/ (sealed answers, linked by storage, the kiosk and the receiver) and the kiosk's PIN hash: libsodium (ISC).
pkg_check_modules(FK_SODIUM REQUIRED IMPORTED_TARGET GLOBAL libsodium)

# The settings files of the kiosk (fieldkiosk.toml) and of the receiver (server.toml) are read with toml++.
if(FIELDKIOSK_BUILD_KIOSK OR FIELDKIOSK_BUILD_SYNC)
  find_package(tomlplusplus 3 REQUIRED)
endif()

# kiosk/: Dear ImGui (Debian's libimgui-dev has a .pc, no CMake package), SDL2, GL (libsodium: above).
if(FIELDKIOSK_BUILD_KIOSK)
  pkg_check_modules(FK_IMGUI REQUIRED IMPORTED_TARGET GLOBAL imgui)
  find_package(SDL2 REQUIRED CONFIG)
  find_package(OpenGL REQUIRED)
  # kiosk/text/: libraqm (MIT) shapes with HarfBuzz (MIT) and orders with FriBidi (LGPL-2.1, linked
  # dynamically from Debian), FreeType (used under the FTL) rasterises, ICU (Unicode licence) breaks lines.
  # HarfBuzz and FriBidi are named too: the text tests compare libraqm's result with theirs.
  pkg_check_modules(FK_TEXT REQUIRED IMPORTED_TARGET GLOBAL raqm freetype2 icu-uc)
  pkg_check_modules(FK_TEXT_REF REQUIRED IMPORTED_TARGET GLOBAL harfbuzz fribidi)
endif()

# sync/: gzip, the client's transport, digests and TLS, the receiver's PostgreSQL and HTTP server.
if(FIELDKIOSK_BUILD_SYNC)
  find_package(ZLIB REQUIRED)
  find_package(CURL 7.88 REQUIRED)
  find_package(OpenSSL 3 REQUIRED)
  find_package(PostgreSQL REQUIRED)
  # Debian's cpp-httplib is a compiled library; its .pc carries the feature macros (OpenSSL, zlib,
  # brotli) that must match the ones it was built with.
  pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET GLOBAL cpp-httplib>=0.11)
endif()

if(FIELDKIOSK_BUILD_TESTS)
  find_package(GTest 1.12 REQUIRED)
  include(GoogleTest)
endif()
if(FIELDKIOSK_BUILD_BENCH)
  find_package(benchmark 1.7 REQUIRED)
endif()
