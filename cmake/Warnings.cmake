# Warnings for our own code. Third-party headers come in as SYSTEM includes and stay quiet.
set(FIELDKIOSK_WARNINGS
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Wunused -Woverloaded-virtual -Wconversion -Wdouble-promotion
  -Wformat=2 -Wimplicit-fallthrough
  # Designated initializers that leave members at their defaults are intended, not a mistake.
  -Wno-missing-field-initializers)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  list(APPEND FIELDKIOSK_WARNINGS -Wmisleading-indentation -Wduplicated-cond -Wlogical-op)
  # GCC 12 at -O2/-O3 reports false -Wrestrict positives inside std::string concatenation
  # (GCC bug 105329, fixed in GCC 13). -Wnull-dereference is left out for the same reason: at -O3 it
  # flags libstdc++'s own streambuf code.
  if(CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    list(APPEND FIELDKIOSK_WARNINGS -Wno-restrict)
  else()
    list(APPEND FIELDKIOSK_WARNINGS -Wnull-dereference)
  endif()
else()
  list(APPEND FIELDKIOSK_WARNINGS -Wnull-dereference)
endif()
if(FIELDKIOSK_WARNINGS_AS_ERRORS)
  list(APPEND FIELDKIOSK_WARNINGS -Werror)
endif()
target_compile_options(fieldkiosk_options INTERFACE ${FIELDKIOSK_WARNINGS})
