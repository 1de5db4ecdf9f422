"""Duplicate detection at scale: 100,000 customers, 1,000 planted duplicates.

Generates customer companies with realistic Chinese and Latin names, phones, e-mails, tax
IDs and addresses (by SQL, the stored keys computed with the addon's own normalisation and
Odoo's phone and e-mail normalisation), then plants 1,000 duplicates: copies of other
customers whose name varies (another legal form, full-width characters, other spacing, one
typo) and whose phone is typed in another format; each keeps the phone (70 %), the e-mail
(50 %), the tax ID (30 %) and the address (60 %) of its original, at random, like a
customer entered twice by two people. Then times ``customer.duplicate._detect()`` (first
run, then a rerun that updates the same pairs) and prints recall (planted pairs found /
1,000), precision (planted pairs found / pairs found) and peak memory. Targets on 2 cores:
recall >= 95 %, precision >= 90 %, <= 30 s, <= 1 GB. A miss is reported, not raised.

The database (no demo data) is kept and reused by the next run, since generating it takes
a few minutes: ``--fresh`` drops and rebuilds it, ``--update`` updates the addon in it
first (after a change of its fields). The pairs are emptied before each timing.

Usage: cd bench && python3 bench_duplicates.py [--partners 100000] [--planted 1000]
       [--db cc_bench_duplicates] [--fresh] [--update]
"""

import argparse
import io
import os
import random
import subprocess
import sys

import phonenumbers
from _common import MODULE, REPO, Timer, addons_path, machine, peak_rss_mb

import odoo
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.tools import email_normalize

sys.path.insert(0, REPO)
from engine.normalize import name_key

SEED = 13
CITIES = [
    "北京",
    "上海",
    "深圳",
    "广州",
    "杭州",
    "南京",
    "成都",
    "武汉",
    "西安",
    "苏州",
    "天津",
    "重庆",
    "长沙",
    "青岛",
    "厦门",
    "宁波",
]
HANZI = (
    "华为中兴联想腾讯阿里百度京东美格力海尔长城恒大万科顺丰比亚迪宏达盛鑫源泰安康博瑞新天宇龙凤"
    "金银星光明德信通汇融嘉和平润佳铭辉晨阳云峰川江河湖林森志远东方南北利祥福昌永隆兴旺富贵吉庆"
    "正大同仁义礼智勇诚实创豪杰英雄凯旋腾飞翔鹏程锦绣华夏神州九洲环球科达力帆奥普丽雅"
)
INDUSTRIES = [
    "科技",
    "电子",
    "贸易",
    "实业",
    "机械",
    "化工",
    "食品",
    "物流",
    "建设",
    "医药",
    "纺织",
    "软件",
    "信息技术",
    "环保",
    "能源",
    "商贸",
]
CN_FORMS = ["有限公司", "股份有限公司", "有限责任公司", "集团有限公司"]
SYLLABLES = [
    "ka",
    "ri",
    "mo",
    "ven",
    "tal",
    "sor",
    "bel",
    "dra",
    "qui",
    "nex",
    "lum",
    "por",
    "gar",
    "fen",
    "hol",
    "wis",
    "tan",
    "zer",
    "vor",
    "mil",
    "cor",
    "pra",
    "sten",
    "bri",
    "lo",
    "ma",
    "ne",
    "ti",
    "ru",
    "sa",
    "de",
    "fo",
    "gu",
    "ha",
    "je",
    "ko",
    "le",
    "pi",
    "ro",
    "su",
    "va",
    "wo",
    "xi",
    "ya",
    "zu",
]
LATIN_INDUSTRIES = [
    "Trading",
    "Industries",
    "Logistics",
    "Electronics",
    "Foods",
    "Chemicals",
    "Machinery",
    "Software",
    "Systems",
    "Textiles",
    "Pharma",
    "Engineering",
    "Consulting",
    "Materials",
    "Energy",
    "Holdings",
    "Solutions",
]
LATIN_FORMS = ["Co., Ltd.", "Ltd", "Inc.", "LLC", "GmbH", "Corporation", "Limited"]
STREETS_CN = [
    "人民",
    "中山",
    "解放",
    "建设",
    "和平",
    "新华",
    "胜利",
    "文化",
    "长江",
    "黄河",
    "光明",
    "迎宾",
    "滨江",
    "世纪",
    "科技",
    "创业",
]
STREETS_EN = [
    "Oak",
    "Maple",
    "Cedar",
    "Pine",
    "Elm",
    "Lake",
    "Hill",
    "Park",
    "River",
    "Sunset",
    "Market",
    "Church",
    "Mill",
    "Bridge",
]
FULL_WIDTH = {
    c: chr(ord(c) + 0xFEE0)
    for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
}
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="cc_bench_duplicates")
    parser.add_argument("--partners", type=int, default=100_000)
    parser.add_argument("--planted", type=int, default=1_000)
    parser.add_argument("--fresh", action="store_true", help="drop and rebuild the database")
    parser.add_argument("--update", action="store_true", help="update the addon in it first")
    return parser.parse_args()


# ----------------------------------------------------------------------
# Data
# ----------------------------------------------------------------------
class Generator:
    def __init__(self, seed=SEED):
        self.rng = random.Random(seed)
        self.keys, self.phones, self.vats = set(), set(), set()

    def chinese(self):
        rng = self.rng
        brand = "".join(rng.choice(HANZI) for _ in range(rng.choice((2, 2, 3))))
        return rng.choice(CITIES) + brand + rng.choice(INDUSTRIES) + rng.choice(CN_FORMS)

    def latin(self):
        rng = self.rng
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 3)))).capitalize()
        second = "".join(rng.choice(SYLLABLES) for _ in range(2)).capitalize()
        return f"{word} {second} {rng.choice(LATIN_INDUSTRIES)} {rng.choice(LATIN_FORMS)}"

    def customer(self, index):
        rng = self.rng
        chinese = rng.random() < 0.6
        while True:
            name = self.chinese() if chinese else self.latin()
            if name_key(name) not in self.keys:
                break
        self.keys.add(name_key(name))
        while True:
            if chinese:
                number = f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"
                phone = f"+86 {number[:3]} {number[3:7]} {number[7:]}"
            else:
                number = (
                    f"{rng.choice((202, 212, 305, 415, 617, 718))}555{rng.randrange(10**4):04d}"
                )
                phone = f"+1 {number[:3]}-{number[3:6]}-{number[6:]}"
            if number not in self.phones:
                break
        self.phones.add(number)
        while True:
            vat = "91" + "".join(rng.choice(USCC_CHARS) for _ in range(16))
            if vat not in self.vats:
                break
        self.vats.add(vat)
        if chinese:
            street = f"{rng.choice(STREETS_CN)}路{rng.randrange(1, 10000)}号"
            city, zip_code, country = rng.choice(CITIES), f"{rng.randrange(100000, 999999)}", "CN"
        else:
            street = f"{rng.randrange(1, 10000)} {rng.choice(STREETS_EN)} Street"
            city, zip_code, country = "Springfield", f"{rng.randrange(10000, 99999)}", "US"
        return {
            "name": name,
            "chinese": chinese,
            "phone": phone,
            "number": number,
            "email": f"contact{index}@{rng.choice(SYLLABLES)}{index % 977}.example.com",
            "vat": vat,
            "street": street,
            "city": city,
            "zip": zip_code,
            "country": country,
        }

    def variant_name(self, name, chinese):
        """Another spelling of ``name``: legal form, full width, spacing or one typo."""
        rng = self.rng
        kind = rng.choices(("form", "width", "spacing", "typo"), (30, 20, 20, 30))[0]
        if kind == "form":
            forms = CN_FORMS if chinese else LATIN_FORMS
            for form in sorted(forms, key=len, reverse=True):
                if name.endswith(form):
                    return (
                        name[: -len(form)].rstrip()
                        + ("" if chinese else " ")
                        + rng.choice([f for f in forms if f != form])
                    )
        if kind == "width":
            if chinese:
                # the city in full-width brackets, an ideographic space
                city = next((c for c in CITIES if name.startswith(c)), "")
                return f"（{city}）　{name[len(city) :]}"
            return "".join(FULL_WIDTH.get(c, c) for c in name)
        if kind == "spacing":
            if chinese:
                cut = rng.randrange(2, 5)
                return f"{name[:cut]} {name[cut:]}"
            return name.replace(" ", "  ", 1).replace(",", " ,").upper()
        # one typo: a character replaced, not in the legal form
        key = name_key(name)
        position = rng.randrange(1 if chinese else 0, max(2, len(key) - 1))
        pool = HANZI if chinese else "abcdefghijklmnopqrstuvwxyz"
        letter = name[position] if position < len(name) else ""
        return name[:position] + rng.choice([c for c in pool if c != letter]) + name[position + 1 :]

    def duplicate(self, original):
        rng = self.rng
        dup = dict(original, name=self.variant_name(original["name"], original["chinese"]))
        number = original["number"]
        dup["phone"] = (
            rng.choice((number, f"{number[:3]}-{number[3:7]}-{number[7:]}", f"0086{number}"))
            if original["chinese"]
            else rng.choice((f"({number[:3]}) {number[3:6]}-{number[6:]}", number, f"1{number}"))
        )
        if rng.random() >= 0.7:
            dup["phone"] = None
        if rng.random() < 0.5:
            dup["email"] = original["email"].upper()
        else:
            dup["email"] = rng.choice((None, f"other{rng.randrange(10**9)}@mail.example.net"))
        dup["vat"] = original["vat"].lower() if rng.random() < 0.3 else None
        if rng.random() < 0.6:
            dup["street"] = original["street"].replace(" ", "  ") + " "
        else:
            dup["street"], dup["zip"] = None, None
        return dup


def e164(phone, country):
    if not phone:
        return None
    try:
        parsed = phonenumbers.parse(phone, country)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def generate(env, args):
    """Insert the customers and the planted duplicates; remember the planted pairs."""
    cr = env.cr
    gen = Generator()
    rows = [gen.customer(i) for i in range(args.partners - args.planted)]
    picks = gen.rng.sample(range(len(rows)), args.planted)
    planted = [(index, gen.duplicate(rows[index])) for index in picks]
    rows += [dup for _index, dup in planted]
    countries = dict(env.execute_query(odoo.tools.SQL("SELECT code, id FROM res_country")))
    buffer = io.StringIO()

    def cell(value):
        if value is None:
            return r"\N"
        return str(value).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")

    for row in rows:
        values = (
            row["name"],
            row["name"],
            name_key(row["name"]) or None,
            row["phone"],
            e164(row["phone"], row["country"]),
            row["email"],
            email_normalize(row["email"]) if row["email"] else None,
            row["vat"],
            row["street"],
            row["city"],
            row["zip"],
            countries[row["country"]],
        )
        buffer.write("\t".join(cell(v) for v in values) + "\n")
    buffer.seek(0)
    cr.execute(
        "CREATE TEMP TABLE bench_row (name text, complete_name text, customer_name_key text,"
        " phone text, customer_phone_e164 text, email text, email_normalized text, vat text,"
        " street text, city text, zip text, country_id int, n serial)"
    )
    cr._obj.copy_expert(
        "COPY bench_row (name, complete_name, customer_name_key, phone, customer_phone_e164,"
        " email, email_normalized, vat, street, city, zip, country_id) FROM STDIN",
        buffer,
    )
    cr.execute(
        """
        CREATE TABLE bench_duplicate_partner (n int PRIMARY KEY, partner_id int);
        WITH inserted AS (
            INSERT INTO res_partner
                (name, complete_name, customer_name_key, phone, customer_phone_e164, email,
                 email_normalized, vat, street, city, zip, country_id, is_company,
                 customer_rank, supplier_rank, active, type, autopost_bills, create_date,
                 write_date, create_uid, write_uid, ref)
            SELECT name, complete_name, customer_name_key, phone, customer_phone_e164, email,
                   email_normalized, vat, street, city, zip, country_id, true, 1, 0, true,
                   'contact', 'ask', now(), now(), 1, 1, 'bench-dup-' || n
              FROM bench_row ORDER BY n
            RETURNING id, ref
        )
        INSERT INTO bench_duplicate_partner
        SELECT substr(ref, 11)::int, id FROM inserted;
        UPDATE res_partner SET commercial_partner_id = id, ref = NULL
         WHERE ref LIKE 'bench-dup-%%';
        CREATE TABLE bench_duplicate_planted (a int, b int);
        """
    )
    first_dup = len(rows) - args.planted + 1  # bench_row.n starts at 1
    pairs = [(index + 1, first_dup + i) for i, (index, _dup) in enumerate(planted)]
    cr.execute(
        "INSERT INTO bench_duplicate_planted SELECT LEAST(x.partner_id, y.partner_id),"
        " GREATEST(x.partner_id, y.partner_id) FROM unnest(%s::int[], %s::int[]) p(o, d)"
        " JOIN bench_duplicate_partner x ON x.n = p.o JOIN bench_duplicate_partner y ON y.n = p.d",
        [[o for o, _d in pairs], [d for _o, d in pairs]],
    )
    cr.execute("ANALYZE res_partner")
    cr.commit()


# ----------------------------------------------------------------------
# Database kept between runs
# ----------------------------------------------------------------------
def odoo_cli(db, path, *options):
    subprocess.run(
        [
            sys.executable,
            "-c",
            "from odoo.cli.command import main; main()",
            "-d",
            db,
            f"--addons-path={path}",
            *options,
            "--stop-after-init",
            "--log-level=warn",
        ],
        check=True,
    )


def database_state(db):
    """'ready' (generated), 'empty' (addon installed, no data) or None (no database)."""
    out = subprocess.run(
        ["psql", "-d", db, "-Atc", "SELECT to_regclass('bench_duplicate_planted') IS NOT NULL"],
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode:
        return None
    return "ready" if out.stdout.strip() == "t" else "empty"


def open_database(args):
    """The registry of the bench database: reused when generated before, else created."""
    path = addons_path()
    if args.fresh:
        subprocess.run(["dropdb", "--if-exists", args.db], check=True)
    state = database_state(args.db)
    if state is None:
        print(f"Creating database {args.db} with {MODULE} (no demo data) ...", flush=True)
        odoo_cli(args.db, path, "-i", MODULE, "--without-demo=all")
    elif args.update:
        odoo_cli(args.db, path, "-u", MODULE)
    odoo.tools.config.parse_config(
        [f"--addons-path={path}", "--log-level=warn", f"--database={args.db}"]
    )
    return Registry(args.db), state == "ready"


def measure(env):
    """Two detections from no pairs at all; the figures of the second's result."""
    cr, Pair = env.cr, env["customer.duplicate"]
    cr.execute("DELETE FROM customer_duplicate")
    cr.commit()
    timings = []
    for _label in ("first", "rerun"):
        env.invalidate_all()
        with Timer() as run:
            counts = Pair._detect()
            cr.commit()
        timings.append((run.elapsed, counts))
    cr.execute(
        """
        SELECT (SELECT count(*) FROM bench_duplicate_planted), count(*), count(p.a),
               count(*) FILTER (WHERE same_phone), count(*) FILTER (WHERE same_email),
               count(*) FILTER (WHERE same_vat), count(*) FILTER (WHERE similar_name)
          FROM customer_duplicate d
          LEFT JOIN bench_duplicate_planted p ON p.a = d.partner_a_id AND p.b = d.partner_b_id
        """
    )
    return timings, cr.fetchone(), Pair._threshold()


def main():
    args = parse_args()
    registry, ready = open_database(args)
    print(machine())
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        if ready:
            print(f"Reusing the generated database {args.db}", flush=True)
        else:
            with Timer() as gen_time:
                generate(env, args)
            print(f"Generated {args.partners:,} customers in {gen_time.elapsed:.0f} s", flush=True)
        timings, figures, threshold = measure(env)
    odoo.sql_db.close_all()
    planted, found, right, phone, email, vat, name = figures
    recall = right / planted if planted else 0
    precision = right / found if found else 0
    (first, first_counts), (rerun, rerun_counts) = timings
    rss = peak_rss_mb()
    print(f"Name similarity threshold: {threshold}")
    print(
        f"Pairs found: {found:,} (phone {phone:,}, e-mail {email:,}, tax ID {vat:,}, name {name:,})"
    )
    print(f"Recall: {right:,} / {planted:,} planted = {recall:.1%} (target >= 95 %)")
    print(f"Precision: {right:,} / {found:,} found = {precision:.1%} (target >= 90 %)")
    print(f"_detect(), first run: {first:.1f} s {first_counts} (target <= 30 s)")
    print(f"_detect(), rerun: {rerun:.1f} s {rerun_counts}")
    print(f"Peak RSS: {rss:.0f} MB (target <= 1024 MB)")
    misses = [
        label
        for label, ok in (
            ("recall", recall >= 0.95),
            ("precision", precision >= 0.9),
            ("time", first <= 30),
            ("memory", rss <= 1024),
        )
        if not ok
    ]
    print("Targets missed: " + ", ".join(misses) if misses else "All targets met.")


if __name__ == "__main__":
    os.chdir(os.path.dirname(os.path.abspath(__file__)))
    main()
