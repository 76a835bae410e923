"""One place where files are kept: exports now; media and documents as they move over.

The embedded default is a folder (``STORAGE_ROOT``, instance/storage). Keys are relative
paths such as ``exports/12/dongkou-ledger.csv``; nothing outside the folder can be named.
Private files are only ever streamed through a view after its permission check.
"""
import shutil
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from werkzeug.security import safe_join


class StorageError(Exception):
    pass


class LocalStorage:
    def __init__(self, root: str):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        joined = safe_join(str(self.root), key)
        if joined is None:
            raise StorageError(f"not a storage key: {key!r}")
        return Path(joined)

    def put(self, key: str, source: BinaryIO) -> None:
        """Store ``source`` under ``key``, replacing what was there; a reader never sees half a file."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        with open(partial, "wb") as target:
            shutil.copyfileobj(source, target, 1024 * 1024)
        partial.replace(path)

    def open(self, key: str) -> BinaryIO:
        try:
            return open(self._path(key), "rb")
        except FileNotFoundError as error:
            raise StorageError(f"no file {key!r}") from error

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


def storage() -> LocalStorage:
    return LocalStorage(current_app.config["STORAGE_ROOT"])
