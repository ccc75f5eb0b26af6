# ASan + UBSan for the `asan` preset. UBSan findings abort so that a test fails rather than logs.
if(FIELDKIOSK_SANITIZE)
  set(_san -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_compile_options(fieldkiosk_options INTERFACE ${_san})
  target_link_options(fieldkiosk_options INTERFACE ${_san})
endif()
