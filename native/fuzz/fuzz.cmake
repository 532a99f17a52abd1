# The fuzz target of the core and the replay of its seed corpus.
#
# Included from the top-level CMakeLists.txt. The replay (any compiler,
# gcc included) joins ctest with the C tests; the libFuzzer target needs
# clang and is built only with -DEVL_BUILD_FUZZ=ON (see .ci/fuzz.sh).

set(EVL_FUZZ_DIR "${CMAKE_CURRENT_SOURCE_DIR}/native/fuzz")
set(EVL_FUZZ_CORPUS "${EVL_FUZZ_DIR}/corpus")
set(EVL_FUZZ_HARNESS
  "${EVL_FUZZ_DIR}/fuzz_core.c"
  "${EVL_FUZZ_DIR}/fuzz_fds.c"
  "${EVL_FUZZ_DIR}/fuzz_io.c")

# The model in the target encodes epoll's answers, so Linux only.
if(EVL_BUILD_TESTS AND CMAKE_SYSTEM_NAME STREQUAL "Linux")
  add_executable(fuzz_replay
    "${EVL_FUZZ_DIR}/fuzz_replay.c" ${EVL_FUZZ_HARNESS})
  target_compile_options(fuzz_replay PRIVATE ${EVL_WARNINGS})
  target_link_libraries(fuzz_replay PRIVATE evloop_sanitized)
  add_test(NAME fuzz_corpus COMMAND fuzz_replay "${EVL_FUZZ_CORPUS}")
  set_tests_properties(fuzz_corpus PROPERTIES
    TIMEOUT 120
    ENVIRONMENT "ASAN_OPTIONS=detect_leaks=1:abort_on_error=0")
endif()

if(EVL_BUILD_FUZZ)
  if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "EVL_BUILD_FUZZ needs clang (libFuzzer); "
      "configure with CC=clang")
  endif()
  if(NOT CMAKE_SYSTEM_NAME STREQUAL "Linux")
    message(FATAL_ERROR "EVL_BUILD_FUZZ: the fuzz target is Linux only")
  endif()
  set(EVL_FUZZ_FLAGS
    -fsanitize=fuzzer,address,undefined
    -fno-sanitize-recover=all
    -fno-omit-frame-pointer
    -g)
  # The core's sources are compiled into the target itself, so that
  # libFuzzer's coverage instrumentation sees their branches.
  add_executable(fuzz_core ${EVL_FUZZ_HARNESS} ${EVL_SOURCES})
  target_include_directories(fuzz_core PRIVATE native/include)
  target_compile_options(fuzz_core PRIVATE ${EVL_WARNINGS} ${EVL_FUZZ_FLAGS})
  target_link_options(fuzz_core PRIVATE ${EVL_FUZZ_FLAGS})
endif()
