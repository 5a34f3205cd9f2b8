"""Checkpoints: ``save``/``load`` nested state dicts as ``.npz`` files, never with pickle.

A checkpoint is a zip of ``.npy`` arrays (NumPy's ``.npz``): one per array in the state
dict, named by its key path (``model/fc1.weight``), plus ``__structure__``, a JSON text
that rebuilds the nesting and the plain Python values (numbers, strings, bools, None).
Loading uses ``allow_pickle=False``, so a file cannot run code. Saving writes a
temporary file next to ``path`` and renames it into place once it is complete; the
temporary files that killed saves left behind are removed by the next successful save.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import time
import zipfile
from typing import Any

import numpy as np

from . import checks
from ._tensor import Tensor
from .devices import check_device

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
            and no partial file at ``path``. A save killed part-way cannot remove its
            temporary file (``.<name>.<pid>-<random>.tmp``); the next successful save of
            the same ``path`` removes those of writers that no longer run.

    Raises:
        TypeError: ``state_dict`` holds something else (a value that would need pickle,
            a masked array or np.matrix, which would load back as a plain array, a
            container that holds itself); the arguments are swapped.
        IsADirectoryError: ``path`` is a folder.

    Example:
        >>> tg.save({'model': model.state_dict(), 'optimizer': opt.state_dict()}, "ckpt.npz")
    """
    if isinstance(state_dict, (str, os.PathLike)) and not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"tg.save(state_dict, path): the arguments are swapped, the first is "
                        f"the path {os.fspath(state_dict)!r}; call tg.save(state_dict, path)")
    path = os.fspath(path)
    if os.path.isdir(path):
        raise IsADirectoryError(f"tg.save: {path!r} is a folder; give a file name in it, e.g. "
                                f"{os.path.join(path, 'checkpoint.npz')!r}")
    arrays: dict[str, np.ndarray] = {}
    tree = _encode(state_dict, [], arrays, set())
    structure = json.dumps({"format": _FORMAT, "version": _VERSION, "root": tree})
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    target = os.path.basename(path)
    tmp = os.path.join(folder, f".{target}.{os.getpid()}-{secrets.token_hex(6)}.tmp")
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
    _remove_stale_temporaries(folder, target)


# A save killed part-way (SIGKILL, a crash, power loss) leaves its temporary file behind:
# nothing in the dying process can remove it. So each successful save of a target removes
# the temporary files of that target that dead writers left. It must never remove the
# file of a save still running in another thread or process, so each temporary name holds
# its writer's process id (.<name>.<pid>-<random>.tmp, in the target's folder): a file is
# stale when that process no longer exists. Where that cannot be told (Windows, where
# os.kill would end the process; a pid reused by an unrelated process; a folder shared
# with another machine; a name without a pid from an older version) a file is stale once
# it has not been written to for an hour: a live writer keeps writing to its file. The
# files of this process's own pid belong to its live threads, unless that old.
_STALE_AFTER_S = 3600.0


def _remove_stale_temporaries(folder: str, name: str) -> None:
    pattern = re.compile(rf"\.{re.escape(name)}\.(?:(\d+)-)?[0-9a-f]+\.tmp")
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    now = time.time()
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if match is None:
            continue
        try:
            old = now - entry.stat(follow_symlinks=False).st_mtime > _STALE_AFTER_S
            pid = match.group(1)
            dead = pid is not None and int(pid) != os.getpid() and not _process_exists(int(pid))
            if old or dead:
                os.remove(entry.path)
        except OSError:  # removed meanwhile (by its writer or another save), or not ours
            pass


def _process_exists(pid: int) -> bool:
    """Whether a process with this id runs on this machine (True where it cannot be told)."""
    if os.name != "posix":
        return True  # os.kill(pid, 0) would terminate it on Windows: rely on the age alone
    try:
        os.kill(pid, 0)  # signal 0: only checks that the process exists
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: it exists, owned by another user
        return True
    return True


def load(path: str | os.PathLike, map_location: Any = None, *,
         weights_only: Any = None) -> Any:
    """Load what ``save`` wrote, with the same nesting, dtypes and Python types.

    Arrays come back as NumPy arrays, Tensors as Tensors, tuples as tuples, and ints,
    floats, bools, strings and None as themselves.

    Args:
        path: a file written by ``tg.save``.
        map_location: PyTorch's argument: only the CPU (None, "cpu", a cpu device).
        weights_only: PyTorch's argument: accepted as True or None, since a checkpoint
            here is only ever data (never unpickled); False raises (there is no pickle
            to allow).

    Returns:
        The saved object.

    Raises:
        FileNotFoundError: no file at ``path``.
        ValueError: the file is not a tinygrad_edu checkpoint; the message says what it
            is instead: empty, a truncated or corrupted zip, a text file, an image, a
            pickle (refused, never unpickled), a PyTorch checkpoint, a single NumPy
            array, an ``np.savez`` archive...
    """
    check_device(map_location, "tg.load: map_location=")
    if weights_only is not None and checks.flag(weights_only, "tg.load: weights_only") is False:
        raise ValueError("tg.load: weights_only=False asks to unpickle arbitrary objects; "
                         "tinygrad_edu checkpoints hold only data (no pickle), so leave it out")
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"tg.load: no file at {path!r}")
    if os.path.isdir(path):
        raise IsADirectoryError(f"tg.load: {path!r} is a folder, not a checkpoint file")
    with open(path, "rb") as f:
        head = f.read(16)
        f.seek(0)
        if not head.startswith(_ZIP_MAGICS):
            raise ValueError(f"{path} is not a valid tinygrad_edu checkpoint: "
                             f"{_what_file(head, os.path.getsize(path))}")
        try:
            return _read(f)
        except ValueError as e:
            if "pickle" in str(e):
                raise ValueError(f"{path} holds pickled Python objects; tg.load refuses "
                                 "them (loading pickle can run arbitrary code)") from e
            raise ValueError(f"{path} is not a valid tinygrad_edu checkpoint: {e}") from e
        except Exception as e:  # zip, zlib, npy header and JSON errors of a damaged file
            raise ValueError(f"{path} is not a valid tinygrad_edu checkpoint: a zip archive "
                             f"that is truncated or corrupted (an interrupted save or copy?): "
                             f"{type(e).__name__}: {e}") from e


# The first bytes of the formats a learner may hand to tg.load by mistake.
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")  # a zip (a .npz), or an empty zip
_IMAGE_MAGICS = {b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image",
                 b"GIF8": "a GIF image", b"%PDF": "a PDF document"}


def _what_file(head: bytes, size: int) -> str:
    """What a file that is not a zip is, judged from its first bytes, for the message."""
    if size == 0:
        return "the file is empty (0 bytes): an interrupted copy or download?"
    if head.startswith(b"\x93NUMPY"):
        return ("a single NumPy array (.npy, written by np.save), not a checkpoint written "
                "by tg.save; read it with np.load")
    if len(head) > 1 and head[0] == 0x80 and 2 <= head[1] <= 5:  # pickle protocols 2-5
        return ("it holds pickled Python objects (pickle.dump, or an old torch.save); "
                "tg.load refuses them (loading pickle can run arbitrary code)")
    for magic, kind in _IMAGE_MAGICS.items():
        if head.startswith(magic):
            return f"{kind}, not a checkpoint"
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None and all(c.isprintable() or c in "\r\n\t" for c in text):
        return f"a text file (it starts with {text[:12]!r}), not a checkpoint"
    return f"an unknown format (it starts with the bytes {head[:8]!r}), not a zip archive"


# --- writing ---

def _write_npy(zf: zipfile.ZipFile, name: str, array: np.ndarray) -> None:
    with zf.open(name + ".npy", "w", force_zip64=True) as member:
        np.lib.format.write_array(member, array, allow_pickle=False)


def _encode(obj: Any, keys: list, arrays: dict[str, np.ndarray], open_ids: set) -> Any:
    """The JSON description of ``obj``; its arrays go into ``arrays`` by name.
    ``open_ids``: the containers being encoded around ``obj`` (one holding itself loops)."""
    if isinstance(obj, np.generic):        # before float: np.float64 is a float subclass
        return {"scalar": _add_array(np.asarray(obj), keys, arrays)}
    if obj is None or isinstance(obj, (bool, int, str)):
        return obj
    if isinstance(obj, float):
        return obj if np.isfinite(obj) else {"float": repr(obj)}
    if isinstance(obj, (dict, list, tuple)):
        if id(obj) in open_ids:
            raise TypeError(f"tg.save: the {type(obj).__name__} at {_where(keys)} contains "
                            "itself (a loop of references); a state dict is a tree")
        open_ids.add(id(obj))
        try:
            return _encode_container(obj, keys, arrays, open_ids)
        finally:
            open_ids.discard(id(obj))
    if isinstance(obj, Tensor):
        return {"tensor": _add_array(obj.data, keys, arrays),
                "requires_grad": obj.requires_grad}
    where = f"at {_where(keys)}" if keys else "the top-level object passed to tg.save"
    if isinstance(obj, (np.ma.MaskedArray, np.matrix)):
        what = ("its mask would be lost: save obj.filled(value), or the data and "
                "np.ma.getmaskarray(obj) as two arrays" if isinstance(obj, np.ma.MaskedArray)
                else "it would load back as a plain ndarray, whose * is not a matrix "
                "product: save np.asarray(obj)")
        raise TypeError(f"tg.save cannot store a {type(obj).__name__} ({where}): {what}")
    if isinstance(obj, np.ndarray):
        return {"array": _add_array(obj, keys, arrays)}
    if callable(getattr(obj, "state_dict", None)):   # a Module, an optimizer, a schedule
        owner = ("model" if callable(getattr(obj, "forward", None)) else
                 "optimizer" if hasattr(obj, "param_groups") else "scheduler")
        hint = (f"save {owner}.state_dict() instead" if not keys
                else "store its .state_dict() there instead")
        raise TypeError(f"tg.save cannot store a {type(obj).__name__} ({where}); {hint}")
    raise TypeError(f"tg.save cannot store a {type(obj).__name__} ({where}); "
                    "use arrays, Tensors, numbers, strings, bools, None, dicts, lists, tuples")


def _encode_container(obj: Any, keys: list, arrays: dict[str, np.ndarray], open_ids: set) -> Any:
    if isinstance(obj, dict):
        items = []
        for k, v in obj.items():
            if isinstance(k, np.integer):
                k = int(k)
            if isinstance(k, bool) or not isinstance(k, (str, int)):
                raise TypeError(f"tg.save: dict keys must be str or int, got {k!r} "
                                f"at {_where(keys)}")
            items.append([k, _encode(v, keys + [k], arrays, open_ids)])
        return {"dict": items}
    kind = "list" if isinstance(obj, list) else "tuple"
    return {kind: [_encode(v, keys + [i], arrays, open_ids) for i, v in enumerate(obj)]}


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
            raise ValueError(_foreign_zip(zipfile.ZipFile(f).namelist()))
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


def _foreign_zip(names: list) -> str:
    """What a zip without our structure entry holds, for the message."""
    shown = ", ".join(names[:5]) + (", ..." if len(names) > 5 else "")
    if any(name.endswith("data.pkl") for name in names):
        return ("a PyTorch checkpoint (torch.save), not written by tg.save: load it with "
                "torch.load, then give tg arrays (tensor.numpy()) to load_state_dict")
    if names and all(name.endswith(".npy") for name in names):
        return (f"a NumPy archive (np.savez) of the arrays {shown}, not written by tg.save "
                f"(it has no {_STRUCTURE} entry); read it with np.load")
    return f"a zip archive of {shown or 'no files'}, not written by tg.save"


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
