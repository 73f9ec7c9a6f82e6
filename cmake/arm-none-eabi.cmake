# CMake toolchain file for bare-metal Arm Cortex-M with the GNU Arm Embedded toolchain
# (arm-none-eabi-gcc + newlib), for C firmware that links libnxd_mqtt.a.
#
# Usage:
#   cmake -S <firmware> -B build -DCMAKE_TOOLCHAIN_FILE=<nxd_mqtt>/cmake/arm-none-eabi.cmake \
#         -DNXD_MQTT_ARM_CPU=cortex-m4f
#
# NXD_MQTT_ARM_CPU selects the core, the compiler flags and the matching Rust target:
#   cortex-m3   -mcpu=cortex-m3 -mthumb -mfloat-abi=soft                       thumbv7m-none-eabi
#   cortex-m4   -mcpu=cortex-m4 -mthumb -mfloat-abi=soft                       thumbv7em-none-eabi
#   cortex-m4f  -mcpu=cortex-m4 -mthumb -mfpu=fpv4-sp-d16 -mfloat-abi=hard     thumbv7em-none-eabihf
# After the project() call, NXD_MQTT_RUST_TARGET holds the Rust target triple for that core.
#
# ARM_TOOLCHAIN_PREFIX may point at a toolchain outside PATH (e.g. /opt/gcc-arm/bin/arm-none-eabi-).

set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)

# Cache variables so that try_compile() projects see the same choice.
set(NXD_MQTT_ARM_CPU "cortex-m4f" CACHE STRING "Cortex-M core: cortex-m3, cortex-m4 or cortex-m4f")
set_property(CACHE NXD_MQTT_ARM_CPU PROPERTY STRINGS cortex-m3 cortex-m4 cortex-m4f)
set(ARM_TOOLCHAIN_PREFIX "arm-none-eabi-" CACHE STRING "Prefix of the GNU Arm tools (path allowed)")
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES NXD_MQTT_ARM_CPU ARM_TOOLCHAIN_PREFIX)

find_program(ARM_NONE_EABI_GCC NAMES ${ARM_TOOLCHAIN_PREFIX}gcc)
if(NOT ARM_NONE_EABI_GCC)
  message(FATAL_ERROR
    "arm-none-eabi-gcc not found (looked for '${ARM_TOOLCHAIN_PREFIX}gcc'). "
    "Install it (Debian: apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi) "
    "or set ARM_TOOLCHAIN_PREFIX.")
endif()
get_filename_component(_nxd_arm_bin "${ARM_NONE_EABI_GCC}" DIRECTORY)
get_filename_component(_nxd_arm_name "${ARM_TOOLCHAIN_PREFIX}" NAME)

set(CMAKE_C_COMPILER   "${_nxd_arm_bin}/${_nxd_arm_name}gcc")
set(CMAKE_CXX_COMPILER "${_nxd_arm_bin}/${_nxd_arm_name}g++")
set(CMAKE_ASM_COMPILER "${_nxd_arm_bin}/${_nxd_arm_name}gcc")
set(CMAKE_AR           "${_nxd_arm_bin}/${_nxd_arm_name}ar" CACHE FILEPATH "archiver")
set(CMAKE_RANLIB       "${_nxd_arm_bin}/${_nxd_arm_name}ranlib" CACHE FILEPATH "ranlib")
set(CMAKE_OBJCOPY      "${_nxd_arm_bin}/${_nxd_arm_name}objcopy" CACHE FILEPATH "objcopy")
set(CMAKE_SIZE         "${_nxd_arm_bin}/${_nxd_arm_name}size" CACHE FILEPATH "size")
set(CMAKE_NM           "${_nxd_arm_bin}/${_nxd_arm_name}nm" CACHE FILEPATH "nm")

# A bare-metal compiler cannot link a test executable without a startup file and a linker script.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

if(NXD_MQTT_ARM_CPU STREQUAL "cortex-m3")
  set(_nxd_cpu_flags "-mcpu=cortex-m3 -mthumb -mfloat-abi=soft")
  set(NXD_MQTT_RUST_TARGET "thumbv7m-none-eabi")
elseif(NXD_MQTT_ARM_CPU STREQUAL "cortex-m4")
  set(_nxd_cpu_flags "-mcpu=cortex-m4 -mthumb -mfloat-abi=soft")
  set(NXD_MQTT_RUST_TARGET "thumbv7em-none-eabi")
elseif(NXD_MQTT_ARM_CPU STREQUAL "cortex-m4f")
  set(_nxd_cpu_flags "-mcpu=cortex-m4 -mthumb -mfpu=fpv4-sp-d16 -mfloat-abi=hard")
  set(NXD_MQTT_RUST_TARGET "thumbv7em-none-eabihf")
else()
  message(FATAL_ERROR "NXD_MQTT_ARM_CPU='${NXD_MQTT_ARM_CPU}': use cortex-m3, cortex-m4 or cortex-m4f")
endif()

set(CMAKE_C_FLAGS_INIT   "${_nxd_cpu_flags} -ffunction-sections -fdata-sections")
set(CMAKE_CXX_FLAGS_INIT "${_nxd_cpu_flags} -ffunction-sections -fdata-sections")
set(CMAKE_ASM_FLAGS_INIT "${_nxd_cpu_flags}")
set(CMAKE_EXE_LINKER_FLAGS_INIT "${_nxd_cpu_flags} -Wl,--gc-sections")

# Look for programs on the host, for libraries and headers only in the target environment.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)
