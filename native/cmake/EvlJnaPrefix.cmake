# evl_jna_prefix(<out-var>)
#
# Sets <out-var> to the folder name under which JNA looks for a native
# library inside a jar (com.sun.jna.Platform.RESOURCE_PREFIX), such as
# linux-x86-64 or darwin-aarch64, for the platform being built for.
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

  set(${out} "${os}-${arch}" PARENT_SCOPE)
endfunction()
