"""Registry use cases for county staff; each records itself in the audit log and commits once."""
import logging
import os
import re
import uuid
from pathlib import Path

from sqlalchemy.orm import joinedload

from app.audit.services import Actor, record
from app.extensions import db
from app.registry import importer
from app.registry.models import Household, Village
from app.spreadsheets import ImportFileError

log = logging.getLogger(__name__)

_TOKEN = re.compile(r"^[0-9a-f]{32}\.(csv|xlsx)$")


def stage_import(filename: str, data: bytes, storage: Path) -> tuple[str, importer.ImportPreview]:
    """Check an uploaded file and keep it in the storage folder until staff confirm.

    Returns the token naming the staged file and the preview; raises ImportFileError.
    """
    preview = importer.preview(importer.read_rows(filename, data))
    token = f"{uuid.uuid4().hex}.{filename.lower().rsplit('.', 1)[-1]}"
    folder = storage / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / token).write_bytes(data)
    return token, preview


def confirm_import(token: str, storage: Path, actor: Actor) -> importer.ImportPreview:
    """Import a staged file after re-checking it against the registry as it is now. Commits.

    Raises ImportFileError for an unknown token or any invalid row; nothing is written then.
    """
    path = storage / "imports" / token
    if not _TOKEN.match(token) or not path.exists():
        raise ImportFileError("找不到待导入的文件，请重新上传。")
    # Checked again because the registry may have changed since the preview.
    result = importer.preview(importer.read_rows(token, path.read_bytes()))
    if result.valid:
        record(actor, "import_households", "household_file", token,
               after={"creates": result.creates, "updates": result.updates, "unchanged": result.unchanged})
    importer.write(result)
    os.remove(path)
    log.info("household import by user %s: %d created, %d updated, %d unchanged", actor.user_id, result.creates,
             result.updates, result.unchanged)
    return result


def household_for_staff(household_id: int, actor: Actor) -> Household | None:
    """A household with its personal data, for county staff; the read is audited. Commits."""
    household = db.session.execute(
        db.select(Household).where(Household.id == household_id)
        .options(joinedload(Household.village).joinedload(Village.township))
    ).scalar_one_or_none()
    if household is None:
        return None
    record(actor, "view_household", "household", household.registration_no)
    db.session.commit()
    return household
