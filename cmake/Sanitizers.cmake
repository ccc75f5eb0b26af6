# ASan + UBSan for the `asan` preset. UBSan findings abort so that a test fails rather than logs.
if(FIELDKIOSK_SANITIZE)
  set(_san -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_compile_options(fieldkiosk_options INTERFACE ${_san})
  target_link_options(fieldkiosk_options INTERFACE ${_san})
endif()

# The fuzz preset: every target is instrumented for libFuzzer's coverage and runs under ASan + UBSan;
# fuzz/CMakeLists.txt adds the libFuzzer driver to the fuzz targets only.
if(FIELDKIOSK_FUZZ)
  set(_fuzz -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  target_compile_options(fieldkiosk_options INTERFACE ${_fuzz})
  target_link_options(fieldkiosk_options INTERFACE ${_fuzz})
endif()
