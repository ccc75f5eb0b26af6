# fieldkiosk_library(NAME SOURCES file... [PUBLIC dep...] [PRIVATE dep...])
# The one way a folder declares a project library: the static library fieldkiosk_NAME, its alias
# fieldkiosk::NAME (what every consumer links), the source tree as its include root (so includes read
# "core/session.hpp" everywhere), and the shared options/warnings target (cmake/ProjectOptions.cmake).
function(fieldkiosk_library name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "SOURCES;PUBLIC;PRIVATE")
  if(arg_UNPARSED_ARGUMENTS OR NOT arg_SOURCES)
    message(FATAL_ERROR "fieldkiosk_library(${name}): give SOURCES, then optional PUBLIC and PRIVATE dependencies")
  endif()
  add_library(fieldkiosk_${name} STATIC ${arg_SOURCES})
  add_library(fieldkiosk::${name} ALIAS fieldkiosk_${name})
  target_include_directories(fieldkiosk_${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(fieldkiosk_${name} PUBLIC ${arg_PUBLIC} PRIVATE ${arg_PRIVATE} fieldkiosk::options)
endfunction()
