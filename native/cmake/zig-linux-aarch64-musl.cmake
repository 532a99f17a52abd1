# Cross build for Linux aarch64 with musl (Alpine):
# zig cc -target aarch64-linux-musl;
# the library goes to linux-aarch64-musl/ in the jar.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
include("${CMAKE_CURRENT_LIST_DIR}/ZigToolchain.cmake")
evl_zig_toolchain(aarch64-linux-musl)
