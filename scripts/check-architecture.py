#!/usr/bin/env python3
"""Checks the rules of docs/ARCHITECTURE.md that the compiler does not:

1. No module cycles inside any crate: for every directory module (the crate
   root and each `foo/` with a `mod.rs` or `foo.rs`), the graph of its child
   modules' references to one another (`crate::x`, `super::x`) has no cycle.
   Test code (`#[cfg(test)]` modules) is left out: tests may look anywhere.
2. Nothing under the CLI's `src/commands/` refers to the top level
   (`crate::run`, `crate::parse`): commands are called, they do not call back.
3. The client library depends on no command-line or terminal crate
   (`cargo tree -p dbsecrets-client` shows no clap, comfy-table, indicatif or
   rpassword) and has no print, exit or clap in its source; the emulator does
   not depend on the client library.
4. No source file over 400 lines (not counting its unit tests) unless its
   first comment says why it is one thing (a line starting `//! One thing:`).

Prints every violation and exits 1 if there is any. Run from the repository root.
"""

import os
import re
import subprocess
import sys

CRATES = {
    "dbsecrets": "src",
    "dbsecrets-client": "crates/dbsecrets-client/src",
    "dbsecrets-emulator": "crates/dbsecrets-emulator/src",
}
FORBIDDEN_CLIENT_DEPS = ["clap", "comfy-table", "indicatif", "rpassword"]
MAX_LINES = 400

problems = []


def strip_tests(text):
    """Removes `#[cfg(test)] mod … { … }` blocks by brace matching."""
    out = []
    i = 0
    pattern = re.compile(r"#\[cfg\(test\)\]\s*(pub(\(crate\))?\s+)?mod\s+\w+\s*\{")
    while True:
        m = pattern.search(text, i)
        if not m:
            out.append(text[i:])
            break
        out.append(text[i : m.start()])
        depth = 1
        j = m.end()
        while j < len(text) and depth:
            if text[j] == "{":
                depth += 1
            elif text[j] == "}":
                depth -= 1
            j += 1
        i = j
    return "".join(out)


def strip_comments(text):
    text = re.sub(r"//[^\n]*", "", text)
    return re.sub(r"/\*.*?\*/", "", text, flags=re.S)


def module_path(root, path):
    """src/commands/bulk/mod.rs -> ['commands', 'bulk']; src/lib.rs -> []."""
    rel = os.path.relpath(path, root)[:-3].split(os.sep)
    if rel[-1] in ("mod", "lib", "main"):
        rel = rel[:-1]
    return rel


def references(text, here):
    """Absolute module paths this file refers to: crate::a::b, super::x, self::x."""
    refs = []
    code = strip_comments(strip_tests(text))
    # Expand `use crate::{a, b::c}` groups one level.
    for m in re.finditer(r"\b(crate|super|self)((?:::\w+)*)::\{([^}]*)\}", code):
        base = resolve(m.group(1), m.group(2), here)
        for item in m.group(3).split(","):
            item = item.strip().split("::")[0].strip()
            if item and item not in ("self", "*"):
                refs.append(base + [item])
            elif item == "self":
                refs.append(base)
    for m in re.finditer(r"\b(crate|super|self)((?:::\w+)+)", code):
        refs.append(resolve(m.group(1), m.group(2), here))
    return refs


def resolve(anchor, rest, here):
    parts = [p for p in rest.split("::") if p]
    if anchor == "crate":
        return parts
    if anchor == "self":
        return here + parts
    base = here[:-1]
    while parts and parts[0] == "super":
        base = base[:-1]
        parts = parts[1:]
    return base + parts


def find_cycles(graph):
    """Strongly connected components of size > 1 (Tarjan)."""
    index, low, on, stack, out = {}, {}, set(), [], []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in list(graph):
        if v not in index:
            visit(v)
    return out


def reexports(mods):
    """`pub use a::{B, C}` in a module file: its path + B -> its path + a."""
    out = {}
    for mod, f in mods.items():
        code = strip_comments(strip_tests(open(f, encoding="utf-8").read()))
        for m in re.finditer(r"pub\s+use\s+(\w+)(?:::\w+)*::\{([^}]*)\}", code):
            for item in m.group(2).split(","):
                item = item.strip().split(" as ")[-1].strip()
                if item:
                    out[mod + (item,)] = mod + (m.group(1),)
        for m in re.finditer(r"pub\s+use\s+(\w+)(?:::\w+)*::(\w+)(?:\s+as\s+(\w+))?\s*;", code):
            out[mod + (m.group(3) or m.group(2),)] = mod + (m.group(1),)
    return out


def check_crate(name, root):
    files = []
    for d, _, names in os.walk(root):
        files += [os.path.join(d, n) for n in names if n.endswith(".rs")]
    mods = {tuple(module_path(root, f)): f for f in files}
    exported = reexports(mods)
    # edges[parent][child_a] = {child_b}: child_a refers to child_b, both children of parent.
    edges = {}
    for mod, f in mods.items():
        text = open(f, encoding="utf-8").read()
        lines = strip_tests(text).count("\n")
        if lines > MAX_LINES and "//! One thing:" not in text:
            problems.append(f"{f}: {lines} lines (over {MAX_LINES}) and no `//! One thing:` comment saying why")
        for ref in references(text, list(mod)):
            for k in range(len(ref), 0, -1):
                if tuple(ref[:k]) in exported:
                    ref = list(exported[tuple(ref[:k])]) + ref[k:]
                    break
            # The deepest common ancestor decides which sibling modules are linked.
            for depth in range(min(len(mod), len(ref))):
                if mod[:depth] != tuple(ref[:depth]):
                    break
                if depth < len(mod) and depth < len(ref) and mod[depth] != ref[depth]:
                    parent = mod[:depth]
                    a, b = mod[depth], ref[depth]
                    if (parent + (b,)) in mods or any(k[: depth + 1] == parent + (b,) for k in mods):
                        edges.setdefault(parent, {}).setdefault(a, set()).add(b)
                    break
            if name == "dbsecrets" and mod[:1] == ("commands",) and len(ref) == 1 and (tuple(ref) not in mods):
                problems.append(f"{f}: commands refer to the top level: crate::{ref[0]}")
    for parent, graph in edges.items():
        for cycle in find_cycles(graph):
            where = "::".join((name.replace("-", "_"),) + parent)
            problems.append(f"{name}: module cycle in {where}: {' <-> '.join(cycle)}")


def check_client():
    root = CRATES["dbsecrets-client"]
    for d, _, names in os.walk(root):
        for n in names:
            f = os.path.join(d, n)
            text = strip_comments(strip_tests(open(f, encoding="utf-8").read()))
            for pat in [r"\bprintln!", r"\beprintln!", r"\bprint!", r"\beprint!", r"std::process::exit", r"\buse clap\b", r"\bclap::"]:
                if re.search(pat, text):
                    problems.append(f"{f}: the client library must not print, exit or use clap ({pat})")
    try:
        tree = subprocess.run(
            ["cargo", "tree", "-p", "dbsecrets-client", "-e", "normal", "--prefix", "none"],
            capture_output=True, text=True, check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        problems.append(f"cannot run cargo tree: {e}")
        return
    for dep in FORBIDDEN_CLIENT_DEPS:
        if re.search(rf"^{re.escape(dep)} v", tree, re.M):
            problems.append(f"dbsecrets-client depends on {dep}")
    emulator = subprocess.run(
        ["cargo", "tree", "-p", "dbsecrets-emulator", "-e", "normal,dev", "--prefix", "none"],
        capture_output=True, text=True, check=True,
    ).stdout
    if re.search(r"^dbsecrets-client v", emulator, re.M):
        problems.append("dbsecrets-emulator depends on dbsecrets-client: it must stay an independent implementation")


for crate, root in CRATES.items():
    check_crate(crate, root)
check_client()

if problems:
    print("architecture check failed:")
    for p in problems:
        print("  " + p)
    sys.exit(1)
print("architecture check: no module cycles; commands do not call the top level; "
      "the client library has no CLI dependency and never prints; no file over 400 lines without a reason")
