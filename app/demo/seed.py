"""Fill the database with a fictional Dongkou; every step skips what already exists, so it can run twice."""

import random
import secrets
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from sqlalchemy import func, insert, text

from app.accounts.models import User
from app.accounts.services import create_user
from app.audit.services import Actor
from app.catalog.management import store_picture
from app.catalog.models import Category, Certification, Product, ProductImage, Sku
from app.delivery.management import set_rule
from app.delivery.models import DeliveryRule
from app.demo import data
from app.demo.booths import seed_booths
from app.demo.lots import seed_lots
from app.demo.pictures import draw_product_picture
from app.demo.sales import seed_sales
from app.demo.settlement import seed_settlement
from app.demo.units import seed_units
from app.domain import roles
from app.domain.delivery_fees import EVERYWHERE, Rule
from app.domain.identity import id_check_char
from app.domain.money import allocate
from app.events.models import Event
from app.extensions import db
from app.impact.models import LedgerDay, LedgerMonth
from app.registry.models import BenefitLink, Household, Producer, Township, Village


@dataclass(frozen=True)
class County:
    """A county of the province scale. Dongkou comes first and is the only county of the other
    scales; the others repeat its layout of townships under their own names (fictional data)."""

    # Prefix of its townships' codes ("" for Dongkou, whose codes stand alone); two letters, as
    # the codes of its SKUs and their lots are built from them and hold 32 characters.
    code: str
    name: str
    name_en: str
    admin_code: str  # administrative division code: the prefix of its people's ID numbers

    def township_code(self, code: str) -> str:
        return f"{self.code}-{code}" if self.code else code

    def township_name(self, name: str) -> str:
        return f"{self.name}{name}" if self.code else name

    @property
    def registration_prefix(self) -> str:
        return self.admin_code if self.code else "DK"


# Dongkou and the other counties and county-level cities of Shaoyang prefecture.
COUNTIES = [
    County("", "洞口县", "Dongkou County", "430525"),
    County("sd", "邵东市", "Shaodong", "430521"),
    County("xs", "新邵县", "Xinshao County", "430522"),
    County("sy", "邵阳县", "Shaoyang County", "430523"),
    County("lh", "隆回县", "Longhui County", "430524"),
    County("sn", "绥宁县", "Suining County", "430527"),
    County("xn", "新宁县", "Xinning County", "430528"),
    County("cb", "城步苗族自治县", "Chengbu County", "430529"),
    County("wg", "武冈市", "Wugang", "430581"),
    County("sq", "双清区", "Shuangqing District", "430502"),
]


def county_of(township: Township) -> County:
    """The county a seeded township belongs to, from its code (natural keys, never row ids)."""
    prefix, dash, _rest = township.code.partition("-")
    return next((c for c in COUNTIES if dash and c.code == prefix), COUNTIES[0])


def _located(township: Township) -> str:
    """The township with its county, as a description says where a product grows."""
    county = county_of(township)
    return township.name if county.code else county.name + township.name


def _english_place(township: Township) -> str:
    county = county_of(township)
    local = township.code.removeprefix(f"{county.code}-").title()
    return f"{county.name_en.split()[0]} {local}" if county.code else local


def _place(township: Township) -> str:
    """The short place name that starts the township's producers' and products' names."""
    county = county_of(township)
    return county.name[:2] + township.name.removeprefix(county.name)[:2] if county.code else township.name[:2]


@dataclass(frozen=True)
class Scale:
    villages: int  # per county
    households_per_village: int
    producers: int  # per county
    order_lines: int  # in all
    every_producer_sells: bool = False
    counties: int = 1

    def with_counties(self, counties: int) -> "Scale":
        """The same counties, more or fewer of them (each with its share of the sales)."""
        return replace(self, counties=counties, order_lines=self.order_lines // self.counties * counties)


SCALES = {
    "demo": Scale(villages=96, households_per_village=6, producers=24, order_lines=1_500),
    # Figures from the county report: 334 villages, 32,043 registered households, 169 producers.
    "county": Scale(
        villages=334, households_per_village=96, producers=169, order_lines=300_000, every_producer_sells=True
    ),
    # Ten counties of the county's size: what a provincial platform holds for one prefecture.
    "province": Scale(
        villages=334,
        households_per_village=96,
        producers=169,
        order_lines=3_000_000,
        every_producer_sells=True,
        counties=10,
    ),
}


CROPS = ["蜜橘", "脐橙", "油茶", "水稻", "生猪", "楠竹", "香菇", "茶叶", "蜂蜜", "蔬菜", "中药材", "红薯"]


@dataclass
class SeedReport:
    created: dict[str, int] = field(default_factory=dict)
    credentials: list[tuple[str, str, str]] = field(default_factory=list)

    def count(self, what: str, n: int) -> None:
        if n:
            self.created[what] = self.created.get(what, 0) + n


def seed_demo(scale_name: str, today: date, counties: int | None = None) -> SeedReport:
    """Create whatever part of the demo county is missing. Commits per step. ``counties``, for
    the province: how many of its counties (ten unless said)."""
    scale = SCALES[scale_name] if counties is None else SCALES[scale_name].with_counties(counties)
    report = SeedReport()
    townships = _townships(report, scale.counties)
    villages = _villages(townships, scale, report)
    _households(townships, villages, scale, report)
    producers = _producers(townships, scale, report)
    _benefit_links(producers, report)
    _catalogue(townships, producers, today, report)
    if scale.every_producer_sells:
        _cooperative_products(townships, producers, today, report)
    _events(today, report)
    _delivery_rules(report)
    _users(report)
    report.count("order_lines", seed_sales(scale.order_lines, today))
    report.count("lots", seed_lots(today))
    report.count("supporting_units", seed_units(today))
    db.session.commit()
    booths, booth_sales = seed_booths(today)
    report.count("booths", booths)
    report.count("booth_sales", booth_sales)
    report.count("statements", seed_settlement(today, report.credentials))
    if report.created.get("order_lines"):
        _settle_bulk_load()
    return report


def _settle_bulk_load() -> None:
    """Millions of rows just arrived: give the planner their statistics now rather than whenever
    autovacuum gets round to it, or the first reports plan for empty tables. On PostgreSQL the
    VACUUM also marks the new pages all-visible, which index-only scans of the roll-up's
    covering index (day, amount_fen) need."""
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        # VACUUM refuses to run inside a transaction.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            # The roll-ups were written by upserts, batch after batch: each batch rewrote the
            # rows of keys it shared with earlier ones, and a whole-province report scans the dead
            # versions too (the province's monthly roll-up took 1.8 GB). A shop's roll-up grows
            # a sale at a time, its dead rows reused by autovacuum; rewritten once, the demo's
            # match that. The table names are our models'.
            rollups = f"{LedgerDay.__tablename__}, {LedgerMonth.__tablename__}"
            connection.execute(text(f"VACUUM (FULL) {rollups}"))
            connection.execute(text("VACUUM (ANALYZE)"))
    else:
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def _townships(report: SeedReport, counties: int) -> list[Township]:
    existing = {t.code: t for t in db.session.execute(db.select(Township)).scalars()}
    wanted = []
    for number, county in enumerate(COUNTIES[:counties]):
        for order, (local_code, local_name, kind) in enumerate(data.TOWNSHIPS):
            code, name = county.township_code(local_code), county.township_name(local_name)
            wanted.append(code)
            if code not in existing:
                existing[code] = Township(
                    code=code,
                    name=name,
                    kind=kind,
                    sort_order=number * 100 + order,
                    description=f"{local_name}位于{county.name}，出产的农特产品经本商城销售，收益带动当地建档立卡贫困户。",
                )
                db.session.add(existing[code])
                report.count("townships", 1)
    db.session.commit()
    return [existing[code] for code in wanted]


def _village_names(rng: random.Random, count: int) -> list[str]:
    pairs = [a + b for a in data.VILLAGE_FIRST for b in data.VILLAGE_SECOND]
    rng.shuffle(pairs)
    # Two pairs can spell the same name; the first spelling wins (the county's lists have none).
    return [p + "村" for p in list(dict.fromkeys(pairs))[:count]]


def _villages_per_township(total: int, count: int) -> list[int]:
    # Townships differ in size; fixed random weights keep the split the same on every run.
    rng = random.Random(24)
    weights = [rng.randint(5, 15) for _ in range(count)]
    return allocate(total, weights)


def _villages(townships: list[Township], scale: Scale, report: SeedReport) -> list[Village]:
    existing = {(v.township_id, v.name) for v in db.session.execute(db.select(Village)).scalars()}
    # Every county splits its villages the same way among its townships.
    per_township = _villages_per_township(scale.villages, len(data.TOWNSHIPS)) * scale.counties
    for index, (township, want) in enumerate(zip(townships, per_township, strict=False)):
        # The same seed per township makes the demo's villages the first ones of the county scale.
        for name in _village_names(random.Random(index), max(want, 1)):
            if (township.id, name) not in existing:
                db.session.add(Village(township_id=township.id, name=name))
                report.count("villages", 1)
    db.session.commit()
    return list(db.session.execute(db.select(Village).order_by(Village.id)).scalars())


def fictional_id_number(rng: random.Random, admin_code: str) -> str:
    born = date(1950, 1, 1) + timedelta(days=rng.randint(0, 365 * 50))
    first17 = f"{admin_code}{born:%Y%m%d}{rng.randint(0, 999):03d}"
    return first17 + id_check_char(first17)


def _person_name(rng: random.Random) -> str:
    given = rng.choice(data.GIVEN) + (rng.choice(data.GIVEN) if rng.random() < 0.8 else "")
    return rng.choice(data.SURNAMES) + given


def _households(townships: list[Township], villages: list[Village], scale: Scale, report: SeedReport) -> None:
    # Everything is derived from natural keys (township order, village name), never from row
    # ids, so the same county comes out on any database and the demo is a subset of the county.
    existing = set(db.session.execute(db.select(Household.registration_no)).scalars())
    rows = []
    in_township = defaultdict(list)
    for village in villages:
        in_township[village.township_id].append(village)
    for index, township in enumerate(townships):
        county, t_index = county_of(township), index % len(data.TOWNSHIPS) + 1
        for v_index, village in enumerate(in_township[township.id], start=1):
            key = f"{township.code}/{village.name}"
            average = scale.households_per_village
            size = random.Random(f"size/{key}/{average}").randint(average // 2, average + average // 2)
            for n in range(size):
                registration_no = f"{county.registration_prefix}{t_index:02d}{v_index:03d}{n:03d}"
                if registration_no not in existing:
                    rng = random.Random(f"{key}/{n}")
                    rows.append(_household_row(rng, registration_no, village.id, county.admin_code))
    for start in range(0, len(rows), 5000):
        db.session.execute(insert(Household), rows[start : start + 5000])
    report.count("households", len(rows))
    db.session.commit()


def _household_row(rng: random.Random, registration_no: str, village_id: int, admin_code: str) -> dict:
    lifted = rng.random() < 0.6
    return dict(
        registration_no=registration_no,
        village_id=village_id,
        head_name=_person_name(rng),
        id_number=fictional_id_number(rng, admin_code),
        phone=f"1{rng.choice('3578')}{rng.randint(0, 999999999):09d}",
        members=rng.randint(1, 6),
        status="lifted" if lifted else "registered",
        lifted_on=date(rng.choice((2017, 2018, 2019, 2020)), rng.randint(1, 12), 1) if lifted else None,
        group_name=f"{rng.randint(1, 8)}组",
    )


def _producer_specs(townships: list[Township], scale: Scale) -> list[tuple[str, str, Township]]:
    """Dongkou's producers of the catalogue's products first, then cooperatives of each county's
    crops (``{place}{crop}种植专业合作社``) up to the scale's count per county."""
    by_code = {t.code: t for t in townships}
    specs: list[tuple[str, str, Township]] = []
    for _slug, name, _sub, _cat, town_code, *_rest in data.PRODUCTS:
        township = by_code[town_code]
        kind = "enterprise" if len(specs) % 3 == 2 else "cooperative"
        template = data.PRODUCER_KIND_NAMES[kind]
        specs.append((template.format(town=township.name[:2], crop=name), kind, township))
    for number, county in enumerate(COUNTIES[: scale.counties]):
        own = [t for t in townships if county_of(t) == county]
        rng = random.Random(169 if number == 0 else f"169/{county.code}")
        combos = [(t, c) for t in own for c in CROPS]
        rng.shuffle(combos)
        wanted = len(specs) + scale.producers - (len(data.PRODUCTS) if number == 0 else 0)
        for township, crop in combos[: wanted - len(specs)]:
            specs.append((f"{_place(township)}{crop}种植专业合作社", "cooperative", township))
    return specs


def _producers(townships: list[Township], scale: Scale, report: SeedReport) -> dict[str, Producer]:
    existing = {p.name: p for p in db.session.execute(db.select(Producer)).scalars()}
    for name, kind, township in _producer_specs(townships, scale):
        if name not in existing:
            existing[name] = Producer(
                name=name,
                kind=kind,
                township_id=township.id,
                description=f"{township.name}的{'企业' if kind == 'enterprise' else '农民专业合作社'}，与当地贫困户签订带贫协议。",
            )
            db.session.add(existing[name])
            report.count("producers", 1)
    db.session.commit()
    return existing


def _benefit_links(producers: dict[str, Producer], report: SeedReport) -> None:
    linked = set(db.session.execute(db.select(BenefitLink.producer_id).distinct()).scalars())
    for producer in sorted(producers.values(), key=lambda p: p.id):
        if producer.id in linked:
            continue
        candidates = list(
            db.session.execute(
                db.select(Household.id)
                .join(Village)
                .where(Village.township_id == producer.township_id)
                .order_by(Household.id)
            ).scalars()
        )
        rng = random.Random(producer.name)
        chosen = rng.sample(candidates, min(len(candidates), rng.randint(8, 30)))
        for household_id in sorted(chosen):
            db.session.add(
                BenefitLink(
                    producer_id=producer.id,
                    household_id=household_id,
                    weight=rng.randint(1, 3),
                    valid_from=date(2019, 1, 1),
                )
            )
        report.count("benefit_links", len(chosen))
    db.session.commit()


def _catalogue(townships, producers, today: date, report: SeedReport) -> None:
    categories = {c.slug: c for c in db.session.execute(db.select(Category)).scalars()}
    for slug, name, order in data.CATEGORIES:
        if slug not in categories:
            categories[slug] = Category(slug=slug, name=name, name_en=data.CATEGORY_ENGLISH[slug], sort_order=order)
            db.session.add(categories[slug])
    db.session.flush()
    by_code = {t.code: t for t in townships}
    existing = set(db.session.execute(db.select(Product.slug)).scalars())
    producer_list = [p for p in producers.values()]
    for index, (slug, name, subtitle, category, town_code, picture, featured, certified, skus) in enumerate(
        data.PRODUCTS
    ):
        if slug in existing:
            continue
        township = by_code[town_code]
        producer = next(p for p in producer_list if p.township_id == township.id and name in p.name)
        village = db.session.execute(
            db.select(Village).where(Village.township_id == township.id).order_by(Village.id).limit(1)
        ).scalar_one()
        _add_product(
            slug,
            name,
            subtitle,
            categories[category],
            producer,
            township,
            village,
            featured,
            certified,
            skus,
            picture,
            index,
            today,
            english=data.PRODUCT_ENGLISH[slug],
        )
        report.count("products", 1)
    db.session.commit()


def _cooperative_products(townships, producers: dict[str, Producer], today: date, report: SeedReport) -> None:
    """One product for each cooperative that has none yet, from what it grows."""
    categories = {c.slug: c for c in db.session.execute(db.select(Category)).scalars()}
    selling = set(db.session.execute(db.select(Product.producer_id)).scalars())
    by_id = {t.id: t for t in townships}
    for index, producer in enumerate(sorted(producers.values(), key=lambda p: p.id), start=len(data.PRODUCTS)):
        township = by_id[producer.township_id]
        crop = producer.name.removeprefix(_place(township)).removesuffix("种植专业合作社")
        if producer.id in selling or crop not in data.CROP_PRODUCTS:
            continue
        stem, product_name, subtitle, category, picture, skus = data.CROP_PRODUCTS[crop]
        village = db.session.execute(
            db.select(Village).where(Village.township_id == township.id).order_by(Village.id).limit(1)
        ).scalar_one()
        rng = random.Random(producer.name)
        code = f"{stem.upper()[:4]}-{township.code.upper()}"
        _add_product(
            f"{stem}-{township.code}",
            f"{_place(township)}{product_name}",
            subtitle,
            categories[category],
            producer,
            township,
            village,
            False,
            rng.random() < 0.8,
            [
                (f"{code}-{n}", name, unit, grams, fen + 100 * rng.randint(-5, 5), stock)
                for n, (name, unit, grams, fen, stock) in enumerate(skus, start=1)
            ],
            picture,
            index,
            today,
            pictures=1,
            english=(f"{_english_place(township)} {data.CROP_ENGLISH[crop]}", ""),
        )
        report.count("products", 1)
    db.session.commit()


def _add_product(
    slug,
    name,
    subtitle,
    category,
    producer,
    township,
    village,
    featured,
    certified,
    skus,
    picture,
    index,
    today: date,
    english: tuple[str, str],
    pictures: int = 2,
) -> None:
    product = Product(
        slug=slug,
        name=name,
        subtitle=subtitle,
        name_en=english[0],
        subtitle_en=english[1],
        category_id=category.id,
        producer_id=producer.id,
        township_id=township.id,
        village_id=village.id,
        is_featured=featured,
        price_from_fen=min(s[4] for s in skus),
        description=f"{name}产自{_located(township)}{village.name}，由{producer.name}组织生产。"
        f"每卖出一份，收益按带贫协议分配到合作的建档立卡户。{subtitle}。",
        description_en=f"Grown in {county_of(township).name_en} by {producer.name}. What each sale brings is shared out to the "
        f"registered poor households working with the producer, as their benefit agreement says."
        + (f" {english[1]}." if english[1] else ""),
    )
    db.session.add(product)
    db.session.flush()
    for code, sku_name, unit, grams, fen, stock in skus:
        db.session.add(
            Sku(
                product_id=product.id,
                code=code,
                name=sku_name,
                unit=unit,
                name_en=data.SKU_ENGLISH[sku_name],
                unit_en=data.UNIT_ENGLISH[unit],
                net_weight_g=grams,
                price_fen=fen,
                stock=stock,
            )
        )
    # Uncertified products get a certificate that lapsed, so the "certified only" filter has work to do.
    valid_to = date(today.year + 1, 12, 31) if certified else date(today.year - 1, 6, 30)
    db.session.add(
        Certification(
            product_id=product.id,
            number=f"湘扶认字〔2020〕第{1000 + index:04d}号",
            issuer="湖南省扶贫开发办公室",
            valid_from=date(2020, 6, 1),
            valid_to=valid_to,
        )
    )
    for n in range(pictures):
        relative = store_picture(slug, draw_product_picture(picture, index * 10 + n))
        db.session.add(ProductImage(product_id=product.id, path=relative, alt=name, sort_order=n))


def _events(today: date, report: SeedReport) -> None:
    year = today.year
    specs = [
        (
            f"PAD{year - 1}",
            f"{year - 1} 国家扶贫日消费扶贫展销",
            "poverty_alleviation_day",
            date(year - 1, 10, 17),
            date(year - 1, 10, 17),
        ),
        (
            f"WEEK{year - 1}",
            f"{year - 1} 洞口消费扶贫活动周",
            "consumption_week",
            date(year - 1, 11, 20),
            date(year - 1, 11, 26),
        ),
        (
            f"PAD{year}",
            f"{year} 国家扶贫日消费扶贫展销",
            "poverty_alleviation_day",
            date(year, 10, 17),
            date(year, 10, 17),
        ),
        ("PAD2019", "2019 国家扶贫日消费扶贫展销", "poverty_alleviation_day", date(2019, 10, 17), date(2019, 10, 17)),
        ("PAD2020", "2020 国家扶贫日消费扶贫展销", "poverty_alleviation_day", date(2020, 10, 17), date(2020, 10, 17)),
        # The activity week is placed around the day of seeding so the demo always has a current event.
        (
            f"WEEK{year}",
            f"{year} 洞口消费扶贫活动周 · 橘子红了 贫困户笑了",
            "consumption_week",
            today - timedelta(days=3),
            today + timedelta(days=11),
        ),
    ]
    existing = set(db.session.execute(db.select(Event.code)).scalars())
    for code, name, kind, starts, ends in specs:
        if code not in existing:
            db.session.add(
                Event(
                    code=code,
                    name=name,
                    kind=kind,
                    starts_on=starts,
                    ends_on=ends,
                    venue="洞口县文昌街道 蔡锷广场",
                    description="24 个乡镇（街道、管理区）集中展销农特产品和扶贫产品。",
                )
            )
            report.count("events", 1)
    db.session.commit()


# (product slug, region, rule): the mandarins go everywhere, cheaper within Hunan and free over an
# amount; the kiwis are fresh fruit that only reaches buyers within Hunan.
DELIVERY = (
    ("xuefeng-mandarin", "430000", Rule(first_fee_fen=600, extra_fee_fen=300, free_over_fen=9900)),
    ("xuefeng-mandarin", EVERYWHERE, Rule(first_fee_fen=1200, extra_fee_fen=600, free_over_fen=19900)),
    ("yao-kiwi", "430000", Rule(first_fee_fen=800, extra_fee_fen=400)),
    ("yao-kiwi", EVERYWHERE, Rule(served=False)),
)


def _delivery_rules(report: SeedReport) -> None:
    if db.session.scalar(db.select(func.count(DeliveryRule.id))):
        return
    producer_of = dict(db.session.execute(db.select(Product.slug, Product.producer_id)).all())
    for slug, region, rule in DELIVERY:
        set_rule(producer_of[slug], region, rule, Actor(None, "seed"))
    report.count("delivery_rules", len(DELIVERY))


DEMO_USERS = [
    ("staff@dongkou.example", "县扶贫办 王干事", roles.STAFF),
    ("unit@dongkou.example", "县人民医院 采购 李主任", roles.UNIT_MEMBER),
    ("clerk@dongkou.example", "高沙镇展位 店员小陈", roles.CLERK),
    ("consumer@dongkou.example", "消费者 张女士", roles.CONSUMER),
]


def _users(report: SeedReport) -> None:
    for email, name, role in DEMO_USERS:
        exists = db.session.execute(db.select(func.count(User.id)).where(User.email == email)).scalar_one()
        if exists:
            continue
        # A fresh random password per demo database: no account ships with a known password.
        password = secrets.token_urlsafe(9)
        create_user(email, name, password, role)
        report.credentials.append((role, email, password))
        report.count("users", 1)
