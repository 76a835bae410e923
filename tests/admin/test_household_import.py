"""County staff import the household registry: preview first, nothing written until every row is valid."""

import io

import openpyxl
import pytest
from sqlalchemy import func

from app.audit.models import AuditEntry
from app.extensions import db
from app.registry.models import Household
from tests import factories

HEADER = "户编号,户主姓名,身份证号,联系电话,乡镇,村,家庭人口,状态,脱贫日期\n"


@pytest.fixture()
def office(app):
    with app.app_context():
        gaosha = factories.township(name="高沙镇", code="gaosha")
        factories.village(gaosha, "林田村")
        factories.user(email="office@example.com", role="staff")
        db.session.commit()
    client = app.test_client()
    factories.login(client, "office@example.com")
    return client


def upload(client, text: str, name="households.csv"):
    return client.post(
        "/staff/households/import",
        data={"file": (io.BytesIO(text.encode("utf-8")), name)},
        content_type="multipart/form-data",
    )


def valid_rows(n=3, start=1, township="高沙镇"):
    return "".join(
        f"DK{start + i:06d},户主{start + i},{factories.id_number(start + i)},1390000{start + i:04d},"
        f"{township},林田村,{1 + i % 4},{'已脱贫' if i % 2 else '未脱贫'},{'2019-12-31' if i % 2 else ''}\n"
        for i in range(n)
    )


def count(app, model):
    with app.app_context():
        return db.session.scalar(db.select(func.count()).select_from(model))


def test_a_file_with_bad_rows_is_refused_row_by_row_and_writes_nothing(app, office):
    bad = (
        HEADER
        + valid_rows(1)
        + "DK900001,李四,110105194912310021,13900000000,高沙镇,林田村,3,未脱贫,\n"  # row 3: bad check digit
        + f"DK900002,王五,{factories.id_number(901)},13900000001,高沙镇,不存在村,3,未脱贫,\n"  # row 4: unknown village
        + f"DK000001,赵六,{factories.id_number(902)},,高沙镇,林田村,2,未脱贫,\n"  # row 5: duplicate number
        + f"DK900003,钱七,{factories.id_number(903)},12345,高沙镇,林田村,0,已脱贫,\n"
    )  # row 6: phone, members, date
    response = upload(office, bad)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "文件中有 4 行需要修改" in page
    for row, reason in (
        (3, "身份证号校验不通过"),
        (4, "找不到 高沙镇不存在村"),
        (5, "户编号 DK000001 与第 2 行重复"),
        (6, "联系电话应为 11 位手机号码"),
        (6, "家庭人口应为 1 到 30 的整数"),
        (6, "已脱贫的户需要脱贫日期"),
    ):
        assert f"<td>{row}</td>" in page and reason in page
    assert "确认导入" not in page
    assert count(app, Household) == 0 and count(app, AuditEntry) == 0


def test_a_valid_csv_previews_then_imports_and_a_second_file_updates(app, office):
    response = upload(office, HEADER + valid_rows(3))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "确认导入 3 户" in page
    assert count(app, Household) == 0
    token = page.split('name="token" type="hidden" value="')[1].split('"')[0]
    assert office.post("/staff/households/import/confirm", data={"token": token}).status_code == 303
    assert count(app, Household) == 3
    with app.app_context():
        entry = db.session.execute(db.select(AuditEntry)).scalar_one()
        assert entry.action == "import_households" and '"creates": 3' in entry.after and entry.actor_user_id
    changed = HEADER + valid_rows(3).replace("户主1,", "户主一,")
    page = upload(office, changed).get_data(as_text=True)
    token = page.split('name="token" type="hidden" value="')[1].split('"')[0]
    office.post("/staff/households/import/confirm", data={"token": token})
    with app.app_context():
        assert (
            db.session.execute(
                db.select(Household.head_name).where(Household.registration_no == "DK000001")
            ).scalar_one()
            == "户主一"
        )
        assert db.session.scalar(db.select(func.count(Household.id))) == 3
    assert (
        office.post("/staff/households/import/confirm", data={"token": token}, follow_redirects=True)
        .get_data(as_text=True)
        .count("找不到待导入的文件")
        == 1
    )


def test_an_xlsx_file_imports_too(app, office):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.strip().split(","))
    for line in valid_rows(2).strip().split("\n"):
        values = line.split(",")
        values[6] = int(values[6])
        sheet.append(values)
    data = io.BytesIO()
    book.save(data)
    response = office.post(
        "/staff/households/import",
        data={"file": (io.BytesIO(data.getvalue()), "名单.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200 and "确认导入 2 户" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("list.txt", "hello", "只接受 .csv 或 .xlsx 文件"),
        ("list.csv", "名字,电话\n张三,1\n", "缺少必需的列"),
        ("list.xlsx", "not a workbook", "无法读取这个 Excel 文件"),
    ],
)
def test_unreadable_files_are_explained(app, office, name, content, message):
    response = upload(office, content, name)
    assert response.status_code == 400 and message in response.get_data(as_text=True)


def test_viewing_a_household_page_leaves_exactly_one_audit_row(app, office):
    with app.app_context():
        household = factories.household(head_name="李四光")
        db.session.commit()
        household_id, registration_no = household.id, household.registration_no
    page = office.get(f"/staff/households/{household_id}").get_data(as_text=True)
    assert "李四光" in page and factories.id_number(0)[:6] in page
    with app.app_context():
        entry = db.session.execute(db.select(AuditEntry)).scalar_one()
        assert (entry.action, entry.target_id) == ("view_household", registration_no)
    assert registration_no in office.get("/staff/audit").get_data(as_text=True)
    assert office.get("/staff/households/999999").status_code == 404


@pytest.mark.parametrize("role", ["consumer", "unit_member", "clerk"])
def test_registry_pages_are_for_county_staff_only(app, office, role):
    with app.app_context():
        factories.user(email=f"{role}@example.com", role=role)
        household = factories.household()
        db.session.commit()
        household_id = household.id
    other = app.test_client()
    factories.login(other, f"{role}@example.com")
    for path in ("/staff/households", f"/staff/households/{household_id}", "/staff/households/import", "/staff/audit"):
        assert other.get(path).status_code == 403, path
    assert app.test_client().get("/staff/households").status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(func.count(AuditEntry.id))) == 0
