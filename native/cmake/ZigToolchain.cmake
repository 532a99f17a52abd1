# evl_zig_toolchain(<zig-target>)
#
# The shared part of the zig-<platform>.cmake toolchain files: zig cc as the
# C compiler for <zig-target> (through a one-line script in zig/, because
# CMake wants one program), zig ar and zig ranlib, and no search of the
# build machine's libraries. Callers set CMAKE_SYSTEM_NAME and
# CMAKE_SYSTEM_PROCESSOR first; those decide the jar prefix.
macro(evl_zig_toolchain target)
  set(_evl_zig "${CMAKE_CURRENT_LIST_DIR}/zig")
  set(CMAKE_C_COMPILER "${_evl_zig}/cc-${target}")
  set(CMAKE_AR "${_evl_zig}/ar" CACHE FILEPATH "zig ar")
  set(CMAKE_RANLIB "${_evl_zig}/ranlib" CACHE FILEPATH "zig ranlib")
  # The jar ships release libraries without debug info (zig keeps it by
  # default); the exported evl_* symbols stay.
  set(CMAKE_SHARED_LINKER_FLAGS_RELEASE_INIT "-s")
  set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
  set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
  set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
  set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
endmacro()
