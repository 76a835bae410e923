"""An S3-compatible endpoint on 127.0.0.1: moto in server mode, one bucket per test."""

import uuid

import boto3
import pytest
from moto.server import ThreadedMotoServer

from tests.conftest import _free_port


@pytest.fixture(scope="session")
def s3_endpoint():
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture()
def bucket_settings(s3_endpoint, test_settings, monkeypatch):
    """Settings of an app whose files live in a fresh bucket."""
    for name, value in (
        ("AWS_ACCESS_KEY_ID", "test"),
        ("AWS_SECRET_ACCESS_KEY", "test"),
        ("AWS_DEFAULT_REGION", "us-east-1"),
    ):
        monkeypatch.setenv(name, value)
    name = f"dongkou-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1").create_bucket(Bucket=name)
    return {**test_settings, "STORAGE_BACKEND": "s3", "S3_ENDPOINT_URL": s3_endpoint, "S3_BUCKET": name}


def bucket_keys(settings) -> list[str]:
    client = boto3.client("s3", endpoint_url=settings["S3_ENDPOINT_URL"], region_name="us-east-1")
    return sorted(o["Key"] for o in client.list_objects_v2(Bucket=settings["S3_BUCKET"]).get("Contents", []))


def empty_bucket(settings) -> None:
    client = boto3.client("s3", endpoint_url=settings["S3_ENDPOINT_URL"], region_name="us-east-1")
    for key in bucket_keys(settings):
        client.delete_object(Bucket=settings["S3_BUCKET"], Key=key)
