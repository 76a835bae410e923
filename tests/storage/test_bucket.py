"""Files in an S3-compatible bucket: a picture uploaded on one node is served by another, issued
documents stay private, local files move into the bucket, and a backup restores a whole shop."""

import io

import pytest
from PIL import Image
from sqlalchemy import text

from app.audit.services import Actor
from app.bulk import documents as documents_service
from app.bulk.models import Document, PurchaseIntent
from app.catalog.models import Product, ProductImage
from app.extensions import db
from app.storage import LocalStorage, local_root
from tests.bulk.conftest import contract_in_delivery, signed_in, units  # noqa: F401
from tests.conftest import empty_tables
from tests.storage.conftest import bucket_keys, empty_bucket


def _png() -> bytes:
    picture = io.BytesIO()
    Image.new("RGB", (64, 48), (251, 140, 0)).save(picture, "PNG")
    return picture.getvalue()


def _upload_picture(node) -> str:
    with node.app_context():
        product_id = db.session.scalar(db.select(Product.id).where(Product.name == "雪峰蜜橘"))
    staff = signed_in(node, "staff@example.com")
    answer = staff.post(
        f"/staff/products/{product_id}/images",
        data={"image": (io.BytesIO(_png()), "o.png")},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 303
    with node.app_context():
        return db.session.scalars(db.select(ProductImage.path).order_by(ProductImage.id.desc())).first()


def test_a_picture_uploaded_on_one_node_is_served_by_another_and_cached_for_good(make_app, bucket_settings, units):
    one, two = make_app(bucket_settings), make_app(bucket_settings)
    key = _upload_picture(one)
    assert f"media/{key}" in bucket_keys(bucket_settings)
    served = two.test_client().get(f"/media/{key}")
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert "immutable" in served.headers["Cache-Control"] and "max-age=31536000" in served.headers["Cache-Control"]
    assert two.test_client().get("/media/products/nothing-here.jpg").status_code == 404
    assert two.test_client().get("/media/../documents/x.pdf").status_code == 404


def test_issued_documents_stay_private_in_the_bucket(app, make_app, bucket_settings, units):
    node = make_app(bucket_settings)
    made = contract_in_delivery(node, units)
    with node.app_context():
        path = db.session.get(Document, made["document_id"]).path
    assert f"documents/{path}" in bucket_keys(bucket_settings)
    assert node.test_client().get(f"/media/../documents/{path}").status_code == 404
    staff = signed_in(node, "staff@example.com")
    pdf = staff.get(f"/staff/documents/{made['document_id']}")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF") and pdf.headers["Cache-Control"] == "no-store"
    other = signed_in(node, "admin@school.example")
    assert other.get(f"/units/{units['hospital']}/documents/{made['document_id']}").status_code == 404


def test_storage_push_copies_local_files_into_the_bucket(app, make_app, runner, bucket_settings, units):
    key = _upload_picture(app)  # the local default
    assert LocalStorage(local_root(app.config, "media")).exists(key)
    pushed = make_app(bucket_settings).test_cli_runner().invoke(args=["storage-push"])
    assert pushed.exit_code == 0, pushed.output
    assert f"media/{key}" in bucket_keys(bucket_settings)
    assert runner.invoke(args=["storage-push"]).exit_code != 0  # without a bucket it says what to set


@pytest.mark.no_cover  # a sweep that adds no branch of its own (pytest.ini)
def test_a_backup_restores_a_whole_shop_into_an_empty_database_and_bucket(app, make_app, bucket_settings, tmp_path):
    node = make_app(bucket_settings)
    cli = node.test_cli_runner()
    assert cli.invoke(args=["seed-demo"]).exit_code == 0  # pictures, contracts and their deliveries, paid sales
    with node.test_request_context():
        for intent in db.session.scalars(db.select(PurchaseIntent)):
            documents_service.issue("contract", intent, None, Actor(None, "test"))
        pictures = db.session.scalars(db.select(ProductImage.path)).all()
        documents = db.session.scalars(db.select(Document.id)).all()
        db.session.execute(
            text(
                "INSERT INTO users (email, name, password_hash, role, active, session_version, "
                "created_at, language) SELECT 'restore-staff@example.com', '恢复测试', password_hash, "
                "'staff', true, 1, created_at, 'zh_CN' FROM users WHERE role = 'staff' LIMIT 1"
            )
        )
        db.session.commit()
    assert pictures and documents
    backup = cli.invoke(args=["backup", "--to", str(tmp_path)])
    assert backup.exit_code == 0, backup.output
    folder = backup.stdout.strip().splitlines()[-1]

    empty_bucket(bucket_settings)
    with node.app_context():
        db.session.remove()
        empty_tables()
    assert bucket_keys(bucket_settings) == []
    assert node.test_client().get(f"/media/{pictures[0]}").status_code == 404

    restored = cli.invoke(args=["restore", folder, "--yes"])
    assert restored.exit_code == 0, restored.output
    visitor = node.test_client()
    assert all(visitor.get(f"/media/{path}").status_code == 200 for path in pictures)
    staff = node.test_client()
    with node.app_context():
        staff_id = db.session.scalar(text("SELECT id FROM users WHERE email = 'restore-staff@example.com'"))
        version = db.session.scalar(text("SELECT session_version FROM users WHERE id = :i"), {"i": staff_id})
    with staff.session_transaction() as session:  # signed in as that staff member, without a password
        session["_user_id"], session["_fresh"] = f"{staff_id}:{version}", True
    assert all(staff.get(f"/staff/documents/{d}").status_code == 200 for d in documents)
    assert cli.invoke(args=["verify-ledger"]).exit_code == 0
