"""The source registry: shipped data, lookup, resolution of shared aliases, user files."""
from __future__ import annotations

import tomllib
from collections import defaultdict
from importlib import resources

import pytest

import claimx
from claimx import registry
from claimx.errors import UsageError
from claimx.registry import KINDS, build, normalize, plain_name


@pytest.fixture(scope="module")
def reg():
    """The shipped registry alone (no user config), built once."""
    return build(use_config=False)


@pytest.fixture(autouse=True)
def _no_user_config(tmp_path_factory, monkeypatch):
    """No test reads the real user's ~/.config/claimx/sources.toml."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("empty-config")))


def resolve(reg, text: str, mention: str, occurrence: int = 0):
    """reg.source() for the `occurrence`-th `mention` in `text`, as the attribution stage calls it."""
    pos = -1
    for _ in range(occurrence + 1):
        pos = text.index(mention, pos + 1)
    return reg.source(mention, "said", context=(text, pos))


# ------------------------------------------------------------------------------------------------
# exact aliases: (written, canonical name, kind, side)

EXACT = [
    ("the Russian Defense Ministry", "Russian Defence Ministry", "military", "Russia"),
    ("Russia's Ministry of Defence", "Russian Defence Ministry", "military", "Russia"),
    ("Ukraine's General Staff", "Ukrainian General Staff", "military", "Ukraine"),
    ("the General Staff of the Armed Forces of Ukraine", "Ukrainian General Staff", "military", "Ukraine"),
    ("the Ukrainian Armed Forces", "Armed Forces of Ukraine", "military", "Ukraine"),
    ("the IDF", "Israel Defense Forces", "military", "Israel"),
    ("the Israeli military", "Israel Defense Forces", "military", "Israel"),
    ("Gaza's health ministry", "Gaza Health Ministry", "government", "Hamas"),
    ("the Gaza Health Ministry", "Gaza Health Ministry", "government", "Hamas"),
    ("the Hamas-run health ministry", "Gaza Health Ministry", "government", "Hamas"),
    ("the Palestinian health ministry in Gaza", "Gaza Health Ministry", "government", "Hamas"),
    ("the Houthi-run health ministry", "Houthi-run Health Ministry", "government", "Houthis"),
    ("the Rapid Support Forces", "Rapid Support Forces", "armed_group", "RSF"),
    ("the Sudanese army", "Sudanese Armed Forces", "military", "SAF"),
    ("JNIM", "JNIM", "armed_group", "JNIM"),
    ("Islamic State West Africa Province (ISWAP)", "Islamic State West Africa Province", "armed_group", "Islamic State"),
    ("ISPR", "Inter-Services Public Relations", "military", "Pakistan"),
    ("FARDC", "Armed Forces of the Democratic Republic of the Congo", "military", "DR Congo"),
    ("the White Helmets", "Syria Civil Defence (White Helmets)", "emergency_service", None),
    ("the Syrian Observatory for Human Rights", "Syrian Observatory for Human Rights", "monitor", None),
    ("OCHA", "UN Office for the Coordination of Humanitarian Affairs", "un_agency", None),
    ("the U.N. human rights monitoring mission", "UN Human Rights Monitoring Mission in Ukraine", "un_agency", None),
    ("HRMMU", "UN Human Rights Monitoring Mission in Ukraine", "un_agency", None),
    ("Doctors Without Borders", "Médecins Sans Frontières", "medical", None),
    ("Magen David Adom", "Magen David Adom", "emergency_service", None),
    ("the PNH", "Haitian National Police", "police", "Haiti"),
    ("Tass", "TASS", "media", "Russia"),
    ("Reuters", "Reuters", "media", None),
    ("Igor Konashenkov", "Igor Konashenkov", "person", "Russia"),
    ("Girkin", "Igor Girkin", "person", "Russia"),
    ("Yahya Saree", "Yahya Saree", "person", "Houthis"),
]


@pytest.mark.parametrize("written,name,kind,side", EXACT, ids=[c[0] for c in EXACT])
def test_exact_alias(reg, written, name, kind, side):
    s = reg.source(written, "said")
    assert (s.text, s.name, s.kind, s.side) == (written, name, kind, side)


# ------------------------------------------------------------------------------------------------
# normalisation of what is written: case, "the", possessive 's, apostrophes, dots, hyphens, accents

SPELLINGS = [
    ("case", "THE RUSSIAN DEFENSE MINISTRY", "Russian Defence Ministry"),
    ("no-the", "Russian Defense Ministry", "Russian Defence Ministry"),
    ("possessive", "Russia's Defence Ministry", "Russian Defence Ministry"),
    ("curly-apostrophe", "Russia’s Defence Ministry", "Russian Defence Ministry"),
    ("possessive-s-apostrophe", "Hamas' armed wing", "al-Qassam Brigades"),
    ("dotted-acronym", "the U.N. refugee agency", "UNHCR"),
    ("undotted-acronym", "the UN refugee agency", "UNHCR"),
    ("hyphen-as-space", "the al Shabaab", "al-Shabaab"),
    ("accents", "Medecins Sans Frontieres", "Médecins Sans Frontières"),
    ("ampersand", "Armed Conflict Location and Event Data Project", "Armed Conflict Location & Event Data Project"),
    ("aside-in-brackets", "The Kenya National Commission on Human Rights (KNCHR)", "Kenya National Commission on Human Rights"),
    ("acronym-in-brackets", "The al Qaeda-linked Group for the Support of Islam and Muslims (JNIM)", "JNIM"),
]


@pytest.mark.parametrize("written,name", [c[1:] for c in SPELLINGS], ids=[c[0] for c in SPELLINGS])
def test_spelling_variants(reg, written, name):
    assert reg.source(written, "said").name == name


# ------------------------------------------------------------------------------------------------
# a known name after a modifier or title, and where that must not happen

SUFFIX = [
    ("modifier", "The Britain-based Syrian Observatory for Human Rights", "Syrian Observatory for Human Rights"),
    ("title-and-org", "Russian Defense Ministry spokesman Igor Konashenkov", "Igor Konashenkov"),
    ("description", "Russian military blogger Igor Girkin", "Igor Girkin"),
    ("lower-case-prefix-name", "the al Qaeda-linked group al-Shabaab", "al-Shabaab"),
    ("side-word-is-a-name", "the Palestinian militant group Hamas", "Hamas"),
    ("state-media", "Russia’s state-run Tass news agency", "TASS"),
    # not the source itself: after a preposition, below national level, a place name
    ("after-of", "the mayor of Kyiv", "mayor of Kyiv"),
    ("after-close-to", "a source close to Hezbollah", "source close to Hezbollah"),
    ("subnational", "the State Ministry of Health", "State Ministry of Health"),
    ("place-name", "residents of eastern Ukraine", "residents of eastern Ukraine"),
    ("place-name-no-link", "southern Israel", "southern Israel"),
]


@pytest.mark.parametrize("written,name", [c[1:] for c in SUFFIX], ids=[c[0] for c in SUFFIX])
def test_names_after_modifiers(reg, written, name):
    assert reg.source(written, "said").name == name


# ------------------------------------------------------------------------------------------------
# shared aliases: resolved by what the document names, else unresolved (text without determiners)

AMBIGUOUS = [
    ("nearby-adjective-russia",
     "Russian troops repelled three attacks near Bakhmut, the Defence Ministry said.", "the Defence Ministry", 0,
     "Russian Defence Ministry"),
    ("nearby-possessive-ukraine",
     "Ukraine's forces shot down 20 drones overnight, the Defence Ministry said.", "the Defence Ministry", 0,
     "Ukrainian Defence Ministry"),
    ("no-country-unresolved",
     "Twelve soldiers were killed in the attack, the Defence Ministry said.", "the Defence Ministry", 0,
     "Defence Ministry"),
    ("mod-uk", "British troops were not involved, the MoD said.", "the MoD", 0, "UK Ministry of Defence"),
    ("headline-names-the-body-below",
     "63 Russian Soldiers Killed in Ukrainian Missile Strike — Defense Ministry\n\n"
     "A total of 63 soldiers were killed, the Russian Defense Ministry said Monday.", "Defense Ministry", 0,
     "Russian Defence Ministry"),
    ("short-form-after-full-name",
     "Ukraine's General Staff said it had lost contact with two units. Russian forces attacked at dawn. "
     "The General Staff said 40 were killed.", "The General Staff", 0, "Ukrainian General Staff"),
    ("country-at-mention-beats-earlier-name",
     "The Russian Defence Ministry said it had taken the village. "
     "The Defence Ministry in Kyiv said 12 civilians were killed.", "The Defence Ministry", 0,
     "Ukrainian Defence Ministry"),
    ("health-ministry-gaza",
     "An Israeli strike killed 30 people in Gaza City, the health ministry said.", "the health ministry", 0,
     "Gaza Health Ministry"),
    ("health-ministry-in-gaza", "The health ministry in Gaza said 30 were killed.", "The health ministry", 0,
     "Gaza Health Ministry"),
    ("palestinian-ministry-west-bank",
     "The Palestinian health ministry said three men were killed by Israeli fire in Jenin.",
     "The Palestinian health ministry", 0, "Palestinian Authority Health Ministry"),
    ("palestinian-ministry-gaza",
     "The Palestinian health ministry said 40 people were killed in Gaza overnight.",
     "The Palestinian health ministry", 0, "Gaza Health Ministry"),
    ("yemen-houthi",
     "US strikes on Houthi-held Sanaa killed 12 people, the health ministry said.", "the health ministry", 0,
     "Houthi-run Health Ministry"),
    ("rsf-sudan", "In Sudan's Darfur region, the RSF said it had killed 70 soldiers.", "the RSF", 0,
     "Rapid Support Forces"),
    ("rsf-press-freedom",
     "Reporters Without Borders (RSF) counted 54 journalists killed. The RSF said most died in Gaza.",
     "The RSF", 0, "Reporters Without Borders"),
    ("army-nigeria", "Gunmen killed 14 villagers in Nigeria's Zamfara state, the army said.", "the army", 0,
     "Nigerian Army"),
    ("army-unresolved", "Gunmen killed 14 villagers, the army said.", "the army", 0, "army"),
    ("ses-ukraine",
     "Rescuers pulled five bodies from a Ukrainian apartment block hit overnight, the State Emergency Service said.",
     "the State Emergency Service", 0, "State Emergency Service of Ukraine"),
    ("ses-elsewhere-unresolved", "Floodwaters cut off two towns in New South Wales, the State Emergency Service said.",
     "the State Emergency Service", 0, "State Emergency Service"),
    ("pti-party-not-the-agency", "Police fired on protesters in Islamabad; the PTI said 12 of its supporters were killed.",
     "the PTI", 0, "PTI"),
    ("sna-somalia", "Al-Shabaab fighters attacked a base near Mogadishu, the SNA said.", "the SNA", 0,
     "Somali National Army"),
]


@pytest.mark.parametrize("text,mention,occurrence,name", [c[1:] for c in AMBIGUOUS], ids=[c[0] for c in AMBIGUOUS])
def test_shared_alias_resolves_by_document(reg, text, mention, occurrence, name):
    assert resolve(reg, text, mention, occurrence).name == name


def test_unresolved_shared_alias_has_no_kind_or_side(reg):
    s = resolve(reg, "Five were killed, the Defence Ministry said.", "the Defence Ministry")
    assert (s.text, s.name, s.kind, s.side) == ("the Defence Ministry", "Defence Ministry", None, None)


def test_shared_alias_without_context_is_unresolved(reg):
    assert reg.lookup("the Defence Ministry") is None
    assert reg.lookup("the Defence Ministry", None) is None


# ------------------------------------------------------------------------------------------------
# user files

USER_FILE = """
[countries]
XA = ["Ruritania", "Ruritanian"]

[[source]]
name = "Ruritanian Defence Ministry"
kind = "military"
country = "XA"
side = "Ruritania"
aliases = ["Ruritania's Defence Ministry"]
ambiguous = ["Defence Ministry"]

[[source]]
name = "Ministry of Defence of the Russian Federation"
kind = "government"
side = "Russia"
aliases = ["Russian Defence Ministry", "Russian Defense Ministry"]
"""


@pytest.fixture
def user_file(tmp_path):
    p = tmp_path / "my-sources.toml"
    p.write_text(USER_FILE, encoding="utf-8")
    return p


def test_user_file_extends(user_file):
    reg = build(extra_files=(str(user_file),), use_config=False)
    assert reg.source("Ruritania's Defence Ministry", "said").name == "Ruritanian Defence Ministry"
    text = "Ruritanian troops crossed the river, the Defence Ministry said."
    s = resolve(reg, text, "the Defence Ministry")
    assert (s.name, s.kind, s.side) == ("Ruritanian Defence Ministry", "military", "Ruritania")
    # the shipped entries are still there
    assert reg.source("the IDF", "said").name == "Israel Defense Forces"


def test_user_file_overrides(user_file):
    reg = build(extra_files=(str(user_file),), use_config=False)
    s = reg.source("the Russian Defense Ministry", "said")
    assert (s.name, s.kind) == ("Ministry of Defence of the Russian Federation", "government")
    # an alias the user did not take over still names the shipped entry
    assert reg.source("Russia's Defence Ministry", "said").name == "Russian Defence Ministry"


def test_config_file_is_read(tmp_path, monkeypatch):
    cfg = tmp_path / "claimx" / "sources.toml"
    cfg.parent.mkdir()
    cfg.write_text(USER_FILE, encoding="utf-8")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert registry.user_config_path() == cfg
    assert build().source("Ruritania's Defence Ministry", "said").name == "Ruritanian Defence Ministry"
    assert build(use_config=False).source("Ruritania's Defence Ministry", "said").name == "Ruritania's Defence Ministry"


def test_extra_files_come_before_config(tmp_path, monkeypatch):
    cfg = tmp_path / "cfg" / "claimx" / "sources.toml"
    cfg.parent.mkdir(parents=True)
    cfg.write_text('[[source]]\nname = "From config"\naliases = ["Zed Agency"]\n', encoding="utf-8")
    extra = tmp_path / "extra.toml"
    extra.write_text('[[source]]\nname = "From extra"\naliases = ["Zed Agency"]\n', encoding="utf-8")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    assert build(extra_files=(str(extra),)).source("Zed Agency", "said").name == "From extra"


def test_user_country_words_take_precedence(tmp_path):
    p = tmp_path / "c.toml"
    p.write_text('[countries]\nXB = ["Kyiv"]\n\n[[source]]\nname = "XB army"\ncountry = "XB"\nambiguous = ["army"]\n',
                 encoding="utf-8")
    reg = build(extra_files=(str(p),), use_config=False)
    assert resolve(reg, "Fighting went on near Kyiv, the army said.", "the army").name == "XB army"


BAD_FILES = [
    ("invalid-toml", "[[source]\nname = 'x'\n", "not a valid TOML"),
    ("no-name", '[[source]]\nkind = "media"\n', "has no name"),
    ("empty-name", '[[source]]\nname = ""\n', "has no name"),
    ("unknown-kind", '[[source]]\nname = "X"\nkind = "newspaper"\n', "unknown kind 'newspaper'"),
    ("aliases-not-a-list", '[[source]]\nname = "X"\naliases = "MoD"\n', "aliases must be a list"),
    ("empty-alias", '[[source]]\nname = "X"\naliases = ["X1", " "]\n', "aliases must be a list"),
    ("side-not-a-string", '[[source]]\nname = "X"\nside = 3\n', "side must be a non-empty string"),
    ("countries-not-lists", '[countries]\nXA = "Ruritania"\n', "countries.XA must be a list"),
    ("source-not-array", 'source = "x"\n', "array of tables"),
]


@pytest.mark.parametrize("content,message", [c[1:] for c in BAD_FILES], ids=[c[0] for c in BAD_FILES])
def test_bad_user_file_names_the_file(tmp_path, content, message):
    p = tmp_path / "bad-sources.toml"
    p.write_text(content, encoding="utf-8")
    with pytest.raises(UsageError) as exc:
        build(extra_files=(str(p),), use_config=False)
    assert str(p) in str(exc.value)
    assert message in str(exc.value)


def test_missing_user_file(tmp_path):
    p = tmp_path / "nope.toml"
    with pytest.raises(UsageError, match="no such sources file") as exc:
        build(extra_files=(str(p),), use_config=False)
    assert str(p) in str(exc.value)


def test_bad_config_file_names_it(tmp_path, monkeypatch):
    cfg = tmp_path / "claimx" / "sources.toml"
    cfg.parent.mkdir()
    cfg.write_text("not = [toml", encoding="utf-8")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    with pytest.raises(UsageError, match="not a valid TOML") as exc:
        build()
    assert str(cfg) in str(exc.value)
    build(use_config=False)     # ignoring the config ignores its errors too


# ------------------------------------------------------------------------------------------------
# the pipeline uses the registry

def test_extract_gives_canonical_source(reg):
    text = ("A total of 63 Russian servicemen were killed in a Ukrainian strike on Makiivka, "
            "the Russian Defense Ministry said on Monday.\n")
    claims = claimx.extract(text, registry=reg)
    sources = {(c.source.name, c.source.kind, c.source.side) for c in claims if c.source}
    assert ("Russian Defence Ministry", "military", "Russia") in sources


# ------------------------------------------------------------------------------------------------
# normalize and plain_name, as documented

NORMALIZE = [
    ("lower-case", "Syrian Observatory", "syrian observatory"),
    ("leading-the", "The Ministry", "ministry"),
    ("leading-a-an", "an official", "official"),
    ("only-leading-determiner", "the Office of the President", "office of the president"),
    ("possessive", "Russia's Ministry", "russia ministry"),
    ("curly-possessive", "Russia’s Ministry", "russia ministry"),
    ("plural-possessive", "Doctors' Syndicate", "doctors syndicate"),
    ("inner-apostrophe", "Sana'a", "sanaa"),
    ("dotted-acronym", "the U.N.", "un"),
    ("dotted-acronym-inside", "U.S.-led coalition", "us led coalition"),
    ("hyphens", "al-Shabaab", "al shabaab"),
    ("accents", "Médecins Sans Frontières", "medecins sans frontieres"),
    ("ampersand", "Jammu & Kashmir Police", "jammu and kashmir police"),
    ("punctuation-and-spaces", "  “Kyiv,”  police ", "kyiv police"),
    ("only-determiner", "the", ""),
]


@pytest.mark.parametrize("text,key", [c[1:] for c in NORMALIZE], ids=[c[0] for c in NORMALIZE])
def test_normalize(text, key):
    assert normalize(text) == key


PLAIN_NAME = [
    ("determiner", "the regional governor", "regional governor"),
    ("stacked-determiners", "the its spokesman", "spokesman"),
    ("possessive-determiner", "their spokesman", "spokesman"),
    ("aside-in-brackets", "The National Emergency Management Agency (NEMA)", "National Emergency Management Agency"),
    ("surrounding-punctuation", "“Local media,", "Local media"),
    ("keeps-case-and-inner-text", "Kyiv's city military administration", "Kyiv's city military administration"),
    ("spaces", "the   state   police", "state police"),
]


@pytest.mark.parametrize("text,name", [c[1:] for c in PLAIN_NAME], ids=[c[0] for c in PLAIN_NAME])
def test_plain_name(text, name):
    assert plain_name(text) == name


# ------------------------------------------------------------------------------------------------
# the shipped file is consistent

@pytest.fixture(scope="module")
def shipped():
    return tomllib.loads(resources.files("claimx.rules").joinpath("sources.toml").read_text(encoding="utf-8"))


def test_shipped_file_kinds_countries_and_strings(shipped):
    countries = shipped["countries"]
    assert countries and all(isinstance(w, list) and w for w in countries.values())
    for s in shipped["source"]:
        assert set(s) <= {"name", "kind", "country", "side", "aliases", "ambiguous"}, s["name"]
        assert s.get("kind") in KINDS, s["name"]
        if "country" in s:
            assert s["country"] in countries, s["name"]
        for f in ("name", "side", "country"):
            if f in s:
                assert isinstance(s[f], str) and s[f].strip() == s[f] and s[f], (s["name"], f)
        for f in ("aliases", "ambiguous"):
            for a in s.get(f, []):
                assert isinstance(a, str) and a.strip() == a and normalize(a), (s["name"], f, a)


def test_shipped_aliases_name_one_entry_each(shipped):
    exact: dict[str, str] = {}
    shared: defaultdict[str, list[str]] = defaultdict(list)
    clashes = []
    for s in shipped["source"]:
        keys = [normalize(a) for a in (s["name"], *s.get("aliases", []))]
        assert len(keys) == len(set(keys)), f"{s['name']}: an alias repeats another after normalisation"
        for k in keys:
            if exact.setdefault(k, s["name"]) != s["name"]:
                clashes.append((k, exact[k], s["name"]))
        for a in s.get("ambiguous", []):
            shared[normalize(a)].append(s["name"])
    assert not clashes
    # a shared alias that is also some entry's own alias would never be shared
    assert not [k for k in shared if k in exact]
    assert all(len(v) == len(set(v)) for v in shared.values())


def test_shipped_names_unique(shipped):
    names = [s["name"] for s in shipped["source"]]
    assert len(names) == len(set(names))


def test_shipped_country_words(shipped):
    """A word names one country or side, and every key of [countries] is used by some entry."""
    owner: dict[str, str] = {}
    for code, words in shipped["countries"].items():
        for w in words:
            assert owner.setdefault(w, code) == code, f"{w!r} is under {owner[w]} and {code}"
    used = {s.get("country") for s in shipped["source"]} | {s.get("side") for s in shipped["source"]}
    assert not set(shipped["countries"]) - used


def test_shipped_registry_covers_the_brief(reg):
    """Spot checks that each group of sources is there."""
    for written in ("Hezbollah", "Ansar Allah", "al-Shabaab", "TTP", "BLA", "M23", "Wagner", "PKK", "SDF", "Arakan Army",
                    "ELN", "Jaish al-Adl", "Boko Haram", "ADF", "Fano", "TPLF", "CJNG", "Sinaloa Cartel", "Islamic State", "ISIS", "Amaq", "OHCHR", "WHO",
                    "UNICEF", "UNHCR", "IOM", "UNRWA", "UNAMA", "UNAMI", "UNMISS", "MONUSCO", "MINUSMA", "HRW", "Amnesty",
                    "ICRC", "IFRC", "SOHR", "Airwars", "ACLED", "Iraq Body Count", "B'Tselem", "Al Mezan", "PCHR", "Hengaw",
                    "HRANA", "Insecurity Insight", "Sudan Doctors Network", "Emergency Lawyers", "CPJ",
                    "Ukraine's State Emergency Service", "Palestinian Red Crescent", "Kenya Red Cross", "Chicago police", "AP", "AFP",
                    "BBC", "Al Jazeera", "CNN", "RIA Novosti", "Interfax", "Ukrinform", "Suspilne", "WAFA", "Xinhua",
                    "SANA", "IRNA", "Al-Masirah", "Anadolu", "Kompas TV", "Daniel Hagari", "CENTCOM", "UK MoD"):
        assert reg.lookup(written) is not None, written


def test_many_mentions_in_a_long_document_stay_fast(reg):
    """Shared aliases are resolved from the whole document: its names are found once, not per
    mention (this took over a minute before the per-document memo)."""
    import time

    text = "Fighting went on in the north and people fled, officials said. Later the army said it was calm. " * 2000
    start = time.perf_counter()
    pos = text.find("the army")
    while pos >= 0:
        reg.source("the army", "said", context=(text, pos))
        pos = text.find("the army", pos + 1)
    assert time.perf_counter() - start < 10
