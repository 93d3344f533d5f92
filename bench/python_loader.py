#!/usr/bin/env python3
"""The baseline: a plain Python csv → sqlite upsert loader of an earnings TSV."""
import csv
import sqlite3
import sys

src, db = sys.argv[1], sys.argv[2]
con = sqlite3.connect(db)
con.execute("PRAGMA journal_mode=WAL")
con.execute("""CREATE TABLE IF NOT EXISTS earnings (k TEXT PRIMARY KEY, category TEXT, name TEXT, asin TEXT, seller TEXT,
    tracking_id TEXT, day TEXT, price TEXT, rate TEXT, quantity INTEGER, revenue TEXT, earnings TEXT, subtag TEXT)""")
with open(src, newline="") as f:
    next(f)  # title line
    r = csv.reader(f, delimiter="\t")
    next(r)  # header
    seen = {}
    batch = []
    for row in r:
        k = "|".join(row)
        seen[k] = seen.get(k, 0) + 1
        batch.append(["%s#%d" % (k, seen[k])] + row)
        if len(batch) == 5000:
            con.executemany("INSERT INTO earnings VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(k) DO UPDATE SET quantity=excluded.quantity", batch)
            batch = []
    if batch:
        con.executemany("INSERT INTO earnings VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(k) DO UPDATE SET quantity=excluded.quantity", batch)
con.commit()
