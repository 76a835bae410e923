"""One place where files are kept, by area: ``media`` (product pictures, public), ``documents``
(issued contracts and delivery notes, private), ``exports`` (files written by export jobs,
private) and ``imports`` (uploaded registry files awaiting confirmation, private).

The embedded default is a folder per area (``MEDIA_ROOT``, ``DOCUMENT_ROOT``, and
``STORAGE_ROOT``/exports and /imports). With ``STORAGE_BACKEND=s3`` every area is a prefix
of one S3-compatible bucket (``S3_BUCKET`` at ``S3_ENDPOINT_URL``; keys from the usual
``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``), so any app node serves any file. Private
files never get a public URL: views stream them after their permission check.

Keys are relative paths such as ``products/xuefeng-0a1b….jpg``; nothing outside an area can
be named.
"""

import shutil
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import IO, BinaryIO

from flask import current_app
from werkzeug.security import safe_join

AREAS = ("media", "documents", "exports", "imports")


class StorageError(Exception):
    """No such file, or a key that names something outside its area."""


class LocalStorage:
    def __init__(self, root: str | Path):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        joined = safe_join(str(self.root), key)
        if joined is None or not key or "\0" in key:
            raise StorageError(f"not a storage key: {key!r}")
        return Path(joined)

    def put(self, key: str, source: IO[bytes]) -> None:
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
        except OSError as error:  # missing, a folder, or a name no file can have (too long)
            raise StorageError(f"no file {key!r}") from error

    def exists(self, key: str) -> bool:
        try:
            return self._path(key).is_file()
        except (StorageError, OSError):
            return False

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def keys(self) -> Iterator[str]:
        if not self.root.is_dir():
            return
        for path in sorted(self.root.rglob("*")):
            if path.is_file() and not path.name.endswith(".partial"):
                yield path.relative_to(self.root).as_posix()


class S3Storage:
    """One area of an S3-compatible bucket, as a key prefix."""

    def __init__(self, client, bucket: str, prefix: str):
        self.client, self.bucket, self.prefix = client, bucket, prefix

    def _key(self, key: str) -> str:
        parts = key.split("/")
        if not key or key.startswith("/") or any(p in ("", ".", "..") for p in parts) or "\\" in key or "\0" in key:
            raise StorageError(f"not a storage key: {key!r}")
        return self.prefix + key

    def put(self, key: str, source: IO[bytes]) -> None:
        self.client.upload_fileobj(source, self.bucket, self._key(key))

    def open(self, key: str) -> BinaryIO:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"]
        except self.client.exceptions.NoSuchKey as error:
            raise StorageError(f"no file {key!r}") from error

    def exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(key))
            return True
        except StorageError:
            return False
        except self.client.exceptions.ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))

    def keys(self) -> Iterator[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.prefix)
        for page in pages:
            for item in page.get("Contents", []):
                yield item["Key"][len(self.prefix) :]


@lru_cache(maxsize=8)
def _s3_client(endpoint: str | None, region: str):
    import boto3  # only the nodes that use a bucket pay for loading it

    return boto3.client("s3", endpoint_url=endpoint or None, region_name=region)


def local_root(config, area: str) -> Path:
    if area == "media":
        return Path(config["MEDIA_ROOT"])
    if area == "documents":
        return Path(config["DOCUMENT_ROOT"])
    return Path(config["STORAGE_ROOT"]) / area


def storage_for(config, area: str) -> LocalStorage | S3Storage:
    if area not in AREAS:
        raise StorageError(f"no storage area {area!r}")
    if config.get("STORAGE_BACKEND") == "s3":
        return S3Storage(
            _s3_client(config.get("S3_ENDPOINT_URL"), config["S3_REGION"]), config["S3_BUCKET"], f"{area}/"
        )
    return LocalStorage(local_root(config, area))


def storage(area: str) -> LocalStorage | S3Storage:
    """The configured storage of one area, for the current app."""
    return storage_for(current_app.config, area)


def send_stored(area: str, key: str, mimetype: str, download_name: str | None = None, max_age: int = 0):
    """A stored file as the answer to a request (the view has checked who may have it); 404
    when it is not there. Private areas are never cached by a browser or proxy."""
    from flask import abort, send_file

    try:
        stream = storage(area).open(key)
    except StorageError:
        abort(404)
    return send_file(
        stream,
        mimetype=mimetype,
        download_name=download_name or key.rsplit("/", 1)[-1],
        as_attachment=download_name is not None,
        max_age=max_age,
        conditional=False,
        etag=False,
    )
