"""Sync booth sales in-process, as a web worker would take them, so that callgrind can count the
instructions a sale costs (issue 24, item 5): the figure a busy machine cannot blur.

    python bench/sync_instructions.py BOOTH_CODE BATCHES

Pairs a tablet with the booth, sends two batches of 100 sales to warm the caches, then counts
BATCHES batches of 100 new sales (bench/booth_sync.py's), and the same batches sent again (all
answered as duplicates). Under callgrind started with --instr-atstart=no
(bench/run-sync-instructions), the counting covers the counted batches alone, the new sales
written to a file of their own (a dump) and the resent ones to the out-file; the database
server's own work (PostgreSQL) is another process and is not counted, SQLite's is. Prints how
many sales were counted, and the CPU milliseconds the new ones took and the whole counted run
took (new and resent), in this process.
"""

import sys

from booth_sync import BATCH, sales  # bench/booth_sync.py: the benchmark's sales
from counting import count, cpu_ms_since_first, dump  # bench/counting.py

from app import create_app
from app.audit.services import Actor
from app.pos.devices import issue_device_token


def main() -> None:
    booth, batches = sys.argv[1], int(sys.argv[2])
    # The rate limiter as the web workers run it (on): its hooks are part of every request.
    app = create_app()
    with app.app_context():
        _, token = issue_device_token(booth, "bench", Actor(None, "cli"))
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}

    def send(batch: list[dict], outcome: str) -> None:
        answer = client.post("/api/v1/pos/sales", json={"sales": batch}, headers=headers)
        assert answer.status_code == 200 and answer.json["summary"][outcome] == len(batch), answer.text

    for warm in range(2):
        send(sales("XFMJ-5", 3980, 1 + warm * BATCH, BATCH), "created")
    counted = [sales("XFMJ-5", 3980, 1 + (2 + n) * BATCH, BATCH) for n in range(batches)]
    count(True)
    for batch in counted:
        send(batch, "created")
    count(False)
    dump()
    new_ms = cpu_ms_since_first()
    count(True)
    for batch in counted:
        send(batch, "duplicate")
    count(False)
    print(f"sales {batches * BATCH} cpu_ms_new {new_ms:.0f} cpu_ms_new_and_resent {cpu_ms_since_first():.0f}")


if __name__ == "__main__":
    main()
