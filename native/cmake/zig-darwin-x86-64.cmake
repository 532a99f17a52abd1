# Cross build for macOS on Intel: zig cc -target x86_64-macos;
# the library goes to darwin-x86-64/ in the jar.
set(CMAKE_SYSTEM_NAME Darwin)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
include("${CMAKE_CURRENT_LIST_DIR}/ZigToolchain.cmake")
evl_zig_toolchain(x86_64-macos)
