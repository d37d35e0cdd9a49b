#!/usr/bin/env python3
"""Finds import circles between the source files of each crate: file A uses file B (`use crate::b`,
`crate::b::…`, `super::b`) and B, directly or through others, uses A. A module's folder file
(`mod.rs` or `x.rs` beside `x/`) may use its own children; children using their parent through
`super::` is the normal shape of a module tree and is not counted (a parent declares children,
it does not depend on what they add). Prints every circle found and exits 1 if there is one."""
import re
import sys
from pathlib import Path


def module_path(src: Path, file: Path) -> tuple:
    rel = file.relative_to(src).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] in ("mod", "lib", "main"):
        parts = parts[:-1]
    return tuple(parts)


def resolve(mods: dict, path: tuple):
    """The longest module prefix of `path` that is a file of the crate."""
    for n in range(len(path), 0, -1):
        if path[:n] in mods:
            return path[:n]
    return None


USE = re.compile(r"\b(crate|super)((?:::[A-Za-z_][A-Za-z0-9_]*)+)")
GROUP = re.compile(r"\b(crate|super)((?:::[A-Za-z_][A-Za-z0-9_]*)*)::\{([^;]*?)\}", re.S)


def edges_of(src: Path):
    files = [p for p in src.rglob("*.rs") if "bin" not in p.relative_to(src).parts[:1]]
    mods = {module_path(src, f): f for f in files}
    edges = {m: set() for m in mods}
    for mod, file in mods.items():
        text = file.read_text(encoding="utf-8")
        # tests inside a file may use anything
        text = text.split("#[cfg(test)]")[0]
        here = mod if file.stem in ("mod", "lib", "main") else mod[:-1]
        refs = []
        for kind, rest in USE.findall(text):
            refs.append((kind, tuple(rest.strip(":").split("::"))))
        for kind, prefix, inner in GROUP.findall(text):
            base = tuple(p for p in prefix.strip(":").split("::") if p)
            for item in re.split(r",", inner):
                name = item.strip().split("::")[0].split(" ")[0].strip("{} \n")
                if name and name != "self":
                    refs.append((kind, base + (name,)))
        for kind, path in refs:
            if kind == "crate":
                target = resolve(mods, path)
            else:
                if file.stem in ("mod", "lib", "main"):
                    parent = mod[:-1]
                else:
                    parent = mod[:-1]
                target = resolve(mods, parent + path)
                if target is not None and mod[: len(target)] == target:
                    continue  # a child naming its parent
            if target is None or target == mod or target == ():
                continue
            if mod[: len(target)] == target:
                continue  # a child using its ancestor's items
            edges[mod].add(target)
    return edges


def cycles(edges: dict):
    found = []
    index, low, stack, on = {}, {}, [], set()
    counter = [0]

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                strong(w)
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
                found.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in edges:
        if v not in index:
            strong(v)
    return found


def main(roots):
    bad = 0
    for root in roots:
        src = Path(root) / "src"
        if not src.is_dir():
            continue
        for comp in cycles(edges_of(src)):
            bad += 1
            names = ", ".join("/".join(m) or "lib" for m in comp)
            print(f"{root}: import circle between {names}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
