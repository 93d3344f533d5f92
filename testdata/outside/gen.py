#!/usr/bin/env python3
"""Outside check: Amazon report files written from FORMATS.md alone.

This script does not share a line with affsync's Go code. It invents a
month of clicks with subtags, shipments, partial and full returns and
bounties, writes them in four flavours (DataFeed TSV with subtags, the XML
DataFeed flavour with decimal commas, an Associates Central CSV download, and
a Central TSV in Windows-1252), and writes beside each flavour truth.json: what
every subtag must come to, to the cent, as of TODAY. internal/importer's
TestOutsideCheck imports the files and compares.

    python3 testdata/outside/gen.py   # rewrites testdata/outside/*/
"""
import datetime as dt
import gzip
import json
import os
import random
import shutil

TODAY = dt.date(2026, 11, 24)
START = dt.date(2026, 9, 20)
DAYS = 60
WINDOW = 30
HERE = os.path.dirname(os.path.abspath(__file__))

CATEGORIES = [("Electronics", 400), ("Books", 450), ("Home", 300), ("Toys", 300), ("Kitchen", 450), ("Beauty", 600)]


def fee(price, qty, rate):
    """Ad fee of qty units at price (cents) and rate (hundredths of %), half up."""
    num = price * qty * rate
    q, r = divmod(abs(num), 10000)
    if r >= 5000:
        q += 1
    return q if num >= 0 else -q


def events(seed):
    rnd = random.Random(seed)
    clicks = []
    for n in range(260):
        subtag = "".join(rnd.choice("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789_-") for _ in range(rnd.randint(8, 22)))
        subtag = "c%03d%s" % (n, subtag)
        day = START + dt.timedelta(days=rnd.randrange(DAYS - 3))
        lines = []
        for _ in range(rnd.randint(1, 3)):
            cat, rate = rnd.choice(CATEGORIES)
            asin = "B0%08d" % rnd.randrange(10**8)
            price = rnd.choice([799, 1299, 1999, 2999, 4550, 12345, 123456])
            qty = rnd.randint(1, 3)
            ship = day + dt.timedelta(days=rnd.randint(0, 3))
            if ship >= TODAY:
                continue
            line = {"asin": asin, "cat": cat, "rate": rate, "price": price, "qty": qty, "ship": ship, "returns": []}
            roll = rnd.random()
            if roll < 0.12:  # full return
                line["returns"].append((ship + dt.timedelta(days=rnd.randint(2, 20)), qty))
            elif roll < 0.22 and qty > 1:  # partial return
                line["returns"].append((ship + dt.timedelta(days=rnd.randint(2, 20)), 1))
            line["returns"] = [(d, q) for d, q in line["returns"] if d < TODAY]
            lines.append(line)
        if lines:
            clicks.append({"subtag": subtag, "lines": lines})
    return clicks


def truth(clicks):
    out = []
    for c in clicks:
        qty = sale = com = 0
        last_ship = None
        first_ship = None
        for l in c["lines"]:
            qty += l["qty"]
            sale += l["price"] * l["qty"]
            com += fee(l["price"], l["qty"], l["rate"])
            first_ship = min(first_ship or l["ship"], l["ship"])
            returned = sum(rq for _, rq in l["returns"])
            if l["qty"] - returned > 0:
                # SPEC 3.3: the window runs from the last shipment with something left.
                last_ship = max(last_ship or l["ship"], l["ship"])
            for _, rq in l["returns"]:
                qty -= rq
                sale -= l["price"] * rq
                com -= fee(l["price"], rq, l["rate"])
        if qty <= 0 or last_ship is None:
            status = "declined"
        elif (TODAY - last_ship).days >= WINDOW:
            status = "confirmed"
        else:
            status = "pending"
        out.append({"subtag": c["subtag"], "quantity": qty, "sale_amount": sale, "commission": com, "status": status,
                    "sold_at": first_ship.isoformat()})
    return sorted(out, key=lambda t: t["subtag"])


def rows(clicks):
    """Every report row: (day, subtag, line, signed qty)."""
    out = []
    for c in clicks:
        for l in c["lines"]:
            out.append((l["ship"], c["subtag"], l, l["qty"]))
            for d, rq in l["returns"]:
                out.append((d, c["subtag"], l, -rq))
    return sorted(out, key=lambda r: (r[0], r[1], r[2]["asin"], r[3]))


def money(cents, comma=False, exp=2):
    s = "-" if cents < 0 else ""
    v = abs(cents)
    txt = "%d.%02d" % divmod(v, 100)
    if comma:
        txt = txt.replace(".", ",")
    return s + txt


def fresh(flavour):
    d = os.path.join(HERE, flavour)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    return d


def write_truth(d, clicks, marketplace, currency):
    with open(os.path.join(d, "truth.json"), "w") as f:
        json.dump({"today": TODAY.isoformat(), "marketplace": marketplace, "currency": currency,
                   "transactions": truth(clicks)}, f, indent=1, sort_keys=True)
        f.write("\n")


def datafeed_tsv(clicks, tag="outside-20"):
    """FORMATS §2: gzip, title line, header, data; daily -subtags files; returns as negative rows."""
    d = fresh("datafeed-tsv")
    by_day = {}
    for r in rows(clicks):
        by_day.setdefault(r[0], []).append(r)
    for i in range((TODAY - START).days):
        day = START + dt.timedelta(days=i)
        lines = ["Earnings report for %s from %s to %s" % (tag, day.isoformat(), day.isoformat()),
                 "\t".join(["Product Line", "Item", "ASIN", "Seller", "Tracking ID", "Date Shipped", "Price",
                            "Referral Fee Rate", "Quantity", "Revenue", "Earnings", "Sub Tag"])]
        for day_, subtag, l, q in by_day.get(day, []):
            lines.append("\t".join([l["cat"], '"Item ""%s"""' % l["asin"], l["asin"], "Amazon.com", tag,
                                    day_.strftime("%B %-d, %Y"), money(l["price"]), "%d.%02d" % divmod(l["rate"], 100),
                                    str(q), money(l["price"] * q), money(fee(l["price"], q, l["rate"])), subtag]))
        name = "%s-earnings-report-subtags-%s.tsv.gz" % (tag, day.strftime("%Y%m%d"))
        with open(os.path.join(d, name), "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as f:
            f.write(("\n".join(lines) + "\n").encode())
    write_truth(d, clicks, "www.amazon.com", "USD")


def xml_de(clicks, tag="outside-21"):
    """FORMATS §2, XML flavour: <Data><Items><Item …/>, European decimal commas."""
    d = fresh("datafeed-xml-de")
    by_day = {}
    for r in rows(clicks):
        by_day.setdefault(r[0], []).append(r)
    groups = {c: 100 + i for i, (c, _) in enumerate(CATEGORIES)}
    for i in range((TODAY - START).days):
        day = START + dt.timedelta(days=i)
        items = []
        for day_, subtag, l, q in by_day.get(day, []):
            attrs = {"ASIN": l["asin"], "Category": str(groups[l["cat"]]), "Date": day_.strftime("%B %d, %Y"),
                     "EDate": str(int(dt.datetime(day_.year, day_.month, day_.day, 8, tzinfo=dt.timezone.utc).timestamp())),
                     "Earnings": money(fee(l["price"], q, l["rate"]), True), "LinkType": "asn",
                     "Price": money(l["price"], True), "Qty": str(q), "Rate": ("%d.%02d" % divmod(l["rate"], 100)).replace(".", ","),
                     "Revenue": money(l["price"] * q, True), "Seller": "Amazon.de", "Tag": tag, "SubTag": subtag,
                     "Title": "Artikel & Co <%s>" % l["asin"]}
            items.append("<Item " + " ".join('%s="%s"' % (k, v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;"))
                                             for k, v in attrs.items()) + "/>")
        lines = "".join(
            "<ProductLine><GLProductGroupID>%d</GLProductGroupID><ProductGroupName>%s</ProductGroupName></ProductLine>" % (g, c)
            for c, g in groups.items())
        doc = ('<?xml version="1.0"?><Data><Items>%s</Items><ShipmentTotals><Earnings>0,00</Earnings></ShipmentTotals>'
               '<FinalEarnings>0,00</FinalEarnings><ProductLine_array>%s</ProductLine_array></Data>') % ("".join(items), lines)
        name = "%s-earnings-report-%s.xml.gz" % (tag, day.strftime("%Y%m%d"))
        with open(os.path.join(d, name), "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as f:
            f.write(doc.encode())
    write_truth(d, clicks, "www.amazon.de", "EUR")


def central_csv(clicks, tag="outside-22"):
    """FORMATS §3: one monthly CSV, BOM, title line, Price($), Items Shipped/Returns, a Total row."""
    d = fresh("central-csv")
    out = ["\ufeffFee-Earnings reports from %s to %s" % (START.strftime("%m-%d-%Y"), (TODAY - dt.timedelta(days=1)).strftime("%m-%d-%Y")),
           ",".join(["Category", "Name", "ASIN", "Seller", "Tracking ID", "Date Shipped", "Price($)", "Items Shipped",
                     "Returns", "Revenue($)", "Ad Fees($)", "Device Type Group", "Direct Sale", "Sub Tag"])]
    shipped = returned = 0
    for day, subtag, l, q in rows(clicks):
        s, r = (q, 0) if q > 0 else (0, -q)
        shipped += s
        returned += r
        out.append(",".join([l["cat"], '"Item, %s"' % l["asin"], l["asin"], "Amazon.com", tag, day.isoformat(), money(l["price"]),
                             str(s), str(r), money(l["price"] * q), money(fee(l["price"], q, l["rate"])), "DESKTOP", "Y", subtag]))
    out.append("Total,,,,,,,%d,%d,,,," % (shipped, returned))
    with open(os.path.join(d, "Fee-Earnings-%s.csv" % tag), "w", encoding="utf-8", newline="") as f:
        f.write("\r\n".join(out) + "\r\n")
    write_truth(d, clicks, "www.amazon.com", "USD")


def central_tsv_de(clicks, tag="outside-23"):
    """FORMATS §3: a DE download, Price(€), decimal commas, DD.MM.YYYY, Windows-1252."""
    d = fresh("central-tsv-de")
    out = ["Fee-Earnings reports from %s to %s" % (START.strftime("%d.%m.%Y"), (TODAY - dt.timedelta(days=1)).strftime("%d.%m.%Y")),
           "\t".join(["Category", "Name", "ASIN", "Seller", "Tracking ID", "Date Shipped", "Price(€)", "Items Shipped",
                      "Returns", "Revenue(€)", "Ad Fees(€)", "Device Type Group", "Sub Tag"])]
    for day, subtag, l, q in rows(clicks):
        s, r = (q, 0) if q > 0 else (0, -q)
        out.append("\t".join(["Küche & Haushalt", "Größe „%s“" % l["asin"], l["asin"], "Amazon.de", tag, day.strftime("%d.%m.%Y"),
                              money(l["price"], True), str(s), str(r), money(l["price"] * q, True),
                              money(fee(l["price"], q, l["rate"]), True), "PHONE", subtag]))
    with open(os.path.join(d, "Fee-Earnings-%s.tsv" % tag), "w", encoding="cp1252", newline="") as f:
        f.write("\n".join(out) + "\n")
    write_truth(d, clicks, "www.amazon.de", "EUR")


def daily(clicks):
    """SPEC 4.2 revenues of each day and subtag: every row counts on its own
    date (a return negative, on the day it happened); a subtag is one
    transaction, opened on the days it ships something."""
    out = {}
    for day, subtag, l, q in rows(clicks):
        r = out.setdefault((day, subtag), {"date": day.isoformat(), "custom": subtag, "sale_amount": 0, "commission": 0,
                                           "items_shipped": 0, "items_returned": 0, "transactions": 0})
        r["sale_amount"] += l["price"] * q
        r["commission"] += fee(l["price"], q, l["rate"])
        if q > 0:
            r["items_shipped"] += q
            r["transactions"] = 1
        else:
            r["items_returned"] -= q
    return [out[k] for k in sorted(out)]


def write_daily(flavour, revenues, marketplace, currency):
    """daily/<flavour>.json: the revenues TestOutsideDailyRevenues expects of
    the flavour's files (apart from them, so that no test imports it)."""
    d = os.path.join(HERE, "daily")
    os.makedirs(d, exist_ok=True)
    head = json.dumps({"today": TODAY.isoformat(), "marketplace": marketplace, "currency": currency}, sort_keys=True)
    with open(os.path.join(d, flavour + ".json"), "w") as f:  # one revenue row a line
        f.write(head[:-1] + ', "revenues": [\n' + ",\n".join(json.dumps(r, sort_keys=True) for r in revenues) + "\n]}\n")


def central_bounty(seed, tag="outside-26"):
    """FORMATS §3: a monthly Fee-Bounty download (Name, Date Shipped, Tracking Id,
    Quantity, Ad Fees($)); some sign-ups reversed later by a row of negative
    ad fees (its quantity written either way). Only daily revenue truth: a
    bounty counts on its day, a reversal on its own day as returned items,
    opening no transaction; each bounty is a transaction of its own."""
    rnd = random.Random(seed)
    d = fresh("central-bounty")
    names = [("Prime Free Trial", 300), ("Audible Free Trial", 500), ("Amazon Music Unlimited", 250)]
    events = []
    for _ in range(40):
        name, fee_ = rnd.choice(names)
        day = START + dt.timedelta(days=rnd.randrange(DAYS - 10))
        events.append((day, name, 1, fee_))
        if rnd.random() < 0.3:
            back = day + dt.timedelta(days=rnd.randint(1, 9))
            events.append((back, name, rnd.choice([1, -1]), -fee_))
    events.sort()
    out = ["Fee-Bounty reports from %s to %s" % (START.strftime("%m-%d-%Y"), (TODAY - dt.timedelta(days=1)).strftime("%m-%d-%Y")),
           "Name,Date Shipped,Tracking Id,Quantity,Ad Fees($)"]
    by_day = {}
    for day, name, q, f in events:
        out.append(",".join([name, day.isoformat(), tag, str(q), money(f)]))
        r = by_day.setdefault(day, {"date": day.isoformat(), "custom": "", "sale_amount": 0, "commission": 0,
                                    "items_shipped": 0, "items_returned": 0, "transactions": 0})
        r["commission"] += f
        if f >= 0:
            r["items_shipped"] += q
            r["transactions"] += 1
        else:
            r["items_returned"] += abs(q)
    with open(os.path.join(d, "Fee-Bounty-%s.csv" % tag), "w", encoding="utf-8", newline="") as fh:
        fh.write("\r\n".join(out) + "\r\n")
    write_daily("central-bounty", [by_day[k] for k in sorted(by_day)], "www.amazon.com", "USD")


CENTRAL_HEADER = ["Category", "Name", "ASIN", "Seller", "Tracking ID", "Date Shipped", "Price($)", "Items Shipped",
                  "Returns", "Revenue($)", "Ad Fees($)", "Device Type Group", "Direct Sale", "Sub Tag"]


def central_row(day, subtag, l, q, tag, fee_cents):
    s, r = (q, 0) if q > 0 else (0, -q)
    return ",".join([l["cat"], '"Item, %s"' % l["asin"], l["asin"], "Amazon.com", tag, day.isoformat(), money(l["price"]),
                     str(s), str(r), money(l["price"] * q), money(fee_cents), "DESKTOP", "Y", subtag])


def write_central(d, name, first, last, lines):
    title = "Fee-Earnings reports from %s to %s" % (first.strftime("%m-%d-%Y"), last.strftime("%m-%d-%Y"))
    with open(os.path.join(d, name), "w", encoding="utf-8", newline="") as f:
        f.write("\r\n".join([title, ",".join(CENTRAL_HEADER)] + lines) + "\r\n")


def central_filtered(clicks, tags=("outside-30", "outside-31", "outside-32")):
    """SPEC 3.5: Central lets a user pick one tracking ID per download.

    Three downloads of START..MID, one per tracking ID, must add up. A later
    unfiltered download of MID-7..END overlaps them: for the (day, tracking
    ID) pairs it has rows of, its rows count, so the stale fees the filtered
    ones hold there do not. outside-30's download was re-issued: the first
    version holds a row the re-issue dropped (a subtag that must vanish)
    and a fee the re-issue changed on day REISSUED. The files sort so the
    overlap is imported first and the re-issue after its first version.
    """
    d = fresh("central-filtered")
    mid, end = START + dt.timedelta(days=30), TODAY - dt.timedelta(days=1)
    overlap_from = mid - dt.timedelta(days=7)
    tag_of = {c["subtag"]: tags[i % len(tags)] for i, c in enumerate(clicks)}
    all_rows = [(day, st, l, q, tag_of[st]) for day, st, l, q in rows(clicks)]
    carried = {(day, tag) for day, _, _, _, tag in all_rows if overlap_from <= day <= end}
    reissued_day = next(day for day, _, _, _, tag in all_rows if tag == tags[0] and day < overlap_from)
    for tag in tags:
        true_lines, first_lines = [], []
        changed = False
        for day, st, l, q, t in all_rows:
            if t != tag or day > mid:
                continue
            f = fee(l["price"], q, l["rate"])
            true_lines.append(central_row(day, st, l, q, tag, f))
            stale = f
            if (day, tag) in carried:
                stale = f + 5  # before an adjustment the overlap holds
            elif tag == tags[0] and day == reissued_day and not changed:
                stale, changed = f + 7, True
            first_lines.append(central_row(day, st, l, q, tag, stale))
        stale_name = "Fee-Earnings-%s.csv" % tag
        if tag == tags[0]:
            ghost = {"asin": "B0GHOST001", "cat": "Toys", "rate": 300, "price": 1999}
            first_lines.append(central_row(reissued_day, "ghost-dropped-by-reissue", ghost, 1, tag, fee(1999, 1, 300)))
            write_central(d, "Fee-Earnings-%s-a.csv" % tag, START, mid, first_lines)
            write_central(d, "Fee-Earnings-%s-b-reissued.csv" % tag, START, mid, true_lines)
        else:
            write_central(d, stale_name, START, mid, first_lines)
    overlap = [central_row(day, st, l, q, t, fee(l["price"], q, l["rate"])) for day, st, l, q, t in all_rows if overlap_from <= day <= end]
    write_central(d, "Fee-Earnings-all.csv", overlap_from, end, overlap)
    write_truth(d, clicks, "www.amazon.com", "USD")


def title_styles(tag, day):
    """SPEC 3.5: the title line is free text. Every style the spec names, one per day in turn."""
    long_ = day.strftime("%B %-d, %Y")
    dashed = day.strftime("%m-%d-%Y")
    return [
        ["Earnings Report (Sub Tags) for %s from %s to %s" % (tag, long_, long_)],
        ["Earnings Report (Sub Tags) for %s, from %s to %s" % (tag, dashed, dashed)],
        ["Earnings Report (Sub Tags), %s, from %s to %s" % (tag, day.isoformat(), day.isoformat())],
        ['"Earnings" report for "%s", %s (5" screens, "unclosed' % (tag, long_)],
        ["Earnings report; %s; Sub Tags; %s" % (tag, long_)],
        ["Amazon Associates, %s" % tag, "Earnings Report (Sub Tags) from %s to %s" % (long_, long_)],
        ["Earnings Report (Sub Tags) for %s from %s to %s" % (tag, long_, long_), ""],
        [],
    ][day.toordinal() % 8]


def datafeed_titles(clicks, tag="outside-24"):
    """FORMATS 2 with the title lines SPEC 3.5 allows: commas, quotes, semicolons, dates in
    words, dashes or ISO, two preamble lines, a blank line before the header, no title."""
    d = fresh("datafeed-titles")
    by_day = {}
    for r in rows(clicks):
        by_day.setdefault(r[0], []).append(r)
    for i in range((TODAY - START).days):
        day = START + dt.timedelta(days=i)
        lines = title_styles(tag, day) + [
            "\t".join(["Product Line", "Item", "ASIN", "Seller", "Tracking ID", "Date Shipped", "Price",
                       "Referral Fee Rate", "Quantity", "Revenue", "Earnings", "Sub Tag"])]
        for day_, subtag, l, q in by_day.get(day, []):
            lines.append("\t".join([l["cat"], "Item, %s" % l["asin"], l["asin"], "Amazon.com", tag,
                                    day_.strftime("%B %-d, %Y"), money(l["price"]), "%d.%02d" % divmod(l["rate"], 100),
                                    str(q), money(l["price"] * q), money(fee(l["price"], q, l["rate"])), subtag]))
        name = "%s-earnings-report-subtags-%s.tsv.gz" % (tag, day.strftime("%Y%m%d"))
        with open(os.path.join(d, name), "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as f:
            f.write(("\n".join(lines) + "\n").encode())
    write_truth(d, clicks, "www.amazon.com", "USD")


def central_uk_gbp(clicks, tag="outside-25"):
    """FORMATS 3, UK: no currency suffix, day-first dates, Direct; imported into a connection
    made with --currency GBP alone (SPEC 3.5: the explicit currency is the transactions')."""
    d = fresh("central-uk-gbp")
    out = ["Fee-Earnings reports from %s to %s" % (START.strftime("%d-%m-%Y"), (TODAY - dt.timedelta(days=1)).strftime("%d-%m-%Y")),
           "\t".join(["Category", "Name", "ASIN", "Seller", "Tracking ID", "Date Shipped", "Price", "Items Shipped",
                      "Returns", "Revenue", "Ad Fees", "Device Type Group", "Direct", "Sub Tag"])]
    for day, subtag, l, q in rows(clicks):
        s, r = (q, 0) if q > 0 else (0, -q)
        out.append("\t".join([l["cat"], "Item %s" % l["asin"], l["asin"], "Amazon.co.uk", tag, day.strftime("%d/%m/%Y"),
                              "{:,.2f}".format(l["price"] / 100), str(s), str(r), money(l["price"] * q),
                              money(fee(l["price"], q, l["rate"])), "TABLET", "N", subtag]))
    with open(os.path.join(d, "Fee-Earnings-%s.tsv" % tag), "w", encoding="utf-8", newline="") as f:
        f.write("\n".join(out) + "\n")
    write_truth(d, clicks, "", "GBP")
    # How the connection is made: `affsync connection add amazon --connector import --mode subtags
    # --store-id s-25 --currency GBP`, the marketplace left at its default.
    with open(os.path.join(d, "connection.json"), "w") as f:
        json.dump({"currency": "GBP", "marketplace": ""}, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    datafeed_tsv(events(1))
    xml_de(events(2))
    central_csv(events(3))
    central_tsv_de(events(4))
    datafeed_titles(events(5))
    central_uk_gbp(events(6))
    for flavour, seed, marketplace, currency in (("datafeed-tsv", 1, "www.amazon.com", "USD"), ("datafeed-xml-de", 2, "www.amazon.de", "EUR"),
                                                 ("central-csv", 3, "www.amazon.com", "USD"), ("central-tsv-de", 4, "www.amazon.de", "EUR"),
                                                 ("datafeed-titles", 5, "www.amazon.com", "USD")):
        write_daily(flavour, daily(events(seed)), marketplace, currency)
    central_bounty(5)
    central_filtered(events(7))
