#!/usr/bin/env bash
# Size report of libnxd_mqtt.a in the QEMU firmware (examples/qemu/mqtt_client.elf) for
# mps2-an385 (Cortex-M3, thumbv7m-none-eabi) and mps2-an386 (Cortex-M4F, thumbv7em-none-eabihf).
#
# usage: benches/size_report.sh [BUILD_DIR]      (default: build/size-report)
#   env: TOP=N      number of biggest library symbols listed per board (default 15)
#        NO_BUILD=1 use an existing BUILD_DIR without rebuilding
#        FEATURES=a,b extra cargo features of the library (e.g. the opt-outs of a minimal build:
#                   FEATURES=no-qos2,no-will,no-login,no-topic-check; use another BUILD_DIR)
#
# Builds the firmware with CMake and cmake/arm-none-eabi.cmake (the library as a staticlib-only,
# LTO, opt-level "z" archive), then attributes every input section of the linker map
# (-Wl,-Map) whose file is libnxd_mqtt.a(...) to the output section it landed in:
#   flash = .text + .rodata (+ .ARM.exidx/.ARM.extab) + .data,   RAM = .data + .bss
# sizeof(NXD_MQTT_CLIENT) is the size of the firmware's control block object (mqtt_client_block);
# that memory is the application's (a static in the firmware), not part of the library's RAM.
# Target (issue): the library's .text on Cortex-M4 <= 5,768 bytes.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$ROOT/build/size-report}
TOP=${TOP:-15}
TEXT_BUDGET=5768

for tool in cmake arm-none-eabi-gcc arm-none-eabi-nm arm-none-eabi-c++filt; do
    command -v "$tool" >/dev/null || { echo "size_report: $tool not found" >&2; exit 1; }
done

boards=("cortex-m3:mps2-an385:thumbv7m-none-eabi" "cortex-m4f:mps2-an386:thumbv7em-none-eabihf")

if [ -z "${NO_BUILD:-}" ]; then
    for b in "${boards[@]}"; do
        IFS=: read -r cpu machine _ <<<"$b"
        cmake -S "$ROOT/examples/qemu" -B "$BUILD/$machine" \
            -DCMAKE_TOOLCHAIN_FILE="$ROOT/cmake/arm-none-eabi.cmake" -DNXD_MQTT_ARM_CPU="$cpu" \
            -DNXD_MQTT_CARGO_TARGET_DIR="$BUILD/cargo" -DNXD_MQTT_CARGO_FEATURES="${FEATURES:-}" >/dev/null
        cmake --build "$BUILD/$machine" --target mqtt_client >/dev/null
    done
fi

# attribute <map> <archive-regex>: prints "S <outclass> <size> <file> <section>" lines for every
# input section of a file matching the regex, and "T <outclass> <size>" totals for the image.
attribute() {
    awk -v lib="$2" '
    function hex(h,   i, c, v) {
        v = 0; h = tolower(h); sub(/^0x/, "", h)
        for (i = 1; i <= length(h); i++) { c = index("0123456789abcdef", substr(h, i, 1)); v = v * 16 + c - 1 }
        return v
    }
    function classify(o) {
        if (o == ".text" || o == ".isr_vector") return "text"
        if (o == ".rodata") return "rodata"
        if (o ~ /^\.ARM\.ex/) return "exidx"
        if (o == ".data") return "data"
        if (o == ".bss") return "bss"
        return ""
    }
    function emit(name, size, file,   c) {
        c = classify(out)
        if (c == "" || size == 0) return
        total[c] += size
        if (file ~ lib) printf "S %s %d %s %s\n", c, size, file, name
    }
    /^Linker script and memory map/ { started = 1; next }
    !started { next }
    /^\.[^ ]+/ { out = $1; pending = ""; next }           # output section
    /^ \*\(/ { next }                                      # input section pattern of the script
    /^ \*fill\*/ { next }
    /^ [.A-Za-z_]/ && NF == 1 { pending = $1; next }       # long input section name, numbers follow
    /^ [.A-Za-z_]/ && NF >= 4 && $2 ~ /^0x/ && $3 ~ /^0x/ { emit($1, hex($3), $4); pending = ""; next }
    pending != "" && NF >= 3 && $1 ~ /^0x/ && $2 ~ /^0x/ { emit(pending, hex($2), $3); pending = ""; next }
    END { for (c in total) printf "T %s %d\n", c, total[c] }
    ' "$1"
}

printf '\n'
printf 'libnxd_mqtt.a in mqtt_client.elf (bytes; flash = .text+.rodata+exidx+.data, RAM = .data+.bss)%s\n\n' \
    "${FEATURES:+, cargo features: $FEATURES}"
printf '%-11s %-22s %7s %7s %6s %6s %6s %7s %6s %9s\n' board part .text .rodata exidx .data .bss flash RAM "budget"
summary=()
for b in "${boards[@]}"; do
    IFS=: read -r cpu machine target <<<"$b"
    map="$BUILD/$machine/mqtt_client.map"
    elf="$BUILD/$machine/mqtt_client.elf"
    [ -f "$map" ] || { echo "size_report: $map missing" >&2; exit 1; }
    data=$(attribute "$map" 'libnxd_mqtt\\.a\\(')
    for part in all nxd_mqtt compiler_builtins image; do
        read -r t r x d s < <(echo "$data" | awk -v part="$part" '
            $1 == "S" {
                if (part == "image") next
                f = $4
                if (part == "compiler_builtins" && f !~ /compiler_builtins/) next
                if (part == "nxd_mqtt" && f ~ /compiler_builtins/) next
                v[$2] += $3
            }
            $1 == "T" && part == "image" { v[$2] += $3 }
            END { printf "%d %d %d %d %d\n", v["text"], v["rodata"], v["exidx"], v["data"], v["bss"] }')
        flash=$((t + r + x + d)); ram=$((d + s))
        label=$part
        [ "$part" = all ] && label="library (all objects)"
        [ "$part" = nxd_mqtt ] && label="  nxd_mqtt code"
        [ "$part" = compiler_builtins ] && label="  compiler_builtins"
        [ "$part" = image ] && label="whole firmware"
        budget=""
        if [ "$part" = all ] && [ "$machine" = mps2-an386 ]; then
            if [ "$t" -le "$TEXT_BUDGET" ]; then budget="ok<=$TEXT_BUDGET"; else budget="OVER+$((t - TEXT_BUDGET))"; fi
        fi
        printf '%-11s %-22s %7d %7d %6d %6d %6d %7d %6d %9s\n' "$machine" "$label" "$t" "$r" "$x" "$d" "$s" "$flash" "$ram" "$budget"
    done
    cb=$(arm-none-eabi-nm -S "$elf" | awk '$4 == "mqtt_client_block" { print $2 }')
    [ -n "$cb" ] && cb=$((16#$cb))
    summary+=("$machine ($target): sizeof(NXD_MQTT_CLIENT) = ${cb:-?} bytes")
done
printf '\n'
for s in "${summary[@]}"; do echo "$s"; done
# The library calls memcpy/memmove/memset/memcmp; the firmware links newlib's (see
# examples/qemu/CMakeLists.txt), which the C code shares: shown here, not counted above.
for b in "${boards[@]}"; do
    IFS=: read -r cpu machine target <<<"$b"
    n=$(attribute "$BUILD/$machine/mqtt_client.map" 'libc\\.a\\(lib_a-(mem|aeabi)' |
        awk '$1 == "S" { v += $3 } END { print v + 0 }')
    echo "$machine: newlib mem* functions in the image (shared with the C code, not counted above): $n bytes"
done

printf '\nLibrary .text+.rodata by layer (symbol names after LTO; inlined code counts where it landed):\n'
for b in "${boards[@]}"; do
    IFS=: read -r cpu machine target <<<"$b"
    map="$BUILD/$machine/mqtt_client.map"
    attribute "$map" 'libnxd_mqtt\\.a\\(' | awk '$1 == "S" && ($2 == "text" || $2 == "rodata") { print $3, $5 }' |
        while read -r size sec; do
            sym=${sec#.text.}; sym=${sym#.rodata.}
            printf '%s %s\n' "$size" "$(echo "$sym" | arm-none-eabi-c++filt)"
        done | awk -v m="$machine" '
            {
                size = $1; $1 = ""; sym = substr($0, 2); layer = "other (core/alloc, literals)"
                if (sym ~ /^_nxde?_mqtt_|^nxd_mqtt_client_|nxd_mqtt::ffi::/) layer = "ffi (C API, front ends, cores)"
                else if (sym ~ /nxd_mqtt::port::/) layer = "port::bare"
                else if (sym ~ /nxd_mqtt::client::/) layer = "client (driver)"
                else if (sym ~ /nxd_mqtt::session::/) layer = "session (state machine)"
                else if (sym ~ /nxd_mqtt::codec::/) layer = "codec (wire format)"
                else if (sym ~ /compiler_builtins/) layer = "compiler_builtins"
                t[layer] += size; all += size
            }
            END { for (l in t) printf "  %-11s %-32s %6d\n", m, l, t[l]; printf "  %-11s %-32s %6d\n", m, "total", all }' | sort -k1,1 -k2
done

for b in "${boards[@]}"; do
    IFS=: read -r cpu machine target <<<"$b"
    map="$BUILD/$machine/mqtt_client.map"
    printf '\nBiggest library input sections on %s (%s), top %s:\n' "$machine" "$target" "$TOP"
    attribute "$map" 'libnxd_mqtt\\.a\\(' | awk '$1 == "S" { print $3, $2, $5, $4 }' | sort -k1,1nr | awk -v n="$TOP" 'NR <= n' |
        while read -r size cls sec file; do
            sym=${sec#.text.}; sym=${sym#.rodata.}; sym=${sym#.data.}; sym=${sym#.bss.}
            obj=${file##*(}; obj=${obj%)}
            case "$obj" in compiler_builtins*) obj=compiler_builtins ;; *) obj=nxd_mqtt ;; esac
            printf '%7d %-6s %-17s %s\n' "$size" "$cls" "$obj" "$(echo "$sym" | arm-none-eabi-c++filt)"
        done
done
