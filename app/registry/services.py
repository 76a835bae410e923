"""Registry use cases for county staff; each records itself in the audit log and commits once."""

import io
import logging
import re
import uuid

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.audit.services import Actor, record
from app.extensions import db
from app.registry import importer
from app.registry.models import Household, Village
from app.spreadsheets import ImportFileError
from app.storage import StorageError, storage

log = logging.getLogger(__name__)

_TOKEN = re.compile(r"^[0-9a-f]{32}\.(csv|xlsx)$")


def stage_import(filename: str, data: bytes) -> tuple[str, importer.ImportPreview]:
    """Check an uploaded file and keep it in private storage (any node may get the confirmation)
    until staff confirm. Returns the token naming the staged file and the preview; raises
    ImportFileError.
    """
    preview = importer.preview(importer.read_rows(filename, data))
    token = f"{uuid.uuid4().hex}.{filename.lower().rsplit('.', 1)[-1]}"
    storage("imports").put(token, io.BytesIO(data))
    return token, preview


def confirm_import(token: str, actor: Actor) -> importer.ImportPreview:
    """Import a staged file after re-checking it against the registry as it is now. Commits.

    Raises ImportFileError for an unknown token or any invalid row; nothing is written then.
    """
    staged = storage("imports")
    try:
        if not _TOKEN.match(token):
            raise StorageError(token)
        with staged.open(token) as upload:
            data = upload.read()
    except StorageError as error:
        raise ImportFileError("staged_file_gone") from error
    # Checked again because the registry may have changed since the preview.
    result = importer.preview(importer.read_rows(token, data))
    if result.valid:
        record(
            actor,
            "import_households",
            "household_file",
            token,
            after={"creates": result.creates, "updates": result.updates, "unchanged": result.unchanged},
        )
    importer.write(result)
    staged.delete(token)
    log.info(
        "household import by user %s: %d created, %d updated, %d unchanged",
        actor.user_id,
        result.creates,
        result.updates,
        result.unchanged,
    )
    return result


def household_with_personal_data(
    household_id: int, actor: Actor, within_villages: frozenset[int] | None = None
) -> Household | None:
    """A household with its personal data, for county staff (any household) or a village
    administrator (``within_villages``: theirs only); the read is audited. Commits."""
    query = (
        select(Household)
        .where(Household.id == household_id)
        .options(joinedload(Household.village).joinedload(Village.township))
    )
    if within_villages is not None:
        query = query.where(Household.village_id.in_(sorted(within_villages)))
    household = db.session.execute(query).scalar_one_or_none()
    if household is None:
        return None
    record(actor, "view_household", "household", household.registration_no)
    db.session.commit()
    return household
