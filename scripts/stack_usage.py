#!/usr/bin/env python3
"""Static worst-case stack depth of the API functions of a Thumb-2 (Cortex-M) firmware image.

Usage:
  stack_usage.py FIRMWARE.elf --api FILE [--zero FILE] [--zero-regex RE]
                 [--thread-regex RE] [--limit BYTES] [--objdump PATH] [--verbose]

  --api FILE        the functions to analyse, one name a line (e.g. fw_api_symbols.txt written by
                    scripts/netx_firmware.py: every exported nxd_mqtt_* / _nxd_mqtt_* /
                    _nxde_mqtt_* symbol)
  --zero FILE       functions that count 0 bytes and are not followed (the application's side:
                    ThreadX / NetX services; fw_os_symbols.txt); --zero-regex adds a pattern
  --thread-regex RE also report the symbols matching RE (default: the MQTT thread's entry
                    `worker`, or in a cloud-helper build the module routine `process`),
                    separately; they are not held to the limit (they run on the stack the
                    application gives to nxd_mqtt_client_create or to its cloud helper)
  --limit BYTES     fail when an API function's worst path exceeds it (default: the environment's
                    NXD_MQTT_STACK_LIMIT, else 1024)

Exit status: 0 within the limit; 1 over the limit, recursion, or an analysis error.

Method (arm-none-eabi-objdump -d of the linked image):
  * Own frame of a function = the sum of every stack decrement in its body: push / stmdb sp! of
    N registers (4*N), vpush of d- or s-registers (8 or 4 each), str rX, [sp, #-N]! (N),
    sub sp, #N / sub(.w|w) sp, sp, #N (N), and sub sp, rX when rX holds a constant loaded by an
    earlier movw / movt / mov in the same function. A decrement by a register of unknown value
    (sub sp, rX; mov sp, rX other than the frame pointer r7) is reported as unknown (dynamic
    allocation) and counts as a failure.
  * Calls: bl / blx <symbol> are calls (caller's whole frame + callee's depth). A branch (b,
    b.w, bcc, cbz/cbnz) to the start of another function is a tail call: the callee's depth
    counts on top of what the caller still holds at the branch (a running level over the
    linear disassembly: decrements, pops, add sp, mov sp, r7 / sub sp, r7, #N; back to the
    whole frame after a return or unconditional branch). Machine-outlined epilogues
    (OUTLINED_FUNCTION_*) are reached that way with part of the frame still held. blx rN / bx rN other than
    bx lr are indirect calls: application callbacks (receive / disconnect / connect notify,
    release callback) counted as 0 bytes, listed in the table.
  * Worst depth(f) = max(frame(f), frame(f) + depth(callee) for each call,
    held + depth(callee) for each tail call). Recursion (a cycle in the call graph) is reported and fails.
  * The application's functions given by --zero count 0 (their real stack is ThreadX's / NetX's).

Limits of the method:
  * Summing every decrement over-estimates functions whose paths allocate differently (shrink
    wrapping with several prologues); it never under-estimates the frame of straight-line code.
  * All call edges are assumed feasible (no path sensitivity): the result is an upper bound of
    what the call graph allows, not a measured high-water mark.
  * Indirect calls other than the callbacks (function pointers inside the library, jump tables
    leaving the function) are not followed; they are listed. An interrupt's exception frame
    (32 bytes, 104 with the FPU context) comes on top of any thread's depth, as in any
    ThreadX application.
  * Exact for this image only: another optimisation level, target or compiler changes frames.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys

FUNC_RE = re.compile(r"^([0-9a-f]+) <([^>]+)>:\s*$")
INSN_RE = re.compile(r"^\s+([0-9a-f]+):\s+(\S+)\s*(.*)$")
REGLIST_RE = re.compile(r"\{([^}]*)\}")
TARGET_RE = re.compile(r"^([0-9a-f]+) <([^>+]+)(\+0x[0-9a-f]+)?>")
BRANCH_MN = re.compile(r"^(b|b\.w|b\.n|b(eq|ne|cs|hs|cc|lo|mi|pl|vs|vc|hi|ls|ge|lt|gt|le)(\.w|\.n)?|cbz|cbnz)$")


def reg_count(reglist):
    n = 0
    for part in reglist.split(","):
        part = part.strip()
        if not part:
            continue
        if "-" in part:
            a, b = part.split("-")
            n += int(re.sub(r"\D", "", b)) - int(re.sub(r"\D", "", a)) + 1
        else:
            n += 1
    return n


def imm(text):
    m = re.search(r"#(-?(?:0x[0-9a-f]+|\d+))", text)
    return int(m.group(1), 0) if m else None


class Func:
    def __init__(self, name, addr):
        self.name = name
        self.addr = addr
        self.end = addr
        self.frame = 0
        self.calls = []       # callee names (bl)
        self.tails = []       # callee names (branch to another function)
        self.indirect = []    # textual indirect calls
        self.unknown = []     # stack adjustments of unknown size


def disassemble(objdump, elf):
    out = subprocess.run([objdump, "-d", "--no-show-raw-insn", elf], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, universal_newlines=True, check=True).stdout
    funcs = {}
    order = []
    cur = None
    insns = {}
    for line in out.splitlines():
        m = FUNC_RE.match(line)
        if m:
            cur = Func(m.group(2), int(m.group(1), 16))
            funcs[cur.name] = cur
            order.append(cur)
            insns[cur.name] = []
            continue
        m = INSN_RE.match(line)
        if m and cur is not None:
            mn = m.group(2)
            if mn.startswith("."):  # .word / .short literal data
                continue
            insns[cur.name].append((int(m.group(1), 16), mn, m.group(3).split("@")[0].strip()
                                    if mn not in ("bl", "blx") and not BRANCH_MN.match(mn)
                                    else m.group(3).strip()))
    starts = {f.addr: f.name for f in order}
    order.sort(key=lambda f: f.addr)
    for i, f in enumerate(order):
        f.end = order[i + 1].addr if i + 1 < len(order) else f.addr + 0x100000
    for f in order:
        analyse(f, insns[f.name], starts)
    return funcs


def analyse(f, insns, starts):
    """Frame (sum of decrements), calls, tail calls with the stack still allocated at the
    branch (running level; after a return or an unconditional branch the level goes back to
    the frame allocated so far, as the next block is reached from the body)."""
    consts = {}
    level = 0       # bytes allocated at this point of the linear scan
    fp_level = 0    # level when r7 (frame pointer) was set up
    for addr, mn, ops in insns:
        base = mn.split(".")[0]
        low = ops.replace(" ", "")
        term = False
        m = re.match(r"^(r\d+|ip|fp|sl|lr),#", low)
        if m and base in ("movw", "mov", "movs"):
            consts[m.group(1)] = imm(ops) & 0xFFFFFFFF
            continue
        if m and base == "movt" and m.group(1) in consts:
            consts[m.group(1)] = (consts[m.group(1)] & 0xFFFF) | ((imm(ops) & 0xFFFF) << 16)
            continue
        dec = 0
        if base == "push" or (base == "stmdb" and low.startswith("sp!,")):
            dec = 4 * reg_count(REGLIST_RE.search(ops).group(1))
        elif base == "vpush":
            regs = REGLIST_RE.search(ops).group(1)
            dec = (8 if "d" in regs else 4) * reg_count(regs)
        elif base in ("str", "strd") and re.search(r"\[sp,#-\d+\]!", low):
            dec = -imm(ops.split("[")[1])
        elif base in ("sub", "subw", "subs") and (re.match(r"^sp,#", low) or
                                                 re.match(r"^sp,sp,#", low)):
            dec = imm(ops)
        elif base in ("sub", "subs") and re.match(r"^sp,(sp,)?(r\d+|ip|fp|sl|lr)$", low):
            reg = low.split(",")[-1]
            if reg in consts:
                dec = consts[reg]
            else:
                f.unknown.append("%x: %s %s" % (addr, mn, ops))
        elif base == "sub" and low.startswith("sp,r7,#"):
            level = fp_level + imm(ops)
        elif base == "mov" and low == "sp,r7":
            level = fp_level
        elif base == "mov" and re.match(r"^sp,(r\d+|ip|sl|lr)$", low):
            f.unknown.append("%x: %s %s" % (addr, mn, ops))
        elif base == "add" and low.startswith("r7,sp,#"):
            fp_level = level - imm(ops)
        elif base in ("add", "addw") and re.match(r"^sp,(sp,)?#", low):
            level -= imm(ops)
        elif base in ("pop", "vpop") or (base == "ldmia" and low.startswith("sp!,")):
            regs = REGLIST_RE.search(ops).group(1)
            level -= (8 if base == "vpop" and "d" in regs else 4) * reg_count(regs)
            term = "pc" in regs
        elif base in ("ldr", "ldrd") and re.search(r"\[sp\],#\d+$", low):
            level -= imm(ops.split("]")[1])
            term = low.startswith("pc,")
        elif mn in ("bl", "blx") and TARGET_RE.match(ops):
            f.calls.append(TARGET_RE.match(ops).group(2))
        elif mn == "blx" or (base == "bx" and low != "lr"):
            f.indirect.append("%s %s" % (mn, ops))
            term = base == "bx"
        elif base == "bx":
            term = True
        elif BRANCH_MN.match(mn):
            target_ops = ops.split(",")[-1].strip() if base in ("cbz", "cbnz") else ops
            m = TARGET_RE.match(target_ops)
            if m:
                t = int(m.group(1), 16)
                if not (f.addr <= t < f.end) and t in starts:
                    f.tails.append((starts[t], max(level, 0)))
                elif not (f.addr <= t < f.end):
                    f.unknown.append("%x: branch into the middle of %s" % (addr, m.group(2)))
            term = base in ("b",)
        elif base == "ldr" and low.startswith("pc,"):
            f.indirect.append("%s %s" % (mn, ops))
            term = True
        if dec:
            f.frame += dec
            level += dec
        if term:
            level = f.frame


class Recursion(Exception):
    pass


def depths(funcs, zero):
    memo = {}

    def depth(name, stack):
        if name in zero:
            return 0, [name]
        if name in memo:
            return memo[name]
        if name in stack:
            raise Recursion(" -> ".join(stack[stack.index(name):] + [name]))
        f = funcs.get(name)
        if f is None:
            return 0, [name + " (not in the image)"]
        stack = stack + [name]
        best, path = f.frame, [name]
        for c in f.calls:
            d, p = depth(c, stack)
            if f.frame + d > best:
                best, path = f.frame + d, [name] + p
        for c, held in f.tails:
            d, p = depth(c, stack)
            if held + d > best:
                best, path = held + d, ["%s (tail, %d held)" % (name, held) if held
                                        else name + " (tail)"] + p
        memo[name] = (best, path)
        return memo[name]

    return depth


def reachable(funcs, root, zero):
    seen, todo = set(), [root]
    while todo:
        n = todo.pop()
        if n in seen or n in zero or n not in funcs:
            continue
        seen.add(n)
        todo.extend(funcs[n].calls + [c for c, _ in funcs[n].tails])
    return seen


def demangle(names, cxxfilt):
    if not cxxfilt:
        return names
    try:
        out = subprocess.run([cxxfilt], input="\n".join(names), stdout=subprocess.PIPE,
                             universal_newlines=True, check=True).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        return names
    res = []
    for n in out:
        n = re.sub(r"::h[0-9a-f]{16}", "", n)
        n = re.sub(r"<[^<>]*>", "", re.sub(r"<[^<>]*>", "", n))
        res.append(n)
    return res


def read_list(path):
    with open(path) as f:
        return [l.strip() for l in f if l.strip() and not l.startswith("#")]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("elf")
    ap.add_argument("--api", required=True)
    ap.add_argument("--zero", action="append", default=[])
    ap.add_argument("--zero-regex", action="append", default=[])
    ap.add_argument("--thread-regex", default=r"4netx(6worker|7process)17h")
    ap.add_argument("--limit", type=int,
                    default=int(os.environ.get("NXD_MQTT_STACK_LIMIT") or 1024))
    ap.add_argument("--objdump", default=shutil.which("arm-none-eabi-objdump"))
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    if not args.objdump:
        print("error: arm-none-eabi-objdump not found (scripts/install_deps.sh)", file=sys.stderr)
        return 1
    cxxfilt = shutil.which("arm-none-eabi-c++filt")

    funcs = disassemble(args.objdump, args.elf)
    api = read_list(args.api)
    zero = set()
    for z in args.zero:
        zero.update(read_list(z))
    for rx in args.zero_regex:
        zero.update(n for n in funcs if re.search(rx, n))
    threads = sorted(n for n in funcs if re.search(args.thread_regex, n)) if args.thread_regex else []
    depth = depths(funcs, zero)
    failures = []

    def report(title, roots, limit):
        rows = []
        for name in roots:
            if name not in funcs:
                failures.append("%s: not in the image" % name)
                continue
            try:
                d, path = depth(name, [])
            except Recursion as e:
                failures.append("%s: recursion %s" % (name, e))
                continue
            reach = reachable(funcs, name, zero)
            ind = sorted({"%s: %s" % (r, i) for r in reach for i in funcs[r].indirect})
            unk = sorted({"%s: %s" % (r, u) for r in reach for u in funcs[r].unknown})
            rows.append((name, funcs[name].frame, d, path, ind, unk))
            if unk:
                failures.append("%s: stack adjustments of unknown size on its paths: %s"
                                % (name, "; ".join(unk)))
            if limit is not None and d > limit:
                failures.append("%s: worst path %d bytes > limit %d" % (name, d, limit))
        print("\n" + title)
        print("%-44s %9s %11s  %s" % ("function", "own frame", "worst depth", "worst path"))
        for name, frame, d, path, ind, unk in rows:
            shown = demangle(path, cxxfilt)
            shown = [s if len(s) <= 70 else s[:67] + "..." for s in shown]
            flag = "  OVER" if limit is not None and d > limit else ""
            print("%-44s %9d %11d  %s%s" % (name, frame, d, " > ".join(shown), flag))
        return rows

    rows = report("API functions (limit %d bytes of the calling thread's stack):" % args.limit,
                  api, args.limit)
    if threads:
        report("MQTT thread entry or cloud module routine (runs on the stack given to "
               "nxd_mqtt_client_create or to the cloud helper; not held to the limit):",
               threads, None)
    callbacks = sorted({i for r in rows for i in r[4]})
    if callbacks:
        print("\nindirect calls on the API paths (application callbacks, counted as 0 bytes):")
        for c in callbacks:
            fn, _, insn = c.partition(": ")
            print("  %s: %s" % (demangle([fn], cxxfilt)[0], insn))
    if args.verbose:
        print("\nframes of all reached functions:")
        seen = set()
        for r in rows:
            seen |= reachable(funcs, r[0], zero)
        for n in sorted(seen, key=lambda n: -funcs[n].frame):
            print("  %6d  %s" % (funcs[n].frame, demangle([n], cxxfilt)[0]))
    if failures:
        print("\nFAILED:\n  " + "\n  ".join(failures))
        return 1
    print("\nstack_usage: all %d API functions within %d bytes" % (len(rows), args.limit))
    return 0


if __name__ == "__main__":
    sys.exit(main())
