"""Deterministic benchmark inputs: article-sized news texts built from templates and word lists
written for this benchmark (no real articles, nothing copied from shared corpora).

Two kinds of article:

- ``dense``: conflict news. A headline with a toll, a dateline, and paragraphs in which every
  paragraph carries casualty figures (killed, wounded, missing, captured), with qualifiers
  ("at least", "more than", "up to", "between 20 and 30", "dozens"), spelled and digit numbers,
  sources ("the health ministry said"), quotes and breakdowns ("among them 12 children").
- ``general``: business, sports, weather and politics. Long paragraphs full of numbers that are
  not casualty counts (money, percentages, dates, scores, temperatures, votes); about one
  paragraph in twenty mentions people hurt or killed.

Document ``i`` of a kind depends only on ``(kind, seed, i)``, so the first N documents of a
larger set are the N documents of a smaller one: the 1x, 2x, 4x and 8x sets nest.

    python bench/corpus.py --kind dense --sample          # print one article
    python bench/corpus.py --kind general --docs 50 --out /tmp/general
"""
from __future__ import annotations

import argparse
import random
from pathlib import Path

KINDS = ("dense", "general")
DEFAULT_SEED = 7
TARGET_CHARS = 4000          # an article of a few KB

# ------------------------------------------------------------------------------------------------
# word lists (invented places and people)

TOWNS = [w for line in """Velmora|Dastrava|Orlenko|Kirovets|Saran Bel|Tamrit|Oskova|Halvik|Merenga|Pruzhel|Tarnovo|Vesk|
Zarechny|Lomova|Kestrel Bay|Ardun|Selvig|Nomari|Qasr Zeid|Ilmaret|Brodnitsa|Kovel Heights|Marsa Lud|
Fenwick Ridge|Solvay Camp|Dunmar|Ostrava Nueva|Tolberg|Yashin|Port Amaro|Rivne Lake|Gorodets|Kantara|
Elbasar|Mirgorod|Sundholm|Vaaren|Castel Brio|Pellaro|Ushak|Dry Creek""".split("\n") for w in line.split("|") if w]
REGIONS = ["Northern Province", "Lower Vesk region", "Tamrit governorate", "Eastern District", "Halvik oblast",
           "Coastal Region", "Ardun Valley", "Western Highlands", "Sundholm county", "Southern Plains"]
COUNTRIES = ["Norland", "Vestria", "Karamia", "Osterland", "Belmark", "Sarvania", "Dravia", "Lusonia"]
FIRST = """Ivo Maria Dario Selma Yusuf Ana Oleg Fatima Tomas Leila Marek Ines Hassan Greta Pavel Noor
Lukas Amira Viktor Sofia Karim Elena Jonas Hana Rafael Zoya Andrei Mina Samir Clara""".split()
LAST = """Starek Melk Ortega Haddad Novak Petrov Rahimi Lindqvist Moreau Kovacs Santos Okafor Brandt
Aziz Dumas Varga Ibrahim Kowalski Ferreira Nazari Holm Castillo Yilmaz Marin Sokolov Bauer""".split()
AGENCIES = ["Desk", "Wire", "NewsLine", "Courier", "Bulletin"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
ORDINALS = ["second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "twelfth"]
SPELLED = ["two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
           "fifteen", "twenty", "thirty"]

# conflict vocabulary
ATTACKS = ["a drone strike", "an air strike", "a missile attack", "artillery shelling", "a car bomb",
           "a suicide bombing", "a rocket attack", "an ambush", "a mortar barrage", "a roadside bomb"]
ATTACK_NOUNS = ["strike", "attack", "bombing", "shelling", "blast", "raid", "explosion", "assault"]
TARGETS = ["a crowded market", "a bus station", "an ammunition depot", "a residential block", "a hospital",
           "a school", "a checkpoint", "a wedding party", "a police station", "a military convoy",
           "a refugee camp", "a grain warehouse", "a mosque", "a railway station"]
VICTIMS = ["people", "civilians", "soldiers", "police officers", "fighters", "children", "women",
           "militants", "servicemen", "residents", "workers", "villagers", "troops", "passengers"]
SOURCES = ["the health ministry", "the Defence Ministry", "police", "local officials", "the regional governor",
           "the army", "the interior ministry", "a hospital director", "the civil defence agency",
           "the United Nations humanitarian office", "the Red Crescent", "emergency services",
           "a military spokesman", "rebel commanders", "the mayor's office", "medical sources"]
ORGS = ["the Southern Front", "the People's Brigades", "the National Guard", "the Liberation Army",
        "the Border Corps", "the Rapid Support Units", "the Coalition command"]
QUALIFIED = ["at least {n}", "more than {n}", "about {n}", "nearly {n}", "up to {n}", "as many as {n}",
             "some {n}", "{n}", "{n}", "{w}", "at least {w}", "over {n}", "almost {n}", "roughly {n}"]
SAY = ["said", "said on {day}", "told reporters", "said in a statement", "reported", "confirmed",
       "said late on {day}", "wrote on social media"]

# general-news vocabulary
COMPANIES = ["Halvik Steel", "Norland Telecom", "Vesk Foods", "Marsa Shipping", "Ardun Motors",
             "Belmark Energy", "Tarnovo Bank", "Kestrel Airlines", "Pellaro Pharma", "Solvay Retail"]
TEAMS = ["Velmora United", "Dunmar City", "Port Amaro Rovers", "Kantara Athletic", "Tolberg Wanderers",
         "Rivne Lake FC", "Castel Brio Stars", "Halvik Harbour", "Yashin Dynamo", "Selvig Town"]
PARTIES = ["the Labour Alliance", "the Civic Union", "the Green Bloc", "the National Party",
           "the Reform Movement", "the Farmers' League"]
PRODUCTS = ["electric vans", "broadband contracts", "frozen meals", "container services", "steel coil",
            "retail loans", "short-haul flights", "generic medicines", "solar panels", "home furniture"]


def _num(rng: random.Random, lo: int = 2, hi: int = 400) -> int:
    r = rng.random()
    if r < 0.5:
        return rng.randint(lo, min(hi, 40))
    if r < 0.85:
        return rng.randint(lo, hi)
    return rng.randint(hi, hi * 12)


def _fmt(n: int) -> str:
    return f"{n:,}"


def _qual(rng: random.Random, n: int) -> str:
    form = rng.choice(QUALIFIED)
    w = rng.choice(SPELLED)
    return form.format(n=_fmt(n), w=w)


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


class _Ctx:
    """What one article is about: its place, date, main source and running toll."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.town = rng.choice(TOWNS)
        self.region = rng.choice(REGIONS)
        self.country = rng.choice(COUNTRIES)
        self.month = rng.choice(MONTHS)
        self.day = rng.randint(1, 28)
        self.weekday = rng.choice(WEEKDAYS)
        self.agency = rng.choice(AGENCIES)
        self.attack = rng.choice(ATTACKS)
        self.source = rng.choice(SOURCES)
        self.person = _name(rng)
        self.org = rng.choice(ORGS)
        self.toll = _num(rng, 5, 300)

    def say(self) -> str:
        return self.rng.choice(SAY).format(day=self.weekday)

    def src(self, before_verb: bool = True) -> str:
        """A source; a name with an apposition takes its closing comma only before a verb."""
        person = f"{self.person}, a spokesman for {self.org}" + ("," if before_verb else "")
        return self.rng.choice([self.source, self.source, self.rng.choice(SOURCES), person])


# ------------------------------------------------------------------------------------------------
# dense conflict news

def _dense_headline(c: _Ctx) -> str:
    r = c.rng
    return r.choice([
        f"{_cap(c.attack)} on {c.town} kills {c.toll} {r.choice(VICTIMS)}",
        f"Death toll from {c.town} {r.choice(ATTACK_NOUNS)} rises to {c.toll}",
        f"At least {c.toll} dead after {c.attack} hits {c.town}",
        f"{c.toll} killed, dozens wounded in {c.town} {r.choice(ATTACK_NOUNS)} — {_cap(c.source)}",
        f"{c.country}: {c.toll} {r.choice(VICTIMS)} killed in {c.region}",
    ])


def _dense_sentence(c: _Ctx) -> str:
    r = c.rng
    n, m, k = _num(r), _num(r), _num(r, 1, 60)
    v, v2 = r.choice(VICTIMS), r.choice(VICTIMS)
    return r.choice([
        lambda: f"{_cap(_qual(r, n))} {v} were killed and {_qual(r, m)} wounded when {c.attack} struck "
                f"{r.choice(TARGETS)} in {c.town} on {c.weekday}, {c.src()} {c.say()}.",
        lambda: f"{_cap(c.src())} {c.say()} {_qual(r, n)} {v} had died and {_fmt(m)} others were injured.",
        lambda: f"The death toll rose to {_fmt(c.toll + n)} on {c.weekday} after {r.choice(SPELLED)} more "
                f"{v} died of their wounds, {c.src()} {c.say()}.",
        lambda: f"A further {_fmt(k)} {v} were missing, {c.src()} {c.say()}, adding that rescuers were "
                f"still searching the rubble.",
        lambda: f"Among the dead were {_fmt(k)} children and {r.choice(SPELLED)} women, according to {c.src(False)}.",
        lambda: f"“We counted {_fmt(n)} bodies in the street,” said {_name(r)}, a resident of {c.town}. "
                f"“Many more are wounded.”",
        lambda: f"{_cap(c.org)} said its fighters had captured {_fmt(k)} {v2} and killed up to {_fmt(m)} "
                f"in the fighting near {r.choice(TOWNS)}.",
        lambda: f"Hospitals in {c.region} treated {_qual(r, m)} wounded {v}, {r.randint(3, 30)} of them in "
                f"critical condition, {c.src()} {c.say()}.",
        lambda: f"Between {_fmt(n)} and {_fmt(n + m)} {v} were killed in the {r.choice(ATTACK_NOUNS)}, "
                f"according to {c.src(False)}, while {_fmt(k)} were taken hostage.",
        lambda: f"Dozens of {v} were wounded and {r.choice(SPELLED)} are still unaccounted for, "
                f"{c.src()} {c.say()}.",
        lambda: f"{_cap(c.src())} {c.say()} that {_fmt(k)} {v2} had been abducted from {r.choice(TARGETS)} "
                f"outside {r.choice(TOWNS)} and that {_fmt(n)} were killed.",
        lambda: f"The {r.choice(ATTACK_NOUNS)} killed {_qual(r, n)} {v} and injured {_fmt(m)}, "
                f"{c.src()} {c.say()}, revising an earlier figure of {_fmt(max(1, n - k))}.",
        lambda: f"Of the {_fmt(n + m)} casualties, {_fmt(n)} were {v} and {_fmt(m)} were {v2}, "
                f"{c.src()} {c.say()}.",
        lambda: f"In {r.choice(TOWNS)}, {r.choice(SPELLED)} {v} were shot dead at {r.choice(TARGETS)}, "
                f"police said, and {_fmt(k)} others were wounded.",
    ])()


def _dense_background(c: _Ctx) -> str:
    r = c.rng
    return r.choice([
        f"The fighting in {c.region} has displaced some {_fmt(r.randint(2, 90) * 1000)} residents since "
        f"{r.choice(MONTHS)}, and at least {_fmt(r.randint(200, 9000))} people have been killed in the "
        f"conflict, the United Nations says.",
        f"The {r.choice(ATTACK_NOUNS)} was the deadliest in {c.town} since {r.choice(MONTHS)} "
        f"{r.randint(2015, 2024)}, when {_fmt(_num(r))} people died.",
        f"{_cap(c.org)} denied responsibility and said {_fmt(_num(r))} of its own members had been killed "
        f"in retaliatory strikes.",
    ])


def dense_article(rng: random.Random) -> str:
    c = _Ctx(rng)
    lead = (f"{c.town.upper()}, {c.month} {c.day} ({c.agency}) - {_cap(_qual(rng, c.toll))} "
            f"{rng.choice(VICTIMS)} were killed when {c.attack} hit {rng.choice(TARGETS)} in {c.town} "
            f"on {c.weekday}, {c.source} {c.say()}.")
    paras = [_dense_headline(c), lead]
    size = len(paras[0]) + len(lead)
    while size < TARGET_CHARS:
        if rng.random() < 0.12:
            para = _dense_background(c) + " " + _dense_sentence(c)
        else:
            para = " ".join(_dense_sentence(c) for _ in range(rng.randint(2, 4)))
        paras.append(para)
        size += len(para) + 2
    return "\n\n".join(paras) + "\n"


# ------------------------------------------------------------------------------------------------
# general news (few casualty words)

def _money(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.4:
        return f"${rng.randint(2, 900)}.{rng.randint(1, 9)} million"
    if r < 0.7:
        return f"{rng.randint(2, 60)}.{rng.randint(1, 9)} billion euros"
    return f"${_fmt(rng.randint(1000, 990000))}"


def _pct(rng: random.Random) -> str:
    return f"{rng.randint(1, 60)}.{rng.randint(0, 9)}%" if rng.random() < 0.6 else f"{rng.randint(2, 80)} percent"


def _date(rng: random.Random) -> str:
    return f"{rng.choice(MONTHS)} {rng.randint(1, 28)}, {rng.randint(2019, 2026)}"


def _business(rng: random.Random) -> list[str]:
    co, co2 = rng.choice(COMPANIES), rng.choice(COMPANIES)
    return [
        f"{co} said revenue rose {_pct(rng)} to {_money(rng)} in the quarter to {_date(rng)}, ahead of the "
        f"{_money(rng)} analysts had expected, as demand for {rng.choice(PRODUCTS)} recovered.",
        f"Operating profit climbed to {_money(rng)} from {_money(rng)} a year earlier, and the board "
        f"proposed a dividend of {rng.randint(5, 95)} cents a share.",
        f"Shares in {co} gained {_pct(rng)} in early trading in {rng.choice(TOWNS)}, valuing the group at "
        f"about {_money(rng)}, while {co2} slipped {_pct(rng)}.",
        f"The company employs {_fmt(rng.randint(300, 60000))} people in {rng.randint(3, 40)} countries and "
        f"plans to open {rng.randint(2, 30)} new sites by {rng.randint(2026, 2031)}.",
        f"Chief executive {_name(rng)} told analysts on a call that costs would fall by {_money(rng)} over "
        f"the next {rng.choice(SPELLED)} years, and that {rng.randint(100, 2000)} jobs would move to "
        f"{rng.choice(TOWNS)}.",
        f"Inflation in {rng.choice(COUNTRIES)} eased to {_pct(rng)} in {rng.choice(MONTHS)}, the statistics "
        f"office said, and the central bank kept its main rate at {rng.randint(1, 9)}.{rng.randint(0, 9)}%.",
        f"Exports of {rng.choice(PRODUCTS)} reached {_fmt(rng.randint(1000, 900000))} tonnes, up from "
        f"{_fmt(rng.randint(1000, 900000))} tonnes in {rng.randint(2018, 2025)}.",
    ]


def _sports(rng: random.Random) -> list[str]:
    t1, t2 = rng.sample(TEAMS, 2)
    a, b = rng.randint(0, 5), rng.randint(0, 5)
    return [
        f"{t1} beat {t2} {max(a, b) + 1}-{min(a, b)} on {rng.choice(WEEKDAYS)} in front of "
        f"{_fmt(rng.randint(8000, 80000))} fans, their {rng.choice(ORDINALS)} win in {rng.randint(10, 30)} games.",
        f"{_name(rng)} scored twice in the space of {rng.randint(3, 12)} minutes after the break and has "
        f"now scored {rng.randint(5, 40)} goals in {rng.randint(10, 60)} appearances this season.",
        f"The result leaves {t1} {rng.randint(1, 12)} points clear at the top of the table with "
        f"{rng.randint(2, 15)} matches left, while {t2} sit in {rng.randint(3, 20)}th place.",
        f"The club paid a reported {_money(rng)} for the striker in {rng.choice(MONTHS)} and extended "
        f"the coach's contract until {rng.randint(2026, 2030)}.",
        f"In the marathon, {_name(rng)} finished in 2 hours {rng.randint(3, 20)} minutes, "
        f"{rng.randint(2, 59)} seconds ahead of {_name(rng)}, as {_fmt(rng.randint(5000, 40000))} runners "
        f"crossed the line.",
        f"Ticket prices will rise by {_pct(rng)} next season, to an average of ${rng.randint(180, 1400)} for a season "
        f"pass, the club said.",
    ]


def _weather(rng: random.Random) -> list[str]:
    town = rng.choice(TOWNS)
    return [
        f"Temperatures in {town} reached {rng.randint(28, 44)}C on {rng.choice(WEEKDAYS)}, "
        f"{rng.randint(2, 9)} degrees above the average for {rng.choice(MONTHS)}, the weather service said.",
        f"Up to {rng.randint(20, 250)} mm of rain is forecast for the {rng.choice(REGIONS)} over the next "
        f"{rng.choice(SPELLED)} days, with gusts of {rng.randint(60, 140)} km/h along the coast.",
        f"About {_fmt(rng.randint(1000, 90000))} homes were without power after the storm, and "
        f"{rng.randint(20, 400)} flights were cancelled at the {town} airport.",
        f"Farmers in {rng.choice(REGIONS)} say the dry spell has cut the wheat harvest by {_pct(rng)}, "
        f"to about {_fmt(rng.randint(100000, 3000000))} tonnes.",
        f"The river peaked at {rng.randint(3, 9)}.{rng.randint(0, 9)} metres on {_date(rng)}, below the "
        f"record set in {rng.randint(1950, 2015)}.",
    ]


def _politics(rng: random.Random) -> list[str]:
    p1, p2 = rng.sample(PARTIES, 2)
    y, n = rng.randint(40, 200), rng.randint(20, 180)
    return [
        f"The bill passed by {y} votes to {n} on {rng.choice(WEEKDAYS)}, after {rng.choice(SPELLED)} hours of "
        f"debate, and now goes to the upper house.",
        f"{_cap(p1)} won {_pct(rng)} of the vote in the {rng.choice(REGIONS)} election on {_date(rng)}, "
        f"against {_pct(rng)} for {p2}; turnout was {_pct(rng)}.",
        f"Finance minister {_name(rng)} said the budget would add {_money(rng)} to spending on schools and "
        f"roads over {rng.randint(2, 6)} years.",
        f"A poll of {_fmt(rng.randint(800, 4000))} adults published on {_date(rng)} put support for the "
        f"government at {_pct(rng)}, down {rng.randint(1, 9)} points since {rng.choice(MONTHS)}.",
        f"The coalition holds {rng.randint(100, 200)} of the {rng.randint(201, 450)} seats and needs "
        f"{rng.randint(3, 30)} more to change the constitution.",
        f"Protesters gathered in central {rng.choice(TOWNS)} for the {rng.choice(ORDINALS)} day, organisers "
        f"said, putting the crowd at {_fmt(rng.randint(2000, 90000))}.",
    ]


def _casualty_aside(rng: random.Random) -> str:
    """The rare paragraph of general news that mentions people hurt or killed."""
    town = rng.choice(TOWNS)
    return rng.choice([
        f"Police said {rng.choice(SPELLED)} people were injured when a section of the stand collapsed in "
        f"{town}, and {rng.choice(SPELLED)} of them were taken to hospital.",
        f"The storm killed {rng.randint(1, 9)} people in {rng.choice(REGIONS)}, the emergency services said, "
        f"and {rng.randint(2, 30)} were injured by falling trees.",
        f"A worker died and {rng.randint(2, 6)} others were hurt in a fire at the {rng.choice(COMPANIES)} "
        f"plant near {town} in {rng.choice(MONTHS)}, the company said.",
        f"Two climbers are missing on the mountain above {town}, rescuers said on {rng.choice(WEEKDAYS)}.",
    ])


_TOPICS = (_business, _sports, _weather, _politics)
_HEADLINES = (
    lambda r: f"{r.choice(COMPANIES)} profit beats forecasts as sales rise {_pct(r)}",
    lambda r: f"{r.choice(TEAMS)} go {r.randint(2, 12)} points clear with win over {r.choice(TEAMS)}",
    lambda r: f"Heatwave to push temperatures past {r.randint(35, 44)}C in {r.choice(REGIONS)}",
    lambda r: f"Budget passes {r.randint(60, 200)} to {r.randint(20, 140)} after marathon debate",
)


def general_article(rng: random.Random) -> str:
    t = rng.randrange(len(_TOPICS))
    topic = _TOPICS[t]
    paras = [_HEADLINES[t](rng),
             f"{rng.choice(TOWNS).upper()}, {rng.choice(MONTHS)} {rng.randint(1, 28)} ({rng.choice(AGENCIES)}) - "
             + " ".join(rng.sample(topic(rng), 2))]
    size = sum(len(p) for p in paras)
    while size < TARGET_CHARS:
        if rng.random() < 0.05:            # about one paragraph in twenty
            para = _casualty_aside(rng) + " " + " ".join(rng.sample(topic(rng), 2))
        else:
            other = rng.choice(_TOPICS) if rng.random() < 0.2 else topic
            pool = other(rng)
            para = " ".join(rng.sample(pool, min(len(pool), rng.randint(4, 6))))
        paras.append(para)
        size += len(para) + 2
    return "\n\n".join(paras) + "\n"


# ------------------------------------------------------------------------------------------------
# adversarial inputs (hardening): each is built at a size `n` in its own unit

def _digits(n: int) -> str:                     # n bytes of digits, one unbroken run
    return ("1234567890" * (n // 10 + 1))[:n] + "\n"


def _at_least(n: int) -> str:                   # "at least at least ..." to n bytes, then a count
    return "at least " * max(1, n // 9) + "12 people were killed.\n"


def _commas(n: int) -> str:                     # n commas, as one huge "thousands" number
    return "Officials said 1" + ",000" * n + " people were killed.\n"


_LONG_LINE_BLOCK = 600_000     # bytes of general news the long line repeats


def _long_line(n: int) -> str:
    """n bytes on one line without a full stop (or ! ? or a line break): general news, whose few
    casualty asides still give the rules something to look at. The line repeats one block of
    articles (the first ~600 KB), so that a line four times as long holds four times the same
    text and counts: different articles would carry a few percent more or fewer counts, which
    the 4x/1x time ratio would wrongly count against the reading."""
    parts, size, i = [], 0, 0
    while size < _LONG_LINE_BLOCK:
        t = article("general", i)
        t = t.replace(".", "").replace("!", "").replace("?", "").replace("\n", " ")
        parts.append(t)
        size += len(t) + 1
        i += 1
    block = " ".join(parts) + " "
    return (block * (n // len(block) + 1))[:n] + "\n"


_OPEN, _CLOSE = "([{“‘«\"'", ")]}”’»\"'"


def _nested(n: int) -> str:                     # n levels of quotes and brackets around a claim
    opens = "".join(_OPEN[i % len(_OPEN)] for i in range(n))
    closes = "".join(_CLOSE[i % len(_CLOSE)] for i in reversed(range(n)))
    return "Police said " + opens + "at least 12 people were killed" + closes + " on Monday.\n"


# name -> (builder, size at 1x, unit, description)
ADVERSARIAL = {
    "digits": (_digits, 1_000_000, "bytes", "1 MB of digits"),
    "at_least": (_at_least, 1_000_000, "bytes", "'at least ' repeated to 1 MB"),
    "commas": (_commas, 100_000, "commas", "100,000 commas (1,000,000,... as one number)"),
    "long_line": (_long_line, 5_000_000, "bytes", "one 5 MB line without a full stop (general news)"),
    "nested": (_nested, 50_000, "levels", "50,000 levels of nested quotes and brackets"),
}


def adversarial(name: str, factor: float = 1.0) -> str:
    """The adversarial input `name` at `factor` times its 1x size."""
    build, base, _unit, _desc = ADVERSARIAL[name]
    return build(max(1, int(base * factor)))


# ------------------------------------------------------------------------------------------------
# API

_BUILDERS = {"dense": dense_article, "general": general_article}
_KIND_SALT = {"dense": 1_000_003, "general": 2_000_029}


def article(kind: str, i: int, seed: int = DEFAULT_SEED) -> str:
    """Document `i` of `kind`; the same arguments always give the same text."""
    rng = random.Random(seed * 7_919_003 + _KIND_SALT[kind] + i * 104_729)
    return _BUILDERS[kind](rng)


def articles(kind: str, n: int, seed: int = DEFAULT_SEED) -> list[str]:
    return [article(kind, i, seed) for i in range(n)]


def write_docs(kind: str, n: int, out: Path, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write documents 0..n-1 of `kind` as out/<kind>-00000.txt ...; returns the paths in order."""
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        p = out / f"{kind}-{i:05d}.txt"
        p.write_text(article(kind, i, seed), encoding="utf-8")
        paths.append(p)
    return paths


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--kind", choices=KINDS, default="dense")
    ap.add_argument("--docs", type=int, default=1)
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--out", type=Path, help="write the documents to this folder")
    ap.add_argument("--sample", action="store_true", help="print document 0 and exit")
    args = ap.parse_args()
    if args.sample or not args.out:
        print(article(args.kind, 0, args.seed), end="")
        return
    paths = write_docs(args.kind, args.docs, args.out, args.seed)
    print(f"{len(paths)} documents, {sum(p.stat().st_size for p in paths):,} bytes in {args.out}")


if __name__ == "__main__":
    main()
