"""The shop as production runs it: nginx (Debian's package) in front of two gunicorn nodes and a
job worker, on the machine's PostgreSQL and Redis and an S3 endpoint (moto), all on 127.0.0.1.
A rush runs while one node is killed with SIGKILL and started again; afterwards nothing is lost,
doubled or oversold, and the client saw no server error it could not retry."""

import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import requests
from requests.adapters import HTTPAdapter
from sqlalchemy import create_engine, text

from tests.conftest import PG_ADMIN_URL, _free_port, _postgres_reachable, scratch_postgres
from tests.jobs.conftest import redis_queue  # noqa: F401
from tests.processes import ROOT, start, stop
from tests.storage.conftest import bucket_settings, s3_endpoint  # noqa: F401

pytestmark = pytest.mark.own_databases

NGINX = "/usr/sbin/nginx"
BUYERS, STOCK, SALES = 100, 30, 500
PASSWORD = "cluster-password-not-secret"
ADDRESS = {
    "recipient": "张女士",
    "mobile": "13812345678",
    "province": "430000",
    "city": "430500",
    "county": "430525",
    "street": "文昌街道雪峰路 18 号",
    "payment_method": "cod",
    "note": "",
}
RETRYABLE = (502, 503, 504)


def csrf(html: str) -> str:
    return re.search(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


class FromAddress(HTTPAdapter):
    """Connections from one loopback address, so nginx sees that client address."""

    def __init__(self, address: str):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


class Client:
    """A person's browser: retries what a dropped node left unanswered (a 502 from nginx or a
    cut connection), counts every answer it finally got, and keeps its cookies."""

    def __init__(self, base: str, seen: list, address: str = "127.0.0.1"):
        self.base, self.seen, self.session = base, seen, requests.Session()
        self.session.mount("http://", FromAddress(address))

    def call(self, method: str, path: str, **kwargs) -> requests.Response:
        for _attempt in range(20):
            try:
                answer = self.session.request(method, self.base + path, timeout=30, allow_redirects=False, **kwargs)
            # Cut before the answer began, or in the middle of its body (ChunkedEncodingError):
            # either way the person sees no page and sends again.
            except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError):
                self.seen.append("retried")
                time.sleep(0.2)
                continue
            if answer.status_code in RETRYABLE:
                self.seen.append("retried")
                time.sleep(0.2)
                continue
            self.seen.append(answer.status_code)
            return answer
        raise AssertionError(f"{method} {path} never answered")

    def sign_in(self, email: str, password: str = PASSWORD) -> requests.Response:
        token = csrf(self.call("GET", "/account/login").text)
        return self.call("POST", "/account/login", data={"email": email, "password": password, "csrf_token": token})


def _wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise AssertionError(f"{url} did not come up")


def _nginx_conf(folder: Path, port: int, nodes: list[int]) -> Path:
    upstream = "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=2s;" for p in nodes)
    conf = folder / "nginx.conf"
    # Workers as the test's own user: pytest's folders are private to it (nginx buffers large
    # request bodies there).
    user = "root" if os.geteuid() == 0 else ""
    conf.write_text(f"""
{"user root;" if user else ""}
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log warn;
events {{ worker_connections 512; }}
http {{
    access_log {folder}/nginx-access.log;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    client_max_body_size 8m;
    upstream dongkou_web {{
{upstream}
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{port};
        location /static/ {{ alias {ROOT}/static/; }}
        location / {{
            proxy_pass http://dongkou_web;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-Host $host;
            proxy_connect_timeout 2s;
            proxy_read_timeout 30s;
            proxy_next_upstream error timeout http_502 http_503;
            proxy_next_upstream_tries 2;
        }}
    }}
}}
""")
    return conf


@pytest.fixture()
def cluster_database():
    if not _postgres_reachable():
        pytest.skip("no PostgreSQL server reachable at " + PG_ADMIN_URL)
    with scratch_postgres("dongkou_cluster") as url:
        yield url


@pytest.fixture()
def cluster(tmp_path, cluster_database, bucket_settings, redis_queue):
    if not Path(NGINX).exists():
        pytest.fail(f"{NGINX} is missing: install Debian's nginx-light (make test does)")
    url, queue_name = redis_queue
    env = {
        **os.environ,
        "DATABASE_URL": cluster_database,
        "REDIS_URL": url,
        "REDIS_NAMESPACE": queue_name,
        "STORAGE_BACKEND": "s3",
        "S3_ENDPOINT_URL": bucket_settings["S3_ENDPOINT_URL"],
        "S3_BUCKET": bucket_settings["S3_BUCKET"],
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "SECRET_KEY": "cluster-secret-key-" + "x" * 32,
        "TRUSTED_PROXY_HOPS": "1",
        "LOG_FORMAT": "text",
        "DEMO_CREDENTIALS_FILE": str(tmp_path / "demo-credentials.txt"),
        "STORAGE_ROOT": str(tmp_path / "storage"),
    }
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    for step in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run(flask + step, env=env, cwd=ROOT, check=True, capture_output=True)
    token = subprocess.run(
        flask + ["issue-device-token", "--booth", f"WEEK{datetime.now().year}-GAOSHA"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()[0]
    _prepare(cluster_database)

    ports = [_free_port(), _free_port()]
    gunicorn = [sys.executable, "-m", "gunicorn", "--workers", "2", "--graceful-timeout", "1"]
    nodes = [
        start(gunicorn + ["--bind", f"127.0.0.1:{p}", "wsgi:app"], env, tmp_path / f"node{i}.log")
        for i, p in enumerate(ports)
    ]
    worker = start(flask + ["jobs", "worker"], env, tmp_path / "worker.log")
    front = _free_port()
    nginx = start(
        [NGINX, "-p", str(tmp_path), "-c", str(_nginx_conf(tmp_path, front, ports)), "-g", "daemon off;"],
        env,
        tmp_path / "nginx.log",
    )
    running = {"nodes": nodes, "worker": worker, "nginx": nginx}
    try:
        for p in ports:
            _wait_for(f"http://127.0.0.1:{p}/readyz")
        _wait_for(f"http://127.0.0.1:{front}/healthz")
        yield {
            "base": f"http://127.0.0.1:{front}",
            "ports": ports,
            "env": env,
            "token": token,
            "tmp": tmp_path,
            "database": cluster_database,
            "gunicorn": gunicorn,
            "running": running,
        }
    finally:
        for process in (*running["nodes"], running["worker"], running["nginx"]):
            stop(process, signal.SIGTERM)


def _prepare(database: str) -> None:
    """A hundred buyers and one staff member (cheap hashes: the test is not about scrypt), and a
    SKU with its last few boxes."""
    from werkzeug.security import generate_password_hash

    cheap = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    engine = create_engine(database.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        rows = [{"email": f"rush{n}@example.com", "role": "consumer"} for n in range(BUYERS)]
        rows.append({"email": "cluster-staff@example.com", "role": "staff"})
        conn.execute(
            text(
                "INSERT INTO users (email, name, password_hash, role, active, session_version, created_at, "
                "language) VALUES (:email, '抢购测试', :hash, :role, true, 1, now(), 'zh_CN')"
            ),
            [{**r, "hash": cheap} for r in rows],
        )
        conn.execute(text("UPDATE skus SET stock = :stock WHERE code = 'XFMJ-5'"), {"stock": STOCK})
    engine.dispose()


def _scalar(database: str, sql: str, **params):
    engine = create_engine(database.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        value = conn.execute(text(sql), params).scalar()
    engine.dispose()
    return value


def _buy(base: str, seen: list, n: int, slug: str, sku_id: int) -> Client:
    buyer = Client(base, seen)
    assert buyer.sign_in(f"rush{n}@example.com").status_code == 302
    token = csrf(buyer.call("GET", f"/products/{slug}").text)
    buyer.call("POST", "/cart/add", data={"sku_id": sku_id, "quantity": 1, "csrf_token": token})
    page = buyer.call("GET", "/checkout")
    if page.status_code == 200:  # an empty cart (sold out) sends the buyer back instead
        buyer.call("POST", "/checkout", data={**ADDRESS, "csrf_token": csrf(page.text)})
    return buyer


def _booth_sales(base: str, seen: list, token: str, catalogue: dict) -> list[str]:
    item = catalogue["items"][0]
    sold_at = datetime.now(timezone(timedelta(hours=8)))
    sales = [
        {
            "uuid": str(uuid.uuid4()),
            "device_sequence": n + 1,
            "sold_at": sold_at.isoformat(),
            "lines": [{"sku": item["sku"], "quantity": 1, "unit_price_fen": item["price_fen"]}],
            "total_fen": item["price_fen"],
            "tender": {"method": "cash", "tendered_fen": item["price_fen"], "change_fen": 0},
        }
        for n in range(SALES)
    ]
    tablet = Client(base, seen)
    for _round in range(2):  # every batch is sent twice, as a tablet on bad Wi-Fi does
        for first in range(0, SALES, 50):
            answer = tablet.call(
                "POST",
                "/api/v1/pos/sales",
                json={"sales": sales[first : first + 50]},
                headers={"Authorization": f"Bearer {token}"},
            )
            assert answer.status_code in (200, 207), answer.text[:300]
    return [s["uuid"] for s in sales]


def _contract_delivery(base: str, seen: list, number: str) -> None:
    staff = Client(base, seen)
    assert staff.sign_in("cluster-staff@example.com").status_code == 302
    page = staff.call("GET", f"/staff/intents/{number}").text
    line = re.search(r'name="q-(\d+)"', page).group(1)
    before = page.count("/ship")
    form = {
        "recipient": "周师傅",
        "mobile": "13700001111",
        "address": "洞口县人民医院职工食堂",
        f"q-{line}": "1",
        "csrf_token": csrf(page),
    }
    try:
        staff.session.post(f"{base}/staff/intents/{number}/deliveries", data=form, timeout=30, allow_redirects=False)
    except requests.ConnectionError:
        pass
    # A person whose answer was lost looks at the contract before asking again.
    if staff.call("GET", f"/staff/intents/{number}").text.count("/ship") == before:
        assert staff.call("POST", f"/staff/intents/{number}/deliveries", data=form).status_code == 303


def _upload_picture(base: str, seen: list, product_id: int) -> None:
    import io

    from PIL import Image

    picture = io.BytesIO()
    Image.new("RGB", (80, 60), (251, 140, 0)).save(picture, "PNG")
    staff = Client(base, seen)
    staff.sign_in("cluster-staff@example.com")
    page = staff.call("GET", f"/staff/products/{product_id}").text
    answer = staff.call(
        "POST",
        f"/staff/products/{product_id}/images",
        data={"csrf_token": csrf(page)},
        files={"image": ("orange.png", picture.getvalue(), "image/png")},
    )
    assert answer.status_code == 303, answer.status_code


def test_a_node_killed_in_a_rush_loses_nothing_and_sign_in_limits_see_each_client(cluster):
    base, database = cluster["base"], cluster["database"]
    sku_id = _scalar(database, "SELECT id FROM skus WHERE code = 'XFMJ-5'")
    slug = _scalar(
        database, "SELECT p.slug FROM products p JOIN skus s ON s.product_id = p.id WHERE s.id = :i", i=sku_id
    )
    product_id = _scalar(database, "SELECT product_id FROM skus WHERE id = :i", i=sku_id)
    intent = _scalar(
        database,
        "SELECT number FROM purchase_intents WHERE status IN ('confirmed', 'in_fulfilment') ORDER BY id LIMIT 1",
    )
    catalogue = requests.get(
        f"{base}/api/v1/pos/catalogue", headers={"Authorization": f"Bearer {cluster['token']}"}, timeout=10
    ).json()
    orders_before = _scalar(database, "SELECT count(*) FROM orders")
    last_order = _scalar(database, "SELECT max(id) FROM orders")
    seen: list[int] = []

    def kill_and_restart():
        time.sleep(1.0)
        victim = cluster["running"]["nodes"][0]
        stop(victim, signal.SIGKILL)  # SIGKILL: no goodbye, requests in flight are cut
        time.sleep(2.0)
        port = cluster["ports"][0]
        cluster["running"]["nodes"][0] = start(
            cluster["gunicorn"] + ["--bind", f"127.0.0.1:{port}", "wsgi:app"],
            cluster["env"],
            cluster["tmp"] / "node0-again.log",
        )
        _wait_for(f"http://127.0.0.1:{port}/readyz")

    with ThreadPoolExecutor(max_workers=20) as pool:
        killer = threading.Thread(target=kill_and_restart)
        killer.start()
        sales = pool.submit(_booth_sales, base, seen, cluster["token"], catalogue)
        delivery = pool.submit(_contract_delivery, base, seen, intent)
        upload = pool.submit(_upload_picture, base, seen, product_id)
        buyers = list(pool.map(lambda n: _buy(base, seen, n, slug, sku_id), range(BUYERS)))
        uuids = sales.result()
        delivery.result()
        upload.result()
        killer.join()

    answers = [s for s in seen if s != "retried"]
    assert not [s for s in answers if s >= 500], sorted(set(answers))
    # The rush did reach the killed node: nginx saw its connections cut or refused.
    errors = (cluster["tmp"] / "nginx-error.log").read_text()
    assert f'upstream: "http://127.0.0.1:{cluster["ports"][0]}' in errors
    print(
        f"\nrush: {len(answers)} answers, {seen.count('retried')} requests retried by the client after the kill, "
        f"{errors.count('upstream server temporarily disabled')} times nginx set the node aside"
    )
    # Nothing oversold, and each buyer has at most one order of the last boxes.
    stock = _scalar(database, "SELECT stock FROM skus WHERE id = :i", i=sku_id)
    taken = _scalar(
        database,
        "SELECT coalesce(sum(l.quantity), 0) FROM order_lines l JOIN orders o ON o.id = l.order_id "
        "JOIN users u ON u.id = o.user_id WHERE l.sku_id = :i AND u.email LIKE 'rush%'",
        i=sku_id,
    )
    # The shop's stock moves only with online orders and contract deliveries (booths sell their allocation).
    moved = _scalar(
        database,
        "SELECT coalesce(sum(l.quantity), 0) FROM order_lines l JOIN orders o ON o.id = l.order_id "
        "WHERE l.sku_id = :i AND o.id > :last AND o.channel IN ('online', 'intent')",
        i=sku_id,
        last=last_order,
    )
    assert stock >= 0 and stock + moved == STOCK and taken <= moved
    per_buyer = _scalar(
        database,
        "SELECT max(n) FROM (SELECT count(*) AS n FROM orders o JOIN users u ON u.id = o.user_id "
        "WHERE u.email LIKE 'rush%' GROUP BY u.id) t",
    )
    assert per_buyer == 1 and taken > 0
    # Every booth sale once, although each was sent twice.
    stored = _scalar(database, "SELECT count(DISTINCT uuid) FROM booth_sales WHERE uuid = ANY(:u)", u=uuids)
    rows = _scalar(database, "SELECT count(*) FROM booth_sales WHERE uuid = ANY(:u)", u=uuids)
    assert stored == rows == SALES
    # One contract delivery, however the answer went.
    deliveries = _scalar(
        database, "SELECT count(*) FROM orders WHERE channel = 'intent' AND id > :last", last=last_order
    )
    assert deliveries == 1
    assert _scalar(database, "SELECT count(*) FROM orders") == orders_before + taken_orders(database) + SALES + 1
    verify = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "verify-ledger"],
        env=cluster["env"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr
    # A session signed in through nginx is valid on either node; the new picture is on both.
    cookie = buyers[0].session.cookies.get("session")
    picture = _scalar(
        database, "SELECT path FROM product_images WHERE product_id = :p ORDER BY id DESC LIMIT 1", p=product_id
    )
    for port in cluster["ports"]:
        node = f"http://127.0.0.1:{port}"
        mine = requests.get(f"{node}/orders", cookies={"session": cookie}, allow_redirects=False, timeout=10)
        assert mine.status_code == 200 and "rush0@example.com" not in mine.headers.get("Location", "")
        assert requests.get(f"{node}/media/{picture}", timeout=10).status_code == 200
    _a_price_changed_on_one_node_shows_on_the_other(cluster, product_id, sku_id, slug)
    # Through nginx, five failed sign-ins from one address lock that address only (one cluster
    # start serves both checks: it is the slowest part).
    _failed_sign_ins_lock_only_that_address(cluster)


def taken_orders(database: str) -> int:
    return _scalar(
        database, "SELECT count(*) FROM orders o JOIN users u ON u.id = o.user_id WHERE u.email LIKE 'rush%'"
    )


def _a_price_changed_on_one_node_shows_on_the_other(cluster, product_id: int, sku_id: int, slug: str) -> None:
    one, two = (f"http://127.0.0.1:{p}" for p in cluster["ports"])
    staff = Client(one, [])
    staff.sign_in("cluster-staff@example.com")
    before = requests.get(f"{two}/products/{slug}", timeout=10).text  # now in the shared page cache
    assert "¥12.34" not in before
    token = csrf(staff.call("GET", f"/staff/products/{product_id}").text)
    assert staff.call(
        "POST", f"/staff/products/{product_id}/skus/{sku_id}/price", data={"price": "12.34", "csrf_token": token}
    ).status_code in (302, 303)
    assert "¥12.34" in requests.get(f"{two}/products/{slug}", timeout=10).text


def _failed_sign_ins_lock_only_that_address(cluster) -> None:
    seen: list[int] = []
    attacker, neighbour = Client(cluster["base"], seen, "127.0.0.2"), Client(cluster["base"], seen, "127.0.0.3")
    answers = [attacker.sign_in(f"rush{n}@example.com", "wrong password").status_code for n in range(6)]
    assert answers == [400] * 5 + [429]
    assert neighbour.sign_in("rush10@example.com", "wrong password").status_code == 400
    assert neighbour.sign_in("rush11@example.com").status_code == 302
    with open(cluster["tmp"] / "nginx-access.log") as log:
        assert "127.0.0.2" in log.read()
