# Cross build for Linux x86_64, glibc 2.17 or newer:
# zig cc -target x86_64-linux-gnu.2.17;
# the library goes to linux-x86-64/ in the jar.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
include("${CMAKE_CURRENT_LIST_DIR}/ZigToolchain.cmake")
evl_zig_toolchain(x86_64-linux-gnu.2.17)
