#!/usr/bin/env python3
"""Writes an earnings-subtags DataFeed TSV of N rows (title, header, data)."""
import random
import sys

n = int(sys.argv[1])
out = sys.argv[2]
rnd = random.Random(42)
with open(out, "w") as f:
    f.write("Earnings report for bench-20\n")
    f.write("Product Line\tItem\tASIN\tSeller\tTracking ID\tDate Shipped\tPrice\tReferral Fee Rate\tQuantity\tRevenue\tEarnings\tSub Tag\n")
    days = ["October %d, 2026" % d for d in range(1, 32)]
    for i in range(n):
        price = rnd.choice((799, 1299, 2999, 4550, 12345))
        qty = rnd.randint(1, 3)
        sub = "s%07d" % (i // 3)  # about three items a click
        f.write("Electronics\tItem %d\tB0%08d\tAmazon.com\tbench-20\t%s\t%d.%02d\t4.00\t%d\t%d.%02d\t%d.%02d\t%s\n" % (
            i % 997, i % 50000, days[(i // 3) % 31], price // 100, price % 100, qty,
            price * qty // 100, price * qty % 100, price * qty * 4 // 10000, price * qty * 4 // 100 % 100, sub))
