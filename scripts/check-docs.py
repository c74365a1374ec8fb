#!/usr/bin/env python3
"""Keeps the manual true to the program.

1. Every shell block of README.md and docs/*.md whose info string is
   `sh emulator` is run with bash (-euo pipefail) against a fresh
   `dbsecrets emulator` on 127.0.0.1 (schemas main.orders_app and
   main.reporting declared), with the built binary first on PATH, a temporary
   HOME and working directory, and DATABRICKS_HOST/DATABRICKS_TOKEN set. A
   block that fails prints its file, line and output.
2. Every relative link of those files points at a file that exists.

Usage: python3 scripts/check-docs.py [--bin target/debug/dbsecrets]
Exits 1 on any failure.
"""

import argparse
import glob
import os
import re
import signal
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EMULATOR_ARGS = ["--uc-schema", "main.orders_app", "--uc-schema", "main.reporting"]


def blocks(path):
    """(line, code) of each ```sh emulator block."""
    out, inside, start, code = [], False, 0, []
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        fence = line.strip()
        if not inside and re.fullmatch(r"```sh\s+emulator", fence):
            inside, start, code = True, n, []
        elif inside and fence == "```":
            out.append((start, "".join(code)))
            inside = False
        elif inside:
            code.append(line)
    return out


def run_block(binary, path, line, code):
    with tempfile.TemporaryDirectory() as tmp:
        emu = subprocess.Popen(
            [binary, "emulator", "--port", "0", *EMULATOR_ARGS],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=tmp,
        )
        try:
            url = emu.stdout.readline().strip()
            if not url.startswith("http://127.0.0.1:"):
                return f"the emulator did not start (printed {url!r})"
            env = {
                "PATH": os.path.dirname(binary) + os.pathsep + os.environ.get("PATH", ""),
                "HOME": tmp,
                "DATABRICKS_HOST": url,
                "DATABRICKS_TOKEN": "doc-token",
                "LANG": "C.UTF-8",
            }
            r = subprocess.run(
                ["bash", "-euo", "pipefail", "-c", code],
                cwd=tmp, env=env, capture_output=True, text=True, timeout=120,
            )
            if r.returncode != 0:
                return f"exit {r.returncode}\n--- stdout\n{r.stdout}--- stderr\n{r.stderr}"
            return None
        finally:
            emu.send_signal(signal.SIGTERM)
            try:
                emu.wait(timeout=10)
            except subprocess.TimeoutExpired:
                emu.kill()


def check_links(path):
    problems = []
    text = open(path, encoding="utf-8").read()
    for m in re.finditer(r"\]\(([^)#\s]+)(#[^)]*)?\)", text):
        target = m.group(1)
        if re.match(r"[a-z]+://", target) or target.startswith("mailto:"):
            continue
        full = os.path.normpath(os.path.join(os.path.dirname(path), target))
        if not os.path.exists(full):
            line = text[: m.start()].count("\n") + 1
            problems.append(f"{os.path.relpath(path, ROOT)}:{line}: broken link {target}")
    for m in re.finditer(r"\]\((#[^)]+)\)", text):
        anchor = m.group(1)[1:]
        heads = {
            re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-")
            for h in re.findall(r"(?m)^#+ (.*)$", text)
        }
        if anchor not in heads:
            line = text[: m.start()].count("\n") + 1
            problems.append(f"{os.path.relpath(path, ROOT)}:{line}: broken anchor #{anchor}")
    return problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "debug", "dbsecrets"))
    args = ap.parse_args()
    binary = os.path.abspath(args.bin)
    files = [os.path.join(ROOT, "README.md")] + sorted(glob.glob(os.path.join(ROOT, "docs", "*.md")))
    failures, ran = [], 0
    for path in files:
        failures += check_links(path)
        for line, code in blocks(path):
            ran += 1
            problem = run_block(binary, path, line, code)
            if problem:
                failures.append(f"{os.path.relpath(path, ROOT)}:{line}: the block failed: {problem}")
    for f in failures:
        print(f)
    print(f"docs: {ran} shell blocks run against the emulator, {len(failures)} problems")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
