#!/usr/bin/env python3
"""Outside check of the reporting currency (SPEC §4.2a), written from the SPEC alone.

Writes into testdata/outside/rates/:
  - three Associates Central earnings downloads of one workspace: US (USD,
    Price($)), UK (GBP, Price(£)) and DE (EUR, Price(€), decimal commas,
    Windows-1252), from gen.py's invented clicks (FORMATS.md §3);
  - eurofxref-hist.csv, ECB-format rates (units per 1 EUR) on working days
    only, starting after the first sales (so some have no rate), with an
    N/A, a day without any rate, and two days whose rates make ties;
  - rates_truth.json: every transaction converted to EUR, and revenues by
    day with currency=reporting, computed here with fractions.Fraction.

The rules, from SPEC §4.2a: to convert an amount in S to T on day d, take
the latest ECB date <= d that has both S and T (R_EUR = 1); amount * R_T /
R_S exactly on minor units; round half to even to T's exponent. rate is
R_T / R_S to 10 significant digits (trailing zeros kept). The same currency
converts to itself at rate 1 on the day itself (affsync's documented rule:
no rate is involved). A transaction converts on its sold date. Revenues by
day: each currency's total of the day converted once, then summed; a total
without a rate is left out of the sums and listed as unconverted.

    python3 testdata/outside/rates_truth.py   # rewrites testdata/outside/rates/
"""
import datetime as dt
import json
import os
import random
import shutil
from fractions import Fraction

import gen

HERE = os.path.join(gen.HERE, "rates")
TARGET = "EUR"
FIRST_RATE = gen.START + dt.timedelta(days=3)  # sales of the first days have no rate
NO_RATES = {dt.date(2026, 10, 9)}  # a working day the ECB published nothing
NA = {(dt.date(2026, 10, 14), "GBP")}  # "N/A" in the file
# Days of rates that make exact ties (x.5 minor units) common: 1 / 1.6 is
# 5/8, so USD cents ≡ 4 (mod 8) tie; 1 / 0.8 is 5/4, so pence ≡ 2 (mod 4) tie.
TIES = {dt.date(2026, 10, 20): {"USD": "1.6000", "GBP": "0.80000"}, dt.date(2026, 10, 21): {"USD": "1.6000", "GBP": "0.80000"}}

MARKETS = [  # marketplace, program, currency, seller, tag, seed
    ("www.amazon.com", "amazon.com", "USD", "Amazon.com", "rates-us-20", 31),
    ("www.amazon.co.uk", "amazon.co.uk", "GBP", "Amazon.co.uk", "rates-uk-21", 32),
    ("www.amazon.de", "amazon.de", "EUR", "Amazon.de", "rates-de-21", 33),
]


def ecb_rates():
    """{date: {currency: Fraction}} and the CSV text, newest day first."""
    rnd = random.Random(14)
    table = {}
    d = FIRST_RATE
    while d < gen.TODAY:
        if d.weekday() < 5 and d not in NO_RATES:
            table[d] = {
                "USD": "%.4f" % (1.05 + rnd.randrange(600) / 10000),
                "JPY": "%.2f" % (158 + rnd.randrange(800) / 100),
                "GBP": "%.5f" % (0.84 + rnd.randrange(4000) / 100000),
            }
            table[d].update(TIES.get(d, {}))
        d += dt.timedelta(days=1)
    lines = ["Date,USD,JPY,GBP,"]
    for day in sorted(table, reverse=True):
        cells = [day.isoformat()]
        for cur in ("USD", "JPY", "GBP"):
            cells.append("N/A" if (day, cur) in NA else table[day][cur])
        lines.append(",".join(cells) + ",")
    exact = {day: {cur: Fraction(v) for cur, v in rates.items() if (day, cur) not in NA} for day, rates in table.items()}
    return exact, "\n".join(lines) + "\n"


def quote(rates, src, dst, day):
    """(R_dst / R_src, rate date) or None."""
    if src == dst:
        return Fraction(1), day
    for d in sorted((d for d in rates if d <= day), reverse=True):
        have = dict(rates[d], EUR=Fraction(1))
        if src in have and dst in have:
            return have[dst] / have[src], d
    return None


def sig10(x):
    """x > 0 to 10 significant digits, half to even, as a plain decimal."""
    e = 0
    while x >= 10 ** (e + 1):
        e += 1
    while x < Fraction(10) ** e:
        e -= 1
    while True:
        scale = 9 - e
        n = round(x * Fraction(10) ** scale)  # Fraction rounds half to even
        if n >= 10 ** 10:
            e += 1
            continue
        digits = str(n)
        if scale <= 0:
            return digits + "0" * -scale
        digits = digits.rjust(scale + 1, "0")
        return digits[:-scale] + "." + digits[-scale:]


def cents(n):
    return ("-" if n < 0 else "") + "%d.%02d" % divmod(abs(n), 100)


def write_report(d, market, clicks):
    marketplace, program, cur, seller, tag, _ = market
    if cur == "EUR":  # a DE download: Price(€), decimal commas, DD.MM.YYYY, Windows-1252, tabs
        out = ["Fee-Earnings reports from %s to %s" % (gen.START.strftime("%d.%m.%Y"), (gen.TODAY - dt.timedelta(days=1)).strftime("%d.%m.%Y")),
               "\t".join(["Category", "Name", "ASIN", "Seller", "Tracking ID", "Date Shipped", "Price(€)", "Items Shipped",
                          "Returns", "Revenue(€)", "Ad Fees(€)", "Device Type Group", "Sub Tag"])]
        for day, subtag, l, q in gen.rows(clicks):
            s, r = (q, 0) if q > 0 else (0, -q)
            out.append("\t".join(["Küche", "Artikel %s" % l["asin"], l["asin"], seller, tag, day.strftime("%d.%m.%Y"),
                                  gen.money(l["price"], True), str(s), str(r), gen.money(l["price"] * q, True),
                                  gen.money(gen.fee(l["price"], q, l["rate"]), True), "PHONE", subtag]))
        with open(os.path.join(d, "Fee-Earnings-%s.tsv" % tag), "w", encoding="cp1252", newline="") as f:
            f.write("\n".join(out) + "\n")
        return
    sym = {"USD": "$", "GBP": "£"}[cur]
    out = ["Fee-Earnings reports from %s to %s" % (gen.START.strftime("%m-%d-%Y"), (gen.TODAY - dt.timedelta(days=1)).strftime("%m-%d-%Y")),
           ",".join(["Category", "Name", "ASIN", "Seller", "Tracking ID", "Date Shipped", "Price(%s)" % sym, "Items Shipped",
                     "Returns", "Revenue(%s)" % sym, "Ad Fees(%s)" % sym, "Device Type Group", "Sub Tag"])]
    for day, subtag, l, q in gen.rows(clicks):
        s, r = (q, 0) if q > 0 else (0, -q)
        out.append(",".join([l["cat"], "Item %s" % l["asin"], l["asin"], seller, tag, day.isoformat(), gen.money(l["price"]),
                             str(s), str(r), gen.money(l["price"] * q), gen.money(gen.fee(l["price"], q, l["rate"])), "DESKTOP", subtag]))
    with open(os.path.join(d, "Fee-Earnings-%s.csv" % tag), "w", encoding="utf-8", newline="") as f:
        f.write("\r\n".join(out) + "\r\n")


def main():
    shutil.rmtree(HERE, ignore_errors=True)
    os.makedirs(HERE)
    rates, csv_text = ecb_rates()
    with open(os.path.join(HERE, "eurofxref-hist.csv"), "w", newline="") as f:
        f.write(csv_text)
    transactions, day_totals = [], {}
    for market in MARKETS:
        marketplace, program, cur, _, _, seed = market
        clicks = gen.events(seed)
        write_report(HERE, market, clicks)
        for t in gen.truth(clicks):
            sold = dt.date.fromisoformat(t["sold_at"])
            q = quote(rates, cur, TARGET, sold)
            conv = None
            if q is not None:
                ratio, on = q
                conv = {"currency": TARGET, "sale_amount": cents(round(t["sale_amount"] * ratio)),
                        "commission": cents(round(t["commission"] * ratio)), "rate": sig10(ratio), "rate_date": on.isoformat()}
            transactions.append({"program": program, "subtag": t["subtag"], "currency": cur, "sold_at": t["sold_at"],
                                 "sale_amount": cents(t["sale_amount"]), "commission": cents(t["commission"]), "converted": conv})
        for day, _, l, qty in gen.rows(clicks):
            tot = day_totals.setdefault(day, {}).setdefault(cur, [0, 0])
            tot[0] += l["price"] * qty
            tot[1] += gen.fee(l["price"], qty, l["rate"])
    revenues = []
    for day in sorted(day_totals):
        sale = com = 0
        unconverted = []
        for cur in sorted(day_totals[day]):
            s, c = day_totals[day][cur]
            q = quote(rates, cur, TARGET, day)
            if q is None:
                unconverted.append({"currency": cur, "sale_amount": cents(s), "commission": cents(c)})
                continue
            sale += round(s * q[0])  # rounded once per currency and date
            com += round(c * q[0])
        revenues.append({"date": day.isoformat(), "currency": TARGET, "sale_amount": cents(sale), "commission": cents(com),
                         "unconverted": unconverted})
    with open(os.path.join(HERE, "rates_truth.json"), "w") as f:
        json.dump({"today": gen.TODAY.isoformat(), "reporting_currency": TARGET,
                   "markets": [{"marketplace": m[0], "program": m[1], "currency": m[2]} for m in MARKETS],
                   "transactions": sorted(transactions, key=lambda t: (t["program"], t["subtag"])),
                   "revenues_by_day": revenues}, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
