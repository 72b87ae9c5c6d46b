#!/usr/bin/env python3
"""Host instructions per machine instruction of one function, from a callgrind profile.

callgrind_annotate attributes costs to source lines, which hides where inlined code goes and
what the compiler made of it. This joins the per-instruction costs of a callgrind profile
recorded with --dump-instr=yes to the disassembly of the binary (objdump), for one function
(inlined code counted where it was inlined), per operation:

    valgrind --tool=callgrind --dump-instr=yes --callgrind-out-file=cg.out \\
        target/release/switchyard bench --in-process --runs 1 --n 100000 --case resume/d10/l10
    tools/callgrind-asm.py cg.out target/release/switchyard typed_cont::exec::step --per 100000

--functions lists the functions with the most host instructions instead (self cost, inlined
code included), per operation. The binary must be the very one that was profiled.
"""
import argparse
import collections
import re
import subprocess
import sys


def parse(path, want):
    """Self cost per instruction address of the functions whose name contains `want` (all
    functions when `want` is None: per function instead)."""
    names, cur, last, skip = {}, None, 0, False
    by_addr, by_fn = collections.Counter(), collections.Counter()
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            m = re.match(r"^c?fn=\((\d+)\)(?: (.*))?$", line)
            if m:
                if m.group(2):
                    names[m.group(1)] = m.group(2)
                if line.startswith("fn="):
                    cur = names.get(m.group(1), "")
                continue
            if line.startswith("calls="):
                skip = True  # the next line is the call's inclusive cost
                continue
            if not line or line[0] not in "0123456789+-*":
                continue
            parts = line.split()
            a = parts[0]
            if a.startswith("0x"):
                last = int(a, 16)
            elif a[0] == "+":
                last += int(a[1:])
            elif a[0] == "-":
                last -= int(a[1:])
            if skip:
                skip = False
                continue
            if len(parts) < 3:
                continue
            cost = int(parts[2])
            by_fn[cur] += cost
            if want is not None and cur and want in cur:
                by_addr[last] += cost
    return by_addr, by_fn


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("profile")
    p.add_argument("binary")
    p.add_argument("function", nargs="?")
    p.add_argument("--per", type=int, default=1, help="operations to divide by")
    p.add_argument("--min", type=float, default=0.5, help="hide instructions below this")
    p.add_argument("--functions", action="store_true")
    a = p.parse_args()
    if a.functions or not a.function:
        _, by_fn = parse(a.profile, None)
        for name, cost in by_fn.most_common(20):
            print(f"{cost / a.per:10.1f}  {name}")
        return
    by_addr, _ = parse(a.profile, a.function)
    if not by_addr:
        sys.exit(f"no function matching {a.function!r} in {a.profile}")
    print(f"{sum(by_addr.values()) / a.per:.1f} host instructions per operation in all")
    lo, hi = min(by_addr), max(by_addr)
    out = subprocess.run(
        ["objdump", "-d", "--no-show-raw-insn", "-C",
         f"--start-address={lo:#x}", f"--stop-address={hi + 16:#x}", a.binary],
        capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        m = re.match(r"^\s*([0-9a-f]+):\s*(.*)$", line)
        if m:
            cost = by_addr.get(int(m.group(1), 16), 0) / a.per
            if cost >= a.min:
                print(f"{cost:8.2f}  {m.group(1)}: {m.group(2)}")


if __name__ == "__main__":
    try:
        main()
    except BrokenPipeError:  # `| head`
        sys.stderr.close()
