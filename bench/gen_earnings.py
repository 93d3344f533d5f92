#!/usr/bin/env python3
"""Writes an earnings-subtags DataFeed TSV of N rows (title, header, data).

Usage: gen_earnings.py N OUT [--reissue]

--reissue writes the same report as re-issued by the network: the same rows,
except that every hundredth row (i % 100 == 50, 1% of them) has another
quantity (and so another revenue and earnings). Each changed row is of
another subtag, so a re-import updates exactly that many transactions and
leaves the others unchanged. Deterministic: the same N gives the same files.
"""
import random
import sys

args = [a for a in sys.argv[1:] if not a.startswith("--")]
reissue = "--reissue" in sys.argv[1:]
n = int(args[0])
out = args[1]
rnd = random.Random(42)
with open(out, "w") as f:
    f.write("Earnings report for bench-20\n")
    f.write("Product Line\tItem\tASIN\tSeller\tTracking ID\tDate Shipped\tPrice\tReferral Fee Rate\tQuantity\tRevenue\tEarnings\tSub Tag\n")
    days = ["October %d, 2026" % d for d in range(1, 32)]
    for i in range(n):
        price = rnd.choice((799, 1299, 2999, 4550, 12345))
        qty = rnd.randint(1, 3)
        if reissue and i % 100 == 50:
            qty = qty % 3 + 1  # 1→2, 2→3, 3→1: always another quantity
        sub = "s%07d" % (i // 3)  # about three items a click
        f.write("Electronics\tItem %d\tB0%08d\tAmazon.com\tbench-20\t%s\t%d.%02d\t4.00\t%d\t%d.%02d\t%d.%02d\t%s\n" % (
            i % 997, i % 50000, days[(i // 3) % 31], price // 100, price % 100, qty,
            price * qty // 100, price * qty % 100, price * qty * 4 // 10000, price * qty * 4 // 100 % 100, sub))
