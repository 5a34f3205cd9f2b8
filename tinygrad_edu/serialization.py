"""Checkpoints: ``save``/``load`` nested state dicts as ``.npz`` files, never with pickle.

A checkpoint is a zip of ``.npy`` arrays (NumPy's ``.npz``): one per array in the state
dict, named by its key path (``model/fc1.weight``), plus ``__structure__``, a JSON text
that rebuilds the nesting and the plain Python values (numbers, strings, bools, None).
Loading uses ``allow_pickle=False``, so a file cannot run code. Saving writes a
temporary file next to ``path`` and renames it into place once it is complete.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import zipfile
from typing import Any

import numpy as np

from .tensor import Tensor

_STRUCTURE = "__structure__"
_FORMAT = "tinygrad_edu.checkpoint"
_VERSION = 1


def save(state_dict: Any, path: str | os.PathLike) -> None:
    """Save a state dict to ``path`` (exactly that name; no suffix is added).

    Args:
        state_dict: nested dicts/lists/tuples of NumPy arrays, Tensors, NumPy scalars, and
            Python ints, floats, bools, strings and None; e.g.
            ``{'model': model.state_dict(), 'optimizer': opt.state_dict(), 'epoch': 3}``.
            Dict keys must be strings or ints.
        path: the file to write; missing parent folders are created. The data goes to
            a temporary file in the same folder, is flushed to disk, and then atomically
            replaces ``path``: an interrupted save leaves the old file (if any) untouched
            and no partial file at ``path``.

    Raises:
        TypeError: ``state_dict`` holds something else (a value that would need pickle).

    Example:
        >>> tg.save({'model': model.state_dict(), 'optimizer': opt.state_dict()}, "ckpt.npz")
    """
    path = os.fspath(path)
    arrays: dict[str, np.ndarray] = {}
    tree = _encode(state_dict, [], arrays)
    structure = json.dumps({"format": _FORMAT, "version": _VERSION, "root": tree})
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    tmp = os.path.join(folder, f".{os.path.basename(path)}.{secrets.token_hex(6)}.tmp")
    # O_EXCL: never clobber another file; mode 0o666 lets the umask decide, as open() does.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            with zipfile.ZipFile(f, "w", zipfile.ZIP_STORED, allowZip64=True) as zf:
                _write_npy(zf, _STRUCTURE, np.array(structure))
                for name, array in arrays.items():
                    _write_npy(zf, name, array)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.remove(tmp)
        except OSError:
            pass
        raise
    _fsync_folder(folder)


def load(path: str | os.PathLike) -> Any:
    """Load what ``save`` wrote, with the same nesting, dtypes and Python types.

    Arrays come back as NumPy arrays, Tensors as Tensors, tuples as tuples, and ints,
    floats, bools, strings and None as themselves.

    Args:
        path: a file written by ``tg.save``.

    Returns:
        The saved object.

    Raises:
        FileNotFoundError: no file at ``path``.
        ValueError: the file is truncated, corrupted, not a tinygrad_edu checkpoint, or
            holds pickled objects (refused, never unpickled).
    """
    path = os.fspath(path)
    with open(path, "rb") as f:
        try:
            return _read(f)
        except ValueError as e:
            if "pickle" in str(e):
                raise ValueError(f"{path} holds pickled Python objects; tg.load refuses "
                                 "them (loading pickle can run arbitrary code)") from e
            raise ValueError(f"{path} is not a valid tinygrad_edu checkpoint "
                             f"(truncated or corrupted?): {e}") from e
        except Exception as e:  # zip, zlib, npy header and JSON errors of a damaged file
            raise ValueError(f"{path} is not a valid tinygrad_edu checkpoint "
                             f"(truncated or corrupted?): {type(e).__name__}: {e}") from e


# --- writing ---

def _write_npy(zf: zipfile.ZipFile, name: str, array: np.ndarray) -> None:
    with zf.open(name + ".npy", "w", force_zip64=True) as member:
        np.lib.format.write_array(member, array, allow_pickle=False)


def _encode(obj: Any, keys: list, arrays: dict[str, np.ndarray]) -> Any:
    """The JSON description of ``obj``; its arrays go into ``arrays`` by name."""
    if isinstance(obj, np.generic):        # before float: np.float64 is a float subclass
        return {"scalar": _add_array(np.asarray(obj), keys, arrays)}
    if obj is None or isinstance(obj, (bool, int, str)):
        return obj
    if isinstance(obj, float):
        return obj if np.isfinite(obj) else {"float": repr(obj)}
    if isinstance(obj, dict):
        items = []
        for k, v in obj.items():
            if isinstance(k, np.integer):
                k = int(k)
            if isinstance(k, bool) or not isinstance(k, (str, int)):
                raise TypeError(f"tg.save: dict keys must be str or int, got {k!r} "
                                f"at {_where(keys)}")
            items.append([k, _encode(v, keys + [k], arrays)])
        return {"dict": items}
    if isinstance(obj, (list, tuple)):
        kind = "list" if isinstance(obj, list) else "tuple"
        return {kind: [_encode(v, keys + [i], arrays) for i, v in enumerate(obj)]}
    if isinstance(obj, Tensor):
        return {"tensor": _add_array(obj.data, keys, arrays),
                "requires_grad": obj.requires_grad}
    if isinstance(obj, np.ndarray):
        return {"array": _add_array(obj, keys, arrays)}
    where = f"at {_where(keys)}" if keys else "the top-level object passed to tg.save"
    if callable(getattr(obj, "state_dict", None)):   # a Module or an optimizer
        hint = ("save model.state_dict() instead" if not keys
                else "store its .state_dict() there instead")
        raise TypeError(f"tg.save cannot store a {type(obj).__name__} ({where}); {hint}")
    raise TypeError(f"tg.save cannot store a {type(obj).__name__} ({where}); "
                    "use arrays, Tensors, numbers, strings, bools, None, dicts, lists, tuples")


def _add_array(array: np.ndarray, keys: list, arrays: dict[str, np.ndarray]) -> str:
    if array.dtype.hasobject:
        raise TypeError(f"tg.save cannot store an array of dtype {array.dtype} (at "
                        f"{_where(keys)}): it would need pickle")
    parts = [re.sub(r"[^A-Za-z0-9_.\-]", "_", str(k)) or "_" for k in keys]
    base = "/".join(parts) or "array"
    name, n = base, 1
    while name in arrays or name == _STRUCTURE:
        name, n = f"{base}~{n}", n + 1
    arrays[name] = array
    return name


def _where(keys: list) -> str:
    return "state_dict" + "".join(f"[{k!r}]" for k in keys)


def _fsync_folder(folder: str) -> None:
    """Make the rename itself durable (POSIX); harmless where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# --- reading ---

def _read(f: Any) -> Any:
    npz = np.load(f, allow_pickle=False)
    if not isinstance(npz, np.lib.npyio.NpzFile):
        raise ValueError("a single NumPy array, not a checkpoint written by tg.save")
    with npz:
        if _STRUCTURE not in npz.files:
            raise ValueError(f"no {_STRUCTURE} entry (not written by tg.save)")
        structure = json.loads(npz[_STRUCTURE].item())
        if not isinstance(structure, dict) or structure.get("format") != _FORMAT:
            raise ValueError(f"{_STRUCTURE} does not describe a tinygrad_edu checkpoint")
        if structure.get("version") != _VERSION:
            raise ValueError(f"unsupported checkpoint version {structure.get('version')!r}")
        names = set(npz.files)

        def array(name: str) -> np.ndarray:
            if name not in names:
                raise ValueError(f"array {name!r} is missing")
            return npz[name]

        return _decode(structure["root"], array)


def _decode(node: Any, array: Any) -> Any:
    if node is None or isinstance(node, (bool, int, float, str)):
        return node
    if not isinstance(node, dict) or len(node) not in (1, 2):
        raise ValueError(f"unexpected entry in the structure: {node!r:.80}")
    if "dict" in node:
        return {k: _decode(v, array) for k, v in node["dict"]}
    if "list" in node:
        return [_decode(v, array) for v in node["list"]]
    if "tuple" in node:
        return tuple(_decode(v, array) for v in node["tuple"])
    if "array" in node:
        return array(node["array"])
    if "tensor" in node:
        data = array(node["tensor"])
        return Tensor._wrap(data, bool(node.get("requires_grad")) and data.dtype.kind == "f")
    if "scalar" in node:
        return array(node["scalar"])[()]
    if "float" in node:
        return float(node["float"])
    raise ValueError(f"unexpected entry in the structure: {node!r:.80}")
