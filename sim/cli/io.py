"""Atomic output: write into a temporary file in the target folder, then rename over the target.

A run killed half-way never leaves a truncated `summary.json` that a later aggregation would trust. A write that
fails (read-only, disk full, a directory in the way) raises the OSError's own subclass naming the target file.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd


def write_atomically(path: Path | str, write: Callable[[str], object], suffix: str = ".tmp") -> Path:
    """Call `write(tmp)` on a new temporary file beside `path` (named `.<name>.<random><suffix>`), then rename it
    over `path` (mode 0644). Raises the OSError's own subclass naming `path`; the temporary file never stays."""
    path = Path(path)
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=suffix)
        os.close(fd)
        write(tmp)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; outputs are meant to be shared
        os.replace(tmp, path)
    except OSError as err:
        raise naming(err, path) from err
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)  # gone already after the rename
    return path


def write_text(path: Path, text: str) -> Path:
    return write_atomically(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8", newline="\n"))


def naming(err: OSError, path: Path | str) -> OSError:
    """The same error (same subclass: `IsADirectoryError`, `PermissionError`, ...) naming `path`, the output,
    rather than the temporary file the system was writing when it failed."""
    return OSError(err.errno, err.strerror, str(path)) if err.errno is not None else err


def cannot_write(err: OSError, path: Path | str | None = None) -> str:
    """`cannot write <file>: <reason>` for an OSError from writing outputs (read-only, disk full, a file in the
    way of a directory): the file the system names, else `path`."""
    where = err.filename if err.filename else path
    return f"cannot write {where}: {err.strerror or err}"


def write_csv(path: Path, df: pd.DataFrame) -> Path:
    return write_text(path, df.to_csv(index=False, lineterminator="\n"))


def write_json(path: Path, data: object) -> Path:
    return write_text(path, json.dumps(data, indent=2, sort_keys=True, allow_nan=False) + "\n")


def write_parquet(path: Path, df: pd.DataFrame) -> Path:
    """`df` as a parquet file (no index), written into a temporary file beside `path` and renamed over it."""
    return write_atomically(path, lambda tmp: df.to_parquet(tmp, index=False))
