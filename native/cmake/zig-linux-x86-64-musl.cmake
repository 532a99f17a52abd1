# Cross build for Linux x86_64 with musl (Alpine):
# zig cc -target x86_64-linux-musl;
# the library goes to linux-x86-64-musl/ in the jar.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
include("${CMAKE_CURRENT_LIST_DIR}/ZigToolchain.cmake")
evl_zig_toolchain(x86_64-linux-musl)
