"""Mac Roman mojibake: exact repair of whole documents garbled here, correct text left alone."""
from __future__ import annotations

import pytest

from coursekit.translations.mojibake import repair, signatures

# Every letter the site's languages add to ASCII, both cases, plus the punctuation, symbols and
# emoji (with a variation selector and a zero-width joiner) that lesson texts use.
LETTERS = {
    "da": "æøåÆØÅ",
    "sv": "åäöÅÄÖé",
    "nl": "ëïéèöüáóúĳĲ",
    "de": "äöüÄÖÜßẞ",
    "sl": "čšžČŠŽćđĆĐ",
}
SYMBOLS = "„Anführung“ ‚einfach‘ «guillemets» “quotes” – — … € ° ± × ≤ ≥ → α β σ μ ∇"
EMOJI = "✅ ✍️ 🚀 😀 👩‍💻 ⚠️ 🎨"

DANISH = """\
# Generative adversarielle netværk

I de tidligere afsnit lærte vi om **generative modeller**: modeller, der kan lave nye billeder,
som ligner dem i træningsdatasættet. ✅ Generatoren og diskriminatoren trænes mod hinanden.

> ✍️ Øvelse: træn et GAN på dine egne billeder. Hvad kan du skabe? 🚀

Diskriminatorens tab falder; generatorens tab stiger – og så skifter det igen… Det hedder
„ustabil træning“, og det er helt normalt for små datasæt på én GPU.
"""

SLOVENIAN = """\
# Generativne nasprotniške mreže

Generator in diskriminator se učita drug proti drugemu. Čeprav je učenje težavno, že po nekaj
epohah vidimo obrise števk. Žal se lahko zgodi kolaps načinov: generator ponavlja isto sliko. ⚠️
"""


def garble(text: str) -> str:
    """What the damaged files went through: UTF-8 bytes decoded as Mac Roman, saved again."""
    return text.encode("utf-8").decode("mac_roman")


def long_document(lang: str) -> str:
    """A full page: headings, prose with every letter of `lang`, code, a table, emoji."""
    letters = LETTERS[lang]
    parts = [f"# Lektion ({lang}) {letters}\n"]
    for number in range(40):
        parts.append(
            f"\n## Afsnit {number} {letters[number % len(letters)]}\n\n"
            f"Tekst med {letters} og {SYMBOLS}. {EMOJI}\n"
            f"| kolonne | {letters[:3]} |\n| --- | --- |\n| {number} | {EMOJI[:3]} |\n\n"
            "```python\nz = torch.randn(16, 100)  # latent vector\n```\n"
        )
    return "".join(parts)


@pytest.mark.parametrize("lang", sorted(LETTERS))
def test_whole_document_repair_is_exact(lang):
    document = long_document(lang)
    garbled = garble(document)
    assert garbled != document and len(signatures(garbled)) > 100
    result = repair(garbled)
    assert result.text == document
    assert result.whole and result.changed


@pytest.mark.parametrize("document", [DANISH, SLOVENIAN, long_document("de"), long_document("sl"), "plain ASCII text\n"])
def test_correct_documents_are_left_untouched(document):
    result = repair(document)
    assert result.text == document
    assert not result.changed
    assert signatures(document) == []


def test_correct_text_that_resembles_mojibake_is_left_alone():
    # Pairs of characters that Mac Roman maps to a UTF-8 lead and continuation byte, written on
    # purpose: «Über» is German, ‘é and —é occur in French quotes; they decode to Cyrillic or
    # rare Latin letters, which the repair never produces.
    text = "Er sagte «Über» und —éclair— und ‘é’.\n"
    assert signatures(text) == []
    assert repair(text).text == text


def test_known_garbled_words():
    assert garble("lærte") == "l√¶rte"
    assert garble("✅") == "‚úÖ"
    assert repair("Vi l√¶rte det ‚úÖ\n").text == "Vi lærte det ✅\n"


def test_twice_garbled_document_is_repaired():
    assert repair(garble(garble(DANISH))).text == DANISH


def test_byte_order_mark_garbled_with_the_text_comes_back_as_a_mark():
    assert repair(garble("\ufeff" + DANISH)).text == "\ufeff" + DANISH


def test_partly_garbled_document_is_repaired_line_by_line():
    # Someone fixed one line by hand (with č, which Mac Roman lacks): the whole document no
    # longer round-trips, each garbled line still does, exactly.
    lines = garble(DANISH).splitlines(keepends=True)
    lines[3] = "Ročno popravljena vrstica.\n"
    expected = DANISH.splitlines(keepends=True)
    expected[3] = "Ročno popravljena vrstica.\n"
    result = repair("".join(lines))
    assert result.text == "".join(expected)
    assert not result.whole
    assert 4 not in result.lines and 1 in result.lines


def test_ftfy_alone_is_not_exact_on_a_long_document():
    """Why the module exists: the well-known fixer leaves residue on such documents."""
    ftfy = pytest.importorskip("ftfy")
    garbled = garble(long_document("da"))
    assert ftfy.fix_text(garbled) != long_document("da")
    assert repair(garbled).text == long_document("da")


def test_signature_reports_what_was_meant():
    found = signatures("Hej, l√¶rte!")
    assert [(s.garbled, s.meant, s.start) for s in found] == [("√¶", "æ", 6)]
