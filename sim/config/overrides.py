"""Override text as typed on the command line (`key=value,key=value`), split without Hydra's parser: for the
experiment block's `baseline` (validated with the config) and the report's `--baseline`."""

from __future__ import annotations


def split_top_level(text: str, sep: str = ",") -> list[str]:
    """`text` split at `sep` outside brackets, braces, parentheses and quotes: `a=[1,2],b='x,y'` → 2 parts."""
    parts, depth, quote, start = [], 0, "", 0
    for i, char in enumerate(text):
        if quote:
            if char == quote and text[i - 1] != "\\":
                quote = ""
        elif char in "'\"":
            quote = char
        elif char in "[{(":
            depth += 1
        elif char in "]})":
            depth -= 1
        elif char == sep and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts
