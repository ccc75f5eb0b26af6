# Warnings for our own code. Third-party headers come in as SYSTEM includes and stay quiet.
set(FIELDKIOSK_WARNINGS
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Wunused -Woverloaded-virtual -Wconversion -Wnull-dereference -Wdouble-promotion
  -Wformat=2 -Wimplicit-fallthrough
  # Designated initializers that leave members at their defaults are intended, not a mistake.
  -Wno-missing-field-initializers)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  list(APPEND FIELDKIOSK_WARNINGS -Wmisleading-indentation -Wduplicated-cond -Wlogical-op)
endif()
if(FIELDKIOSK_WARNINGS_AS_ERRORS)
  list(APPEND FIELDKIOSK_WARNINGS -Werror)
endif()
target_compile_options(fieldkiosk_options INTERFACE ${FIELDKIOSK_WARNINGS})
