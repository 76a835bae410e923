"""Import of the registered-household list (建档立卡数据) from CSV or XLSX.

Two steps: ``preview`` reads and checks every row and says what would be created, updated
or refused (with row numbers), writing nothing; ``write`` takes that preview, refuses
unless the whole file was valid, then upserts by registration number in one transaction.
"""

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import insert, select, update

from app.domain.identity import is_valid_id_number, is_valid_mobile
from app.extensions import db
from app.registry.models import Household, Township, Village
from app.spreadsheets import ImportFileError, RowError, read_table

COLUMNS: dict[str, tuple[str, ...]] = {
    "registration_no": ("户编号", "registration_no"),
    "head_name": ("户主姓名", "head_name"),
    "id_number": ("身份证号", "id_number"),
    "phone": ("联系电话", "phone"),
    "township": ("乡镇", "township"),
    "village": ("村", "village"),
    "members": ("家庭人口", "members"),
    "status": ("状态", "status"),
    "lifted_on": ("脱贫日期", "lifted_on"),
}
REQUIRED = ("registration_no", "head_name", "id_number", "township", "village", "members")
STATUS_WORDS = {
    "未脱贫": "registered",
    "registered": "registered",
    "": "registered",
    "已脱贫": "lifted",
    "lifted": "lifted",
}
MAX_ROWS = 100_000


@dataclass
class ImportPreview:
    creates: int = 0
    updates: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.errors and bool(self.rows)


def read_rows(filename: str, data: bytes) -> list[dict]:
    """The file's data rows as dicts keyed by our column names; raises ImportFileError."""
    return read_table(filename, data, COLUMNS, REQUIRED, MAX_ROWS)


def preview(rows: list[dict]) -> ImportPreview:
    """Check every row against the registry; nothing is written."""
    result = ImportPreview()
    villages = {
        (t, v): vid
        for vid, v, t in db.session.execute(select(Village.id, Village.name, Township.name).join(Township)).all()
    }
    existing = {
        reg: (hid, name, idn, phone, vid, members, status, lifted)
        for hid, reg, name, idn, phone, vid, members, status, lifted in db.session.execute(
            select(
                Household.id,
                Household.registration_no,
                Household.head_name,
                Household.id_number,
                Household.phone,
                Household.village_id,
                Household.members,
                Household.status,
                Household.lifted_on,
            )
        ).all()
    }
    seen_reg: dict[str, int] = {}
    seen_id: dict[str, int] = {}
    for number, raw in enumerate(rows, start=2):
        reasons, clean = _check(raw, villages)
        reg, idn = clean.get("registration_no"), clean.get("id_number")
        if reg and reg in seen_reg:
            reasons.append(_("户编号 %(reg)s 与第 %(row)s 行重复", reg=reg, row=seen_reg[reg]))
        if idn and idn in seen_id:
            reasons.append(_("身份证号与第 %(row)s 行重复", row=seen_id[idn]))
        if reg:
            seen_reg.setdefault(reg, number)
        if idn:
            seen_id.setdefault(idn, number)
        if reasons:
            result.errors.append(RowError(number, _("；").join(reasons)))
            continue
        current = existing.get(reg) if reg else None
        values = (
            clean["head_name"],
            clean["id_number"],
            clean["phone"],
            clean["village_id"],
            clean["members"],
            clean["status"],
            clean["lifted_on"],
        )
        if current is None:
            result.creates += 1
            clean["change"] = "create"
        elif current[1:] == values:
            result.unchanged += 1
            clean["change"] = "none"
        else:
            result.updates += 1
            clean["id"], clean["change"] = current[0], "update"
        result.rows.append(clean)
    if not rows:
        result.errors.append(RowError(2, _("文件里没有数据行")))
    return result


def _check(raw: dict, villages: dict) -> tuple[list[str], dict]:
    reasons = [_("缺少%(column)s", column=COLUMNS[k][0]) for k in REQUIRED if not raw.get(k)]
    clean = {
        "registration_no": raw.get("registration_no", "")[:32],
        "head_name": raw.get("head_name", "")[:64],
        "id_number": raw.get("id_number", "").upper(),
        "phone": raw.get("phone", ""),
    }
    if clean["id_number"] and not is_valid_id_number(clean["id_number"]):
        reasons.append(_("身份证号校验不通过（18 位，最后一位为校验码）"))
    if clean["phone"] and not is_valid_mobile(clean["phone"]):
        reasons.append(_("联系电话应为 11 位手机号码"))
    village_id = villages.get((raw.get("township", ""), raw.get("village", "")))
    if raw.get("township") and raw.get("village") and village_id is None:
        reasons.append(_("找不到 %(place)s，请先在系统中登记该村", place=f"{raw.get('township')}{raw.get('village')}"))
    clean["village_id"] = village_id
    members = raw.get("members", "")
    clean["members"] = int(members) if members.isdigit() and 0 < int(members) <= 30 else None
    if members and clean["members"] is None:
        reasons.append(_("家庭人口应为 1 到 30 的整数"))
    status = STATUS_WORDS.get(raw.get("status", "").strip())
    if status is None:
        reasons.append(_("状态只能是“未脱贫”或“已脱贫”"))
    clean["status"] = status
    clean["lifted_on"] = None
    if status == "lifted":
        try:
            clean["lifted_on"] = date.fromisoformat(raw.get("lifted_on", ""))
        except ValueError:
            reasons.append(_("已脱贫的户需要脱贫日期，格式如 2019-12-31"))
    return reasons, clean


def write(result: ImportPreview) -> ImportPreview:
    """Write a checked file: creates and updates by registration number, in one transaction.

    Raises ImportFileError when any row was invalid; then nothing is written. Commits.
    """
    if not result.valid:
        raise ImportFileError("rows_refused", count=len(result.errors))
    fields = ("registration_no", "head_name", "id_number", "phone", "village_id", "members", "status", "lifted_on")
    creates = [{k: r[k] for k in fields} for r in result.rows if r["change"] == "create"]
    updates = [{"id": r["id"], **{k: r[k] for k in fields}} for r in result.rows if r["change"] == "update"]
    for start in range(0, len(creates), 5000):
        db.session.execute(insert(Household), creates[start : start + 5000])
    if updates:
        db.session.execute(update(Household), updates)
    db.session.commit()
    return result
