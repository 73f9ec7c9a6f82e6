# Builds libnxd_mqtt.a with cargo and defines the imported target nxd_mqtt::nxd_mqtt.
#
# Used by the root CMakeLists.txt (add_subdirectory / top-level builds). Variables (cache):
#   NXD_MQTT_PORT              posix (host: sockets + threads, default) | bare | netx
#   NXD_MQTT_RUST_TARGET       cargo target triple; empty = the host (cmake/arm-none-eabi.cmake
#                              sets it for firmware builds)
#   NXD_MQTT_CARGO_PROFILE     release (default) or debug
#   NXD_MQTT_CARGO_TARGET_DIR  cargo's target directory (default: <build>/cargo)
#   NXD_MQTT_CARGO_FEATURES    extra cargo features, comma separated (e.g. the opt-outs of a
#                              minimal firmware build: no-qos2, no-will, no-login, no-topic-check)
#   CARGO                      the cargo executable
#   netx port only (the library embeds ThreadX / NetX Duo control blocks, so it is built with
#   the application's headers and macros; see src/port/netx/README.md):
#   NXD_MQTT_THREADX_INCLUDE   directories of tx_api.h, tx_port.h (and tx_user.h)
#   NXD_MQTT_NETX_INCLUDE      directories of nx_api.h, nx_port.h (and nx_user.h)
#   NXD_MQTT_USER_DEFINES      the application's configuration macros, NAME or NAME=VALUE
#   NXD_MQTT_NETX_CFLAGS       extra C flags for the glue and bindgen (space separated)
#   A host netx build (no NXD_MQTT_RUST_TARGET: ThreadX's Linux port or a stand-in) adds the
#   `std` feature; firmware builds are no_std.
#
# The target carries the include directory (the generated, committed include/), the port macro
# (NXD_MQTT_PORT_POSIX/BARE/NETX, which selects the control-block layout in the header) and the
# native libraries a std staticlib needs on the host (what
# `cargo rustc -- --print native-static-libs` reports on Linux: gcc_s util rt pthread m dl c).
include_guard(GLOBAL)

set(NXD_MQTT_PORT "posix" CACHE STRING "nxd_mqtt platform port: posix, bare or netx")
set_property(CACHE NXD_MQTT_PORT PROPERTY STRINGS posix bare netx)
if(NOT DEFINED NXD_MQTT_RUST_TARGET)
  set(NXD_MQTT_RUST_TARGET "" CACHE STRING "cargo target triple (empty: host)")
endif()
set(NXD_MQTT_CARGO_PROFILE "release" CACHE STRING "cargo profile of the library build: release or debug")
set_property(CACHE NXD_MQTT_CARGO_PROFILE PROPERTY STRINGS release debug)
set(NXD_MQTT_CARGO_TARGET_DIR "${CMAKE_BINARY_DIR}/cargo" CACHE PATH "cargo target directory of the library build")
set(NXD_MQTT_CARGO_FEATURES "" CACHE STRING "extra cargo features of the library build (comma separated)")
set(NXD_MQTT_THREADX_INCLUDE "" CACHE STRING "netx port: directories of tx_api.h, tx_port.h (tx_user.h)")
set(NXD_MQTT_NETX_INCLUDE "" CACHE STRING "netx port: directories of nx_api.h, nx_port.h (nx_user.h)")
set(NXD_MQTT_USER_DEFINES "" CACHE STRING "netx port: the application's configuration macros (NAME or NAME=VALUE)")
set(NXD_MQTT_NETX_CFLAGS "" CACHE STRING "netx port: extra C flags for the glue and bindgen")

function(nxd_mqtt_cargo_library source_dir)
  if(TARGET nxd_mqtt::nxd_mqtt)
    return()
  endif()
  if(NOT NXD_MQTT_PORT MATCHES "^(posix|bare|netx)$")
    message(FATAL_ERROR "NXD_MQTT_PORT must be posix, bare or netx (got '${NXD_MQTT_PORT}')")
  endif()
  if(NOT NXD_MQTT_CARGO_PROFILE MATCHES "^(release|debug)$")
    message(FATAL_ERROR "NXD_MQTT_CARGO_PROFILE must be release or debug (got '${NXD_MQTT_CARGO_PROFILE}')")
  endif()
  find_program(CARGO cargo HINTS "$ENV{CARGO_HOME}/bin" "$ENV{HOME}/.cargo/bin")
  if(NOT CARGO)
    message(FATAL_ERROR "cargo not found: install Rust (https://rustup.rs)")
  endif()

  set(args rustc --manifest-path "${source_dir}/Cargo.toml" --lib --crate-type staticlib)
  if(NXD_MQTT_CARGO_PROFILE STREQUAL "release")
    list(APPEND args --release)
  endif()
  set(dir "${NXD_MQTT_CARGO_TARGET_DIR}")
  if(NXD_MQTT_RUST_TARGET)
    list(APPEND args --target "${NXD_MQTT_RUST_TARGET}")
    set(dir "${dir}/${NXD_MQTT_RUST_TARGET}")
  endif()
  set(env "CARGO_TARGET_DIR=${NXD_MQTT_CARGO_TARGET_DIR}")
  set(extra_includes "")
  if(NXD_MQTT_PORT STREQUAL "netx")
    if(NOT NXD_MQTT_THREADX_INCLUDE OR NOT NXD_MQTT_NETX_INCLUDE)
      message(FATAL_ERROR "NXD_MQTT_PORT=netx needs NXD_MQTT_THREADX_INCLUDE and NXD_MQTT_NETX_INCLUDE "
                          "(the application's ThreadX / NetX Duo header directories)")
    endif()
    set(features netx)
    if(NOT NXD_MQTT_RUST_TARGET)
      set(features netx,std)
    endif()
    list(APPEND args --no-default-features --features ${features})
    string(REPLACE ";" ":" tx_inc "${NXD_MQTT_THREADX_INCLUDE}")
    string(REPLACE ";" ":" nx_inc "${NXD_MQTT_NETX_INCLUDE}")
    string(REPLACE ";" " " defines "${NXD_MQTT_USER_DEFINES}")
    list(APPEND env "NXD_MQTT_THREADX_INCLUDE=${tx_inc}" "NXD_MQTT_NETX_INCLUDE=${nx_inc}"
                    "NXD_MQTT_USER_DEFINES=${defines}" "NXD_MQTT_NETX_CFLAGS=${NXD_MQTT_NETX_CFLAGS}")
    # The header includes tx_api.h and nx_api.h in NetX mode, as the original does.
    set(extra_includes ${NXD_MQTT_THREADX_INCLUDE} ${NXD_MQTT_NETX_INCLUDE})
  elseif(NOT NXD_MQTT_PORT STREQUAL "posix")
    list(APPEND args --no-default-features --features "${NXD_MQTT_PORT}")
  endif()
  if(NXD_MQTT_CARGO_FEATURES)
    list(APPEND args --features "${NXD_MQTT_CARGO_FEATURES}")
  endif()
  set(archive "${dir}/${NXD_MQTT_CARGO_PROFILE}/libnxd_mqtt.a")

  # Firmware targets: compiler_builtins' weak memcpy/memset/... would take precedence over the
  # C library's in the usual link order (archive before -lc); make them local in the archive
  # (cmake/nxd_mqtt_libc_symbols.txt). Idempotent, so it runs after every cargo invocation.
  set(localize "")
  if(NXD_MQTT_RUST_TARGET MATCHES "-none-eabi")
    if(NOT CMAKE_OBJCOPY)
      message(FATAL_ERROR "NXD_MQTT_RUST_TARGET=${NXD_MQTT_RUST_TARGET} needs CMAKE_OBJCOPY "
                          "(arm-none-eabi-objcopy; cmake/arm-none-eabi.cmake sets it)")
    endif()
    set(localize COMMAND "${CMAKE_OBJCOPY}"
        "--localize-symbols=${source_dir}/cmake/nxd_mqtt_libc_symbols.txt" "${archive}")
  endif()

  # Always run cargo: it tracks the Rust sources itself and returns at once when nothing changed.
  add_custom_target(nxd_mqtt_cargo ALL
    COMMAND "${CMAKE_COMMAND}" -E env ${env} "${CARGO}" ${args}
    ${localize}
    BYPRODUCTS "${archive}"
    WORKING_DIRECTORY "${source_dir}"
    COMMENT "cargo: libnxd_mqtt.a (port ${NXD_MQTT_PORT}, ${NXD_MQTT_CARGO_PROFILE}${NXD_MQTT_RUST_TARGET})"
    VERBATIM USES_TERMINAL)

  set(include_dirs "${source_dir}/include" ${extra_includes})
  string(TOUPPER "${NXD_MQTT_PORT}" port_upper)
  add_library(nxd_mqtt::nxd_mqtt STATIC IMPORTED GLOBAL)
  set_target_properties(nxd_mqtt::nxd_mqtt PROPERTIES
    IMPORTED_LOCATION "${archive}"
    INTERFACE_INCLUDE_DIRECTORIES "${include_dirs}"
    INTERFACE_COMPILE_DEFINITIONS "NXD_MQTT_PORT_${port_upper}")
  nxd_mqtt_native_libs(native)
  if(native)
    set_property(TARGET nxd_mqtt::nxd_mqtt PROPERTY INTERFACE_LINK_LIBRARIES "${native}")
  endif()
  add_dependencies(nxd_mqtt::nxd_mqtt nxd_mqtt_cargo)
  set(NXD_MQTT_ARCHIVE "${archive}" PARENT_SCOPE)
endfunction()

# The system libraries the archive needs (empty for the no_std firmware ports).
function(nxd_mqtt_native_libs out)
  set(libs "")
  # A std staticlib (posix, or netx on the host) needs the system libraries.
  if(NXD_MQTT_PORT STREQUAL "posix" OR (NXD_MQTT_PORT STREQUAL "netx" AND NOT NXD_MQTT_RUST_TARGET))
    if(CMAKE_SYSTEM_NAME STREQUAL "Linux")
      set(libs gcc_s util rt pthread m dl c)
    elseif(APPLE)
      set(libs System c m)
    else()
      set(libs pthread m dl c)
    endif()
  endif()
  set(${out} "${libs}" PARENT_SCOPE)
endfunction()
