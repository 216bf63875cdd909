#!/usr/bin/env python3
"""Lists the longest function bodies in C++ sources (a rough reader, not a parser).

    scripts/long-functions.py [--min N] [PATH...]   (default: src, 60 lines)

A function is a brace block opened at namespace or class level after a line that looks like a
signature (it has parentheses and is not a class, struct, enum, namespace or initializer).
Lambdas and nested blocks count toward the function that holds them. Comments and string
literals are skipped. Prints "lines  file:line  signature", longest first."""
import argparse
import pathlib
import re

SIGNATURE = re.compile(r"\)\s*(const)?\s*(noexcept)?\s*(override)?\s*(->\s*[^{]+)?\s*(:[^{]*)?$")
NOT_FUNCTION = re.compile(r"^\s*(namespace|class|struct|enum|union|extern)\b|=\s*$|\b(if|for|while|switch|catch)\s*\(")


def strip_code(text):
    """The text with comments and string/char literals blanked (line breaks kept)."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("\n" * text.count("\n", i, j))
            i = j
        elif text.startswith('R"', i):
            m = re.match(r'R"([^(]*)\(', text[i:])
            end = text.find(")" + m.group(1) + '"', i) if m else -1
            j = n if end < 0 else end + len(m.group(1)) + 2
            out.append('""' + "\n" * text.count("\n", i, j))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(c + c)
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def functions(path):
    lines = strip_code(path.read_text(encoding="utf-8", errors="replace")).split("\n")
    depth, scopes, found, pending = 0, [], [], ""
    for number, line in enumerate(lines, 1):
        for k, c in enumerate(line):
            if c == "{":
                head = (pending + " " + line[:k]).strip()
                in_function = any(kind == "function" for kind, _, _ in scopes)
                is_function = not in_function and SIGNATURE.search(head) and not NOT_FUNCTION.search(head)
                scopes.append(("function" if is_function else "block", number, head))
                depth += 1
                pending = ""
            elif c == "}":
                if scopes:
                    kind, start, head = scopes.pop()
                    if kind == "function":
                        found.append((number - start + 1, start, head))
                depth -= 1
                pending = ""
            elif c == ";":
                pending = ""
        if "{" not in line and "}" not in line:
            pending = (pending + " " + line).strip()[-400:]
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min", type=int, default=60)
    parser.add_argument("paths", nargs="*", default=["src"])
    args = parser.parse_args()
    rows = []
    for root in args.paths:
        for path in sorted(pathlib.Path(root).rglob("*.cpp")):
            for length, line, head in functions(path):
                if length >= args.min:
                    name = re.sub(r"\s+", " ", head)[-110:]
                    rows.append((length, f"{path}:{line}", name))
    for length, where, name in sorted(rows, reverse=True):
        print(f"{length:5d}  {where}  {name}")


if __name__ == "__main__":
    main()
