# evl_jna_prefix(<out-var>)
#
# Sets <out-var> to the folder name under which JNA looks for a native
# library inside a jar (com.sun.jna.Platform.RESOURCE_PREFIX), such as
# linux-x86-64 or darwin-aarch64, for the platform being built for.
#
# JNA has no name for musl, so a Linux library built against musl (Alpine)
# gets the suffix -musl: linux-x86-64-musl, linux-aarch64-musl. The Java
# loader asks for the same names (NativeLibraryLoader, Platform).
include(CheckCSourceCompiles)

function(evl_jna_prefix out)
  if(CMAKE_SYSTEM_NAME STREQUAL "Linux")
    set(os linux)
  elseif(CMAKE_SYSTEM_NAME STREQUAL "Darwin")
    set(os darwin)
  elseif(CMAKE_SYSTEM_NAME STREQUAL "FreeBSD")
    set(os freebsd)
  else()
    string(TOLOWER "${CMAKE_SYSTEM_NAME}" os)
  endif()

  # On macOS the target architecture is CMAKE_OSX_ARCHITECTURES when one is
  # given; CMAKE_SYSTEM_PROCESSOR names the build machine there.
  set(cpu "${CMAKE_SYSTEM_PROCESSOR}")
  list(LENGTH CMAKE_OSX_ARCHITECTURES n_arch)
  if(APPLE AND n_arch EQUAL 1)
    set(cpu "${CMAKE_OSX_ARCHITECTURES}")
  endif()
  string(TOLOWER "${cpu}" cpu)
  if(cpu MATCHES "^(x86_64|amd64|x64)$")
    set(arch x86-64)
  elseif(cpu MATCHES "^(aarch64|arm64)$")
    set(arch aarch64)
  else()
    set(arch "${cpu}")
  endif()

  set(suffix "")
  if(os STREQUAL "linux")
    # glibc defines __GLIBC__ in <features.h>, which <limits.h> includes;
    # musl defines no macro of its own, so its absence means musl.
    check_c_source_compiles([[
#include <limits.h>
#ifndef __GLIBC__
#error not glibc
#endif
int main(void) { return 0; }
]] EVL_LIBC_IS_GLIBC)
    if(NOT EVL_LIBC_IS_GLIBC)
      set(suffix "-musl")
    endif()
  endif()

  set(${out} "${os}-${arch}${suffix}" PARENT_SCOPE)
endfunction()
