#!/usr/bin/env python3
"""Link the NetX port's libnxd_mqtt.a into a Cortex-M4F firmware image and check the link.

Usage:
  netx_firmware.py --out DIR [--cargo-target-dir DIR] [--check] [--raw-archive]
                   [--then COMMAND ARGS...]
  (--raw-archive: link cargo's archive without the library build's localize step;
   --then: after a successful build and link, run COMMAND, e.g. scripts/stack_usage.py)

Steps (Python 3 standard library only; the GNU Arm toolchain, newlib and the Rust target
thumbv7em-none-eabihf must be installed: scripts/install_deps.sh; a missing one is an error):

 1. `cargo rustc --release --lib --crate-type staticlib --no-default-features --features netx
    --target thumbv7em-none-eabihf` against the ThreadX / NetX stand-in headers
    (c_tests/netx_standin/include), header written to DIR/include/nxd_mqtt_client.h.
 2. From the archive's symbol tables: the exported API (defined global functions
    nxd_mqtt_* / _nxd_mqtt_* / _nxde_mqtt_*, without the glue's internal nxd_mqtt_netx_*) and
    the ThreadX / NetX services it needs (undefined _tx_* / _txe_* / _nx_* / _nxe_* / _nxde_*).
    The symbol tables are read with readelf, not nm: the Rust objects carry embedded LLVM
    bitcode (.llvmbc) and binutils' nm hands them to an LLVM bfd plugin when one is installed
    (Debian's llvm-14-linker-tools puts LLVMgold in /usr/lib/bfd-plugins), which fails on a
    newer LLVM's bitcode and makes nm report "no symbols" for those members.
 3. Generates DIR/fw_os_stubs.c (one definition per needed ThreadX / NetX service: the
    application's side, link-only) and DIR/fw_keep.c (a table referencing every exported
    symbol), compiles them with c_tests/netx/firmware/fw_main.c and fw_startup.c
    (-Wall -Wextra -Werror) and links with arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb
    -mfloat-abi=hard -mfpu=fpv4-sp-d16 --specs=nano.specs -nostartfiles -Wl,--gc-sections,
    objects first, then libnxd_mqtt.a, then the driver's own -lc (the usual order).
    Writes DIR/fw.elf, DIR/fw.map, DIR/fw_api_symbols.txt, DIR/fw_os_symbols.txt.

With --check (the CTest netx_firmware_link_m4) it fails when:
  * the link fails or reports any undefined symbol (e.g. rust_eh_personality): only the
    generated ThreadX / NetX stubs may complete the archive;
  * the image contains unwinding machinery (_Unwind_*, __aeabi_unwind_cpp_pr*,
    rust_eh_personality, ...): libgcc would satisfy those references silently;
  * an exported API symbol is missing from the image;
  * memcpy / memmove / memset in the image do not come from newlib (libc*.a) although
    libnxd_mqtt.a comes before -lc;
and prints the image's sizes and the part attributable to libnxd_mqtt.a (from the map).
"""

import argparse
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FW_SRC = os.path.join(ROOT, "c_tests", "netx", "firmware")
STANDIN_INCLUDE = os.path.join(ROOT, "c_tests", "netx_standin", "include")
TARGET = "thumbv7em-none-eabihf"
CPU_FLAGS = ["-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16"]
C_FLAGS = CPU_FLAGS + ["-Os", "-std=gnu11", "-Wall", "-Wextra", "-Werror",
                       "-ffunction-sections", "-fdata-sections"]
# Configuration of this "application" (as in c_tests/netx/CMakeLists.txt).
USER_DEFINES = ["NX_ENABLE_EXTENDED_NOTIFY_SUPPORT"]
API_RE = re.compile(r"^(nxd_mqtt_|_nxd_mqtt_|_nxde_mqtt_)")
INTERNAL_RE = re.compile(r"^nxd_mqtt_netx_")  # the port's C glue, called by the library only
OS_RE = re.compile(r"^_(tx|txe|nx|nxe|nxde)_")
MEM_FUNCS = ("memcpy", "memmove", "memset")
MEM_INFO = ("memcmp", "bcmp", "strlen", "__aeabi_memcpy", "__aeabi_memcpy4", "__aeabi_memmove",
            "__aeabi_memmove4", "__aeabi_memset", "__aeabi_memclr", "__aeabi_memclr4")
LIB_NAME = "libnxd_mqtt.a"
UNWIND_RE = re.compile(r"^(_Unwind_|__aeabi_unwind_cpp_pr|__gnu_unwind|__gnu_Unwind|"
                       r"rust_eh_personality|__gcc_personality|__gxx_personality)")
LIBC_SYMBOLS = os.path.join(ROOT, "cmake", "nxd_mqtt_libc_symbols.txt")
# compiler_builtins' own implementations (mangled names), reached through its weak wrappers.
CB_MEM_RE = re.compile(r"compiler_builtins.*mem\d+(memcpy|memmove|memset|memcmp|bcmp)")


class Failure(Exception):
    pass


def log(msg=""):
    print(msg, flush=True)


def run(cmd, env=None, cwd=None, check=True):
    proc = subprocess.run(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True)
    if check and proc.returncode != 0:
        sys.stdout.write(proc.stdout)
        sys.stderr.write(proc.stderr)
        raise Failure("command failed (%d): %s" % (proc.returncode, " ".join(cmd)))
    return proc


def tool(name):
    path = shutil.which(name)
    if not path:
        raise Failure("%s not found (install it: scripts/install_deps.sh)" % name)
    return path


def check_tools():
    tools = {n: tool("arm-none-eabi-" + n) for n in ("gcc", "readelf", "objdump", "size",
                                                     "objcopy")}
    tools["cargo"] = shutil.which("cargo") or os.path.expanduser("~/.cargo/bin/cargo")
    if not os.path.exists(tools["cargo"]):
        raise Failure("cargo not found")
    # newlib (nano): the driver prints the bare name when it does not find the file.
    for lib in ("libc_nano.a", "libc.a"):
        p = run([tools["gcc"]] + CPU_FLAGS + ["-print-file-name=" + lib]).stdout.strip()
        if not os.path.isabs(p):
            raise Failure("newlib's %s not found for %s (Debian: libnewlib-arm-none-eabi)"
                          % (lib, " ".join(CPU_FLAGS)))
    rustc = shutil.which("rustc") or os.path.expanduser("~/.cargo/bin/rustc")
    sysroot = run([rustc, "--print", "sysroot"]).stdout.strip()
    if not os.path.isdir(os.path.join(sysroot, "lib", "rustlib", TARGET, "lib")):
        raise Failure("Rust target %s not installed (rustup target add %s)" % (TARGET, TARGET))
    return tools


def build_archive(tools, out, cargo_target_dir):
    include_dir = os.path.join(out, "include")
    os.makedirs(include_dir, exist_ok=True)
    env = dict(os.environ)
    for k in ("NXD_MQTT_NETX_RX", "NXD_MQTT_NETX_QUEUE", "NXD_MQTT_NETX_STORE",
              "NXD_MQTT_NETX_TX", "NXD_MQTT_NETX_INFLIGHT", "NXD_MQTT_NETX_IO",
              "NXD_MQTT_NETX_CLIENT_STATE_SIZE", "NXD_MQTT_NETX_CFLAGS"):
        env.pop(k, None)
    env.update({
        "CARGO_TARGET_DIR": cargo_target_dir,
        "NXD_MQTT_THREADX_INCLUDE": STANDIN_INCLUDE,
        "NXD_MQTT_NETX_INCLUDE": STANDIN_INCLUDE,
        "NXD_MQTT_USER_DEFINES": " ".join(USER_DEFINES),
        "NXD_MQTT_HEADER_OUT": os.path.join(include_dir, "nxd_mqtt_client.h"),
    })
    env.setdefault("CARGO_BUILD_JOBS", "2")
    cmd = [tools["cargo"], "rustc", "--manifest-path", os.path.join(ROOT, "Cargo.toml"),
           "--release", "--lib", "--crate-type", "staticlib", "--no-default-features",
           "--features", "netx", "--target", TARGET]
    log("+ " + " ".join(cmd))
    proc = subprocess.run(cmd, env=env, cwd=ROOT)
    if proc.returncode != 0:
        raise Failure("cargo build of the %s archive failed" % TARGET)
    return os.path.join(cargo_target_dir, TARGET, "release", LIB_NAME), include_dir


def localize_libc_symbols(tools, archive, out):
    """The library build's firmware step (cmake/NxdMqttCargo.cmake): a copy of the archive with
    compiler_builtins' weak C library functions made local (cmake/nxd_mqtt_libc_symbols.txt)."""
    dst = os.path.join(out, LIB_NAME)
    run([tools["objcopy"], "--localize-symbols=" + LIBC_SYMBOLS, archive, dst])
    return dst


def archive_symbols(tools, archive):
    """{member: (defined {name: (bind, type)}, undefined set)} from readelf -sW."""
    text = run([tools["readelf"], "-sW", archive]).stdout
    members = {}
    cur = None
    for line in text.splitlines():
        m = re.match(r"^File: .*\((.*)\)$", line)
        if m:
            cur = members.setdefault(m.group(1), ({}, set()))
            continue
        f = line.split()
        if cur is None or len(f) < 8 or not f[0].endswith(":") or not f[0][:-1].isdigit():
            continue
        typ, bind, ndx, name = f[3], f[4], f[6], f[7]
        if bind not in ("GLOBAL", "WEAK"):
            continue
        if ndx == "UND":
            cur[1].add(name)
        else:
            cur[0][name] = (bind, typ)
    return members


def classify(members):
    defined = set()
    for d, _ in members.values():
        defined.update(d)
    api, os_needed = set(), set()
    for member, (d, u) in members.items():
        if member.startswith("compiler_builtins-"):
            continue
        for name, (bind, typ) in d.items():
            if typ == "FUNC" and API_RE.match(name) and not INTERNAL_RE.match(name):
                api.add(name)
        for name in u:
            if OS_RE.match(name) and name not in defined:
                os_needed.add(name)
    return sorted(api), sorted(os_needed)


def write_generated(out, api, os_needed):
    with open(os.path.join(out, "fw_os_stubs.c"), "w") as f:
        f.write("/* Generated by scripts/netx_firmware.py: the ThreadX / NetX services that\n"
                " * libnxd_mqtt.a needs (its undefined _tx_, _txe_, _nx_, _nxe_, _nxde_ symbols),\n"
                " * link-only stand-ins for the application's ThreadX / NetX Duo. */\n")
        f.write("unsigned fw_os_calls;\n")
        for name in os_needed:
            f.write("unsigned %s(void);\nunsigned %s(void)\n{\n    return fw_os_calls++;\n}\n"
                    % (name, name))
    with open(os.path.join(out, "fw_keep.c"), "w") as f:
        f.write("/* Generated by scripts/netx_firmware.py: every exported API symbol of\n"
                " * libnxd_mqtt.a, referenced so that --gc-sections keeps it. */\n")
        f.write("typedef void (*fw_keep_fn)(void);\n")
        for name in api:
            f.write("void %s(void);\n" % name)
        f.write("extern const fw_keep_fn fw_keep_table[];\n")
        f.write("const fw_keep_fn fw_keep_table[] = {\n")
        for name in api:
            f.write("    %s,\n" % name)
        f.write("};\nextern const unsigned fw_keep_count;\n")
        f.write("const unsigned fw_keep_count = sizeof(fw_keep_table) / sizeof(fw_keep_table[0]);\n")
    for fn, names in (("fw_api_symbols.txt", api), ("fw_os_symbols.txt", os_needed)):
        with open(os.path.join(out, fn), "w") as f:
            f.write("".join(n + "\n" for n in names))


def compile_and_link(tools, out, archive, include_dir, extra_objects=()):
    objs = []
    incs = ["-I" + include_dir, "-I" + STANDIN_INCLUDE] + ["-D" + d for d in USER_DEFINES]
    sources = [os.path.join(FW_SRC, "fw_startup.c"), os.path.join(FW_SRC, "fw_main.c"),
               os.path.join(out, "fw_keep.c"), os.path.join(out, "fw_os_stubs.c")]
    for src in sources + list(extra_objects):
        obj = os.path.join(out, os.path.splitext(os.path.basename(src))[0] + ".o")
        run([tools["gcc"]] + C_FLAGS + incs + ["-c", src, "-o", obj])
        objs.append(obj)
    elf = os.path.join(out, "fw.elf")
    mapf = os.path.join(out, "fw.map")
    for p in (elf, mapf):
        if os.path.exists(p):
            os.unlink(p)
    # Usual order: the application's objects, the library, then the driver's -lc (nano.specs).
    cmd = ([tools["gcc"]] + CPU_FLAGS +
           ["--specs=nano.specs", "-nostartfiles", "-T", os.path.join(FW_SRC, "fw.ld"),
            "-Wl,--gc-sections", "-Wl,-Map=" + mapf, "-o", elf] + objs + [archive])
    log("+ " + " ".join(cmd))
    proc = run(cmd, check=False)
    undefined = sorted(set(re.findall(r"undefined reference to `([^']+)'", proc.stderr)))
    return proc, undefined, elf, mapf


def elf_symbols(tools, elf):
    syms = {}
    for line in run([tools["readelf"], "-sW", elf]).stdout.splitlines():
        f = line.split()
        if len(f) >= 8 and f[0].endswith(":") and f[0][:-1].isdigit() and f[6] != "UND":
            syms.setdefault(f[7], (int(f[1], 16) & ~1, int(f[2], 0) if f[2].isdigit() else 0, f[3]))
    return syms


def parse_map(mapf):
    """Input sections of the link: [(section, address, size, file)] (after 'Linker script and
    memory map'). Long section names wrap the address onto the next line."""
    entries = []
    started = False
    pending = None
    with open(mapf) as f:
        for line in f:
            if not started:
                started = line.startswith("Linker script and memory map")
                continue
            line = line.rstrip("\n")
            m = re.match(r"^ (\.\S+|COMMON)\s*$", line)
            if m:
                pending = m.group(1)
                continue
            m = re.match(r"^ (\.\S+|COMMON)?\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$", line)
            if m and (m.group(1) or pending):
                sec = m.group(1) or pending
                entries.append((sec, int(m.group(2), 16), int(m.group(3), 16), m.group(4).strip()))
            pending = None
    return entries


def owner(entries, addr):
    for sec, a, size, fil in entries:
        if size and a <= addr < a + size:
            return sec, fil
    return None, None


def sizes_by_kind(entries, pred):
    kinds = {"text": 0, "rodata": 0, "data": 0, "bss": 0, "other": 0}
    for sec, a, size, fil in entries:
        if not pred(fil):
            continue
        if sec.startswith(".text"):
            kinds["text"] += size
        elif sec.startswith(".rodata"):
            kinds["rodata"] += size
        elif sec.startswith(".data"):
            kinds["data"] += size
        elif sec.startswith(".bss") or sec == "COMMON":
            kinds["bss"] += size
        elif sec.startswith(".ARM.ex"):
            kinds["other"] += size
    return kinds


def check(tools, out, archive, include_dir, api, os_needed):
    proc, undefined, elf, mapf = compile_and_link(tools, out, archive, include_dir)
    errors = []
    if undefined:
        errors.append("the link reports undefined symbols (none may be left once the "
                      "application provides ThreadX / NetX): " + ", ".join(undefined))
    if proc.returncode != 0 or not os.path.exists(elf):
        sys.stderr.write(proc.stderr)
        errors.append("the firmware link failed")
        raise Failure("; ".join(errors))
    if proc.stderr.strip():
        log("linker messages:\n" + proc.stderr.rstrip())
    syms = elf_symbols(tools, elf)
    missing = [n for n in api if n not in syms]
    if missing:
        errors.append("exported API symbols missing from the image: " + ", ".join(missing))
    # libgcc satisfies _Unwind_* and __aeabi_unwind_cpp_pr* silently: look for them in the image.
    unwinder = sorted(n for n in syms if UNWIND_RE.match(n))
    if unwinder:
        errors.append("unwinding machinery linked (the library must not need it): "
                      + ", ".join("%s (%s)" % (n, owner(parse_map(mapf), syms[n][0])[1])
                                  for n in unwinder))
    log("exported API functions kept in the image: %d; ThreadX / NetX services stubbed: %d"
        % (len(api) - len(missing), len(os_needed)))
    log("  services: " + " ".join(os_needed))

    entries = parse_map(mapf)
    log("\nC library functions in the image (archive linked before -lc):")
    for name in MEM_FUNCS + MEM_INFO:
        if name not in syms:
            log("  %-18s (not in the image)" % name)
            continue
        sec, fil = owner(entries, syms[name][0])
        log("  %-18s %5d bytes  from %s" % (name, syms[name][1], fil))
        if fil is None:
            errors.append("%s: its input section is not in the map" % name)
        elif LIB_NAME in fil:
            errors.append(
                "%s comes from %s, not newlib: the archive is linked before -lc and its weak "
                "compiler_builtins copy met the undefined %s first, so newlib's member was never "
                "pulled (the library build must localize these symbols: "
                "cmake/nxd_mqtt_libc_symbols.txt)" % (name, fil, name))
        elif name in MEM_FUNCS and not re.search(r"libc(_nano)?\.a\(", fil):
            errors.append("%s comes from %s, not newlib's libc" % (name, fil))
    for name in sorted(n for n in syms if CB_MEM_RE.search(n)):
        sec, fil = owner(entries, syms[name][0])
        errors.append("compiler_builtins' own %s (%d bytes) is linked, from %s"
                      % (name, syms[name][1], fil))

    total = run([tools["size"], "-A", elf]).stdout
    log("\nfirmware sections (arm-none-eabi-size -A):\n" + total.rstrip())
    lib = sizes_by_kind(entries, lambda fil: LIB_NAME in fil)
    allk = sizes_by_kind(entries, lambda fil: True)
    log("\nattributable to %s (map input sections): .text %d, .rodata %d, .data %d, .bss %d"
        " (ARM.exidx etc. %d)" % (LIB_NAME, lib["text"], lib["rodata"], lib["data"], lib["bss"],
                                  lib["other"]))
    log("whole image (map input sections):         .text %d, .rodata %d, .data %d, .bss %d"
        " (ARM.exidx etc. %d)" % (allk["text"], allk["rodata"], allk["data"], allk["bss"],
                                  allk["other"]))
    if errors:
        raise Failure("\n  ".join(["netx_firmware_link_m4 FAILED:"] + errors))
    log("\nnetx_firmware_link_m4: ok")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True, help="output directory")
    ap.add_argument("--cargo-target-dir", help="CARGO_TARGET_DIR (default OUT/cargo)")
    ap.add_argument("--check", action="store_true", help="run the checks of netx_firmware_link_m4")
    ap.add_argument("--then", nargs=argparse.REMAINDER, default=None,
                    help="after a successful link, run this command (its status is ours)")
    ap.add_argument("--define", action="append", default=[], metavar="NAME[=VALUE]",
                    help="one more configuration macro of the application (library and "
                         "firmware), e.g. NXD_MQTT_CLOUD_ENABLE")
    ap.add_argument("--raw-archive", action="store_true",
                    help="link cargo's archive as is (without the library build's "
                         "--localize-symbols step)")
    args = ap.parse_args()
    USER_DEFINES.extend(args.define)
    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)
    try:
        tools = check_tools()
        archive, include_dir = build_archive(
            tools, out, os.path.abspath(args.cargo_target_dir or os.path.join(out, "cargo")))
        if not args.raw_archive:
            archive = localize_libc_symbols(tools, archive, out)
        members = archive_symbols(tools, archive)
        api, os_needed = classify(members)
        if not api:
            raise Failure("no exported API symbols found in " + archive)
        write_generated(out, api, os_needed)
        if args.check:
            check(tools, out, archive, include_dir, api, os_needed)
        else:
            proc, undefined, elf, _ = compile_and_link(tools, out, archive, include_dir)
            if proc.returncode != 0 or undefined:
                sys.stderr.write(proc.stderr)
                raise Failure("the firmware link failed" +
                              (": undefined " + ", ".join(undefined) if undefined else ""))
            log("firmware: " + elf)
        if args.then:
            log("+ " + " ".join(args.then))
            return subprocess.run(args.then).returncode
    except Failure as e:
        print("error: %s" % e, file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
