# Cross build for macOS on Apple silicon: zig cc -target aarch64-macos;
# the library goes to darwin-aarch64/ in the jar.
set(CMAKE_SYSTEM_NAME Darwin)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
include("${CMAKE_CURRENT_LIST_DIR}/ZigToolchain.cmake")
evl_zig_toolchain(aarch64-macos)
