# Cross build for Linux aarch64, glibc 2.17 or newer:
# zig cc -target aarch64-linux-gnu.2.17;
# the library goes to linux-aarch64/ in the jar.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
include("${CMAKE_CURRENT_LIST_DIR}/ZigToolchain.cmake")
evl_zig_toolchain(aarch64-linux-gnu.2.17)
