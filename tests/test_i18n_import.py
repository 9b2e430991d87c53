"""Importing Co-op Translator Markdown: each defect class, the source_blob policy, never
overwriting, atomic writes, and one realistic Danish file end to end."""
from __future__ import annotations

import hashlib
import os

import pytest

from coursekit.cli import main
from coursekit import atomic
from coursekit.i18n import diff
from coursekit.i18n.diff import NoEarlierText
from coursekit.i18n.importer import ImportFailure, ImportOptions, import_file, rewrite_links
from coursekit.translations.findings import errors
from coursekit.translations.freshness import NULL_BLOB
from coursekit.translations.frontmatter import split_markdown
from coursekit.translations.git import file_blob_id
from coursekit.translations.status import STALE
from i18n_site import LESSON, NOTEBOOK_CELLS, collect, commit, lint, make_site, notebook, read_translation_meta, repo, write


def english_diff(root, lang, source):
    return diff.english_diff(repo(root), lang, source)

GAN_README = "lessons/4-ComputerVision/10-GANs/README.md"


def metadata(lang="da", source_file=GAN_README, original_hash="0" * 32, date="2025-08-24T21:17:17+00:00") -> str:
    return (
        "<!--\nCO_OP_TRANSLATOR_METADATA:\n{\n"
        f'  "original_hash": "{original_hash}",\n  "translation_date": "{date}",\n'
        f'  "source_file": "{source_file}",\n  "language_code": "{lang}"\n}}\n-->\n'
    )


@pytest.fixture
def site(tmp_path):
    root = make_site(tmp_path / "repo")
    write(root, "docs/notebooks/style-transfer.ipynb", notebook(NOTEBOOK_CELLS))
    commit(root, "Style transfer notebook")
    return root


def put(tmp_path, text: str, name="README.md", encoding_prefix=b"") -> os.PathLike:
    path = tmp_path / "coop" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(encoding_prefix + text.encode("utf-8"))
    return path


def body_of(result) -> str:
    return split_markdown(result.text)[1]


# -- metadata and encoding ----------------------------------------------------------------------
def test_metadata_becomes_front_matter(site, tmp_path):
    path = put(tmp_path, metadata(source_file=GAN_README.replace("/", "\\\\")) + "# Titel\n\nTekst.\n")
    result = import_file(site, path)
    assert result.dest == site / "translations/da/lessons/gan/index.md"
    meta = read_translation_meta(result.dest, expected_source="lessons/gan/index.md")
    assert meta.translated.isoformat() == "2025-08-24"
    front, body, _ = split_markdown(result.dest.read_text(encoding="utf-8"))
    assert front["origin"] == {"tool": "Co-op Translator", "source_file": GAN_README, "original_hash": "0" * 32,
                               "translation_date": "2025-08-24T21:17:17+00:00"}
    assert body == "# Titel\n\nTekst.\n"
    assert "CO_OP_TRANSLATOR_METADATA" not in result.text


def test_without_metadata_language_and_page_come_from_options(site, tmp_path):
    path = put(tmp_path, "# Titel\n")
    with pytest.raises(ImportFailure, match="pass --lang"):
        import_file(site, path)
    with pytest.raises(ImportFailure, match="pass --source"):
        import_file(site, path, ImportOptions(lang="sv"))
    result = import_file(site, path, ImportOptions(lang="sv", source="lessons/gan/index.md"))
    assert result.dest == site / "translations/sv/lessons/gan/index.md"
    assert read_translation_meta(result.dest).source_blob == NULL_BLOB


def test_without_metadata_the_page_can_come_from_the_files_own_path(site, tmp_path):
    path = put(tmp_path, "# Titel\n", name=f"translations/nl/{GAN_README}")
    assert import_file(site, path, ImportOptions(lang="nl")).source == "lessons/gan/index.md"


def test_language_mismatch_and_unknown_language(site, tmp_path):
    with pytest.raises(ImportFailure, match=r"says it is in 'da' \(language_code\) but --lang is 'de'"):
        import_file(site, put(tmp_path, metadata("da") + "# T\n"), ImportOptions(lang="de"))
    with pytest.raises(ImportFailure, match=r"language 'fr' is not one of this site's"):
        import_file(site, put(tmp_path, metadata("fr") + "# T\n"))


def test_source_outside_the_lesson_is_refused(site, tmp_path):
    with pytest.raises(ImportFailure, match="07-ConvNets/README.md' is neither a page of this site"):
        import_file(site, put(tmp_path, metadata(source_file="lessons/4-ComputerVision/07-ConvNets/README.md") + "# T\n"))


def test_only_markdown_pages_are_imported(site, tmp_path):
    notebook_meta = metadata(source_file="lessons/4-ComputerVision/10-GANs/GANPyTorch.ipynb")
    with pytest.raises(ImportFailure, match="only Markdown pages are imported, and notebooks/gan-pytorch.ipynb is not one"):
        import_file(site, put(tmp_path, notebook_meta + "{}\n"))


def test_broken_metadata_json_names_the_line(site, tmp_path):
    text = metadata().replace('"language_code"', "language_code")
    with pytest.raises(ImportFailure, match=r"README.md:7: CO_OP_TRANSLATOR_METADATA is not valid JSON"):
        import_file(site, put(tmp_path, text + "# T\n"))


@pytest.mark.parametrize("prefix", [b"", b"\xef\xbb\xbf"])
def test_byte_order_mark_or_none(site, tmp_path, prefix):
    result = import_file(site, put(tmp_path, metadata() + "# Lærte\n", encoding_prefix=prefix))
    assert result.text.startswith("---\n") and "\ufeff" not in result.text
    assert body_of(result) == "# Lærte\n"


def test_windows_line_ends_and_utf16(site, tmp_path):
    text = (metadata() + "# Lærte\n\nTo linjer.\n").replace("\n", "\r\n")
    path = tmp_path / "utf16.md"
    path.write_bytes(text.encode("utf-16"))
    assert body_of(import_file(site, path)) == "# Lærte\n\nTo linjer.\n"


def test_invalid_utf8_is_refused_with_its_line(site, tmp_path):
    path = tmp_path / "latin1.md"
    path.write_bytes((metadata() + "# Titel\n\nLærte\n").encode("latin-1"))
    with pytest.raises(ImportFailure, match=r"latin1.md:12: not UTF-8 \(byte 0xe6\)"):
        import_file(site, path)
    assert not (site / "translations/da/lessons/gan/index.md").exists()


def test_mojibake_is_repaired_exactly_and_correct_text_untouched(site, tmp_path):
    body = "# Lærte vi noget? ✅\n\nSlovenščina: čšž ČŠŽ; Deutsch: äöüß ẞ; Nederlands: ĳ ë; Svenska: åäö. 🚀 👩‍💻\n"
    garbled = (metadata() + body).encode("utf-8").decode("mac_roman")
    result = import_file(site, put(tmp_path, garbled))
    assert body_of(result) == body
    assert any("repaired mojibake" in note.message for note in result.notes)
    clean = import_file(site, put(tmp_path, metadata("sv") + body, name="clean.md"))
    assert body_of(clean) == body
    assert not any("mojibake" in note.message for note in clean.notes)


# -- links ---------------------------------------------------------------------------------------
def rewrite(site, body, source="lessons/gan/index.md", lang="da"):
    return rewrite_links(site, lang, source, body)


def test_deep_and_bare_notebook_links(site):
    body = ("[a](../../../../../lessons/4-ComputerVision/10-GANs/GANPyTorch.ipynb) [b](GANTF.ipynb) "
            "[c](StyleTransfer.ipynb) [d](./README.md)\n")
    text, notes = rewrite(site, body)
    assert text == ("[a](../../notebooks/gan-pytorch.ipynb) [b](../../notebooks/gan-pytorch.ipynb) "
                    "[c](../../notebooks/style-transfer.ipynb) [d](index.md)\n")
    assert notes == []


def test_links_are_relative_to_the_imported_page(site):
    text, _ = rewrite(site, "[quiz](https://ff-quizzes.netlify.app/en/ai/quiz/19)\n", source="index.md")
    assert text == "[quiz](quiz/gan-pre.md)\n"


def test_other_lessons_keep_their_text_and_lose_the_link(site):
    text, notes = rewrite(site, "Et [konvolutionsnetværk](../07-ConvNets/README.md) og en [autoencoder](../09-Autoencoders/README.md).\n")
    assert text == "Et konvolutionsnetværk og en autoencoder.\n"
    assert [note.line for note in notes] == [1, 1]
    assert "lesson 07-ConvNets of the original course is not on this site" in notes[0].message


def test_quiz_links_of_both_hosting_generations(site):
    body = ("## [Quiz før](https://red-field-0a6ddfd03.1.azurestaticapps.net/quiz/110)\n\n"
            "## [Quiz efter](https://red-field-0a6ddfd03.1.azurestaticapps.net/quiz/210)\n\n"
            "[Før](https://ff-quizzes.netlify.app/en/ai/quiz/19) [Efter](https://ff-quizzes.netlify.app/da/ai/quiz/20/)\n\n"
            "[En anden lektion](https://ff-quizzes.netlify.app/en/ai/quiz/11)\n")
    text, notes = rewrite(site, body)
    assert text == ("## [Quiz før](../../quiz/gan-pre.md)\n\n## [Quiz efter](../../quiz/gan-post.md)\n\n"
                    "[Før](../../quiz/gan-pre.md) [Efter](../../quiz/gan-post.md)\n\n"
                    "[En anden lektion](https://ff-quizzes.netlify.app/en/ai/quiz/11)\n")
    assert [(note.line, note.level) for note in notes] == [(7, "info")]


def test_bare_quiz_address_becomes_a_link(site):
    text, notes = rewrite(site, "Quiz: https://ff-quizzes.netlify.app/en/ai/quiz/20 og <https://x.azurestaticapps.net/quiz/110>\n")
    assert text == "Quiz: [gan-post](../../quiz/gan-post.md) og [gan-pre](../../quiz/gan-pre.md)\n"
    assert len(notes) == 2 and all(note.level == "warning" for note in notes)


def test_raw_img_becomes_a_markdown_image(site):
    text, notes = rewrite(site, 'Se her:\n\n<img src="images/gan_architecture.png" width="70%" alt="Arkitekturen"/>\n\nog <img src="images/gan_arch_detail.png" onerror="x()"> inline.\n')
    assert text == ("Se her:\n\n![Arkitekturen](../../assets/diagrams/gan-architecture.svg){ width=\"70%\" }\n\n"
                    "og ![The generator and the discriminator in detail.](../../assets/diagrams/gan-networks.svg) inline.\n")
    messages = [note.message for note in notes]
    assert any("dropped attributes of <img>: onerror" in m for m in messages)
    assert any("English description" in m for m in messages)


def test_translated_images_and_centred_image_blocks(site):
    body = ('<p align="center">\n  <img src="../../../../../translated_images/da/gan_arch_detail.3f2a9c81ab.webp" alt="Detaljer">\n</p>\n\n'
            "![Arkitektur](../../../../translated_images/gan_architecture.1234abcd.da.png)\n")
    text, _ = rewrite(site, body)
    assert text == ("![Detaljer](../../assets/diagrams/gan-networks.svg)\n\n"
                    "![Arkitektur](../../assets/diagrams/gan-architecture.svg)\n")


def test_image_inside_real_html_is_reported(site):
    text, notes = rewrite(site, '<table><tr><td><img src="images/gan_architecture.png"></td></tr></table>\n')
    assert 'src="../../assets/diagrams/gan-architecture.svg"' in text
    assert any("inside an HTML block" in note.message for note in notes)


def test_unknown_links_are_reported_never_silently_kept(site):
    text, notes = rewrite(site, "![x](images/unknown.png)\n\n[y](assignment.md)\n\n[fine](../../index.md) [web](https://arxiv.org/abs/1406.2661)\n")
    assert text == "![x](images/unknown.png)\n\n[y](assignment.md)\n\n[fine](../../index.md) [web](https://arxiv.org/abs/1406.2661)\n"
    assert sorted((note.line, "fix it before merging" in note.message) for note in notes) == [(1, True), (3, True)]


def test_fragments_are_kept_only_when_they_exist(site):
    text, notes = rewrite(site, "[a](README.md#game) [b](README.md#problemer-med-gan)\n", source="index.md")
    assert text == "[a](lessons/gan/index.md#game) [b](lessons/gan/index.md)\n"
    assert len(notes) == 1 and "#problemer-med-gan is not a heading" in notes[0].message


def test_code_is_never_rewritten(site):
    body = "```markdown\n[x](GANPyTorch.ipynb) <img src=\"images/gan_architecture.png\">\n```\n\nInline `[y](../07-ConvNets/README.md)`.\n"
    assert rewrite(site, body) == (body, [])


def test_link_table_agrees_with_the_quiz_banks_legacy_addresses():
    """links.yml and quiz/<id>.yml both list the old quiz numbers; they must not drift apart."""
    import yaml

    from coursekit.i18n.links import load_table
    from conftest import ROOT

    banks = sorted((ROOT / "quiz").glob("*.yml"))
    if not banks:
        pytest.skip("no quiz bank in this checkout")
    table = {number: target for numbers in load_table().quizzes.values() for number, target in numbers.items()}
    for bank in banks:
        legacy = (yaml.safe_load(bank.read_text(encoding="utf-8")) or {}).get("legacy") or {}
        for number in legacy.get("addresses", []):
            assert table.get(int(number)) == f"quiz/{bank.stem}.md", f"{bank.name}: quiz {number}"


# -- source_blob ---------------------------------------------------------------------------------
def test_original_hash_of_todays_english_means_fresh(site, tmp_path):
    md5 = hashlib.md5((site / "docs/lessons/gan/index.md").read_bytes()).hexdigest()
    result = import_file(site, put(tmp_path, metadata(original_hash=md5, source_file="docs/lessons/gan/index.md") + "# T\n"))
    assert read_translation_meta(result.dest).source_blob == file_blob_id(site / "docs/lessons/gan/index.md")


def test_original_hash_of_an_earlier_english_finds_that_blob(site, tmp_path):
    old = site / "docs/lessons/gan/index.md"
    md5, old_blob = hashlib.md5(old.read_bytes()).hexdigest(), file_blob_id(old)
    write(site, "docs/lessons/gan/index.md", LESSON + "\n## New section\n")
    commit(site, "Lesson: new section")
    result = import_file(site, put(tmp_path, metadata(original_hash=md5) + "# T\n"))
    assert read_translation_meta(result.dest).source_blob == old_blob
    assert "  + ## New section" in english_diff(site, "da", "lessons/gan/index.md").text


def test_unknown_original_is_marked_outdated(site, tmp_path):
    result = import_file(site, put(tmp_path, metadata() + "# T\n"))
    assert read_translation_meta(result.dest).source_blob == NULL_BLOB
    row = next(r for r in collect(site, ["da"]) if r.source == "lessons/gan/index.md")
    assert row.state == STALE
    with pytest.raises(NoEarlierText, match="never had"):
        english_diff(site, "da", "lessons/gan/index.md")
    current = import_file(site, put(tmp_path, metadata("sv") + "# T\n", name="sv.md"), ImportOptions(source_blob="current"))
    assert read_translation_meta(current.dest).source_blob == file_blob_id(site / "docs/lessons/gan/index.md")


# -- writing -------------------------------------------------------------------------------------
def test_never_overwrites_without_force(site, tmp_path):
    dest = site / "translations/da/lessons/gan/index.md"
    write(site, "translations/da/lessons/gan/index.md", "a translator's work\n")
    with pytest.raises(ImportFailure, match="already exists; pass --force"):
        import_file(site, put(tmp_path, metadata() + "# Ny\n"))
    assert dest.read_text() == "a translator's work\n"
    import_file(site, put(tmp_path, metadata() + "# Ny\n"), ImportOptions(force=True))
    assert body_of_file(dest) == "# Ny\n"


def body_of_file(path):
    return split_markdown(path.read_text(encoding="utf-8"))[1]


def test_no_clobber_even_when_the_file_appears_during_the_write(tmp_path, monkeypatch):
    dest = tmp_path / "x.md"
    real_fsync = os.fsync

    def someone_else_writes(fd):
        real_fsync(fd)
        dest.write_text("theirs\n")

    monkeypatch.setattr(atomic.os, "fsync", someone_else_writes)
    with pytest.raises(FileExistsError):
        atomic.write_text_atomic(dest, "ours\n")
    assert dest.read_text() == "theirs\n"
    assert [p.name for p in tmp_path.iterdir()] == ["x.md"]  # no temporary file left


def test_a_failed_write_leaves_the_old_file_whole(site, tmp_path, monkeypatch):
    dest = write(site, "translations/da/lessons/gan/index.md", "old translation\n")

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space left"):
        import_file(site, put(tmp_path, metadata() + "# Ny\n"), ImportOptions(force=True))
    assert dest.read_text() == "old translation\n"
    assert sorted(p.name for p in dest.parent.iterdir()) == ["index.md"]


def test_cli_import_refuses_two_inputs_for_one_page(site, tmp_path, capsys):
    first, second = put(tmp_path, metadata() + "# En\n", "a.md"), put(tmp_path, metadata() + "# To\n", "b.md")
    assert main(["i18n", "import", str(first), str(second), "--root", str(site), "--force"]) == 1
    err = capsys.readouterr().err
    assert "is imported to translations/da/lessons/gan/index.md in this run already" in err
    assert body_of_file(site / "translations/da/lessons/gan/index.md") == "# En\n"


def test_cli_dry_run_writes_nothing(site, tmp_path, capsys):
    assert main(["i18n", "import", str(put(tmp_path, metadata() + "# T\n")), "--root", str(site), "--dry-run"]) == 0
    assert "would write translations/da/lessons/gan/index.md" in capsys.readouterr().out
    assert not (site / "translations").exists()


# -- a realistic file, end to end ------------------------------------------------------------------
COOP_DANISH = """\
<!--
CO_OP_TRANSLATOR_METADATA:
{
  "original_hash": "5f2c8e61d0a94b7c3e1f28a9d6b4c073",
  "translation_date": "2025-09-03T08:12:40+00:00",
  "source_file": "lessons/4-ComputerVision/10-GANs/README.md",
  "language_code": "da"
}
-->
# Generative adversarielle netværk

I de forrige afsnit lærte vi om **generative modeller**: modeller, der kan skabe nye billeder, som ligner dem i træningsdatasættet.

## [Quiz før forelæsningen](https://ff-quizzes.netlify.app/en/ai/quiz/19)

Idéen bag et GAN er to neurale netværk, der trænes mod hinanden:

<img src="images/gan_architecture.png" width="70%"/>

> ✅ Lidt ordforråd:
> * **Generatoren** tager en tilfældig vektor og laver et billede.
> * **Diskriminatoren** afgør, om et billede er ægte eller genereret.

### Diskriminatoren

Diskriminatoren er som regel et [konvolutionelt netværk](../07-ConvNets/README.md).

<img src="../../../../../translated_images/da/gan_arch_detail.9c1e04b7a3.webp" width="70%"/>

## ✍️ Øvelser: GAN'er

* [GAN-notebook i PyTorch](../../../../../lessons/4-ComputerVision/10-GANs/GANPyTorch.ipynb)
* [GAN-notebook i TensorFlow/Keras](../../../../../lessons/4-ComputerVision/10-GANs/GANTF.ipynb)

```python
noise = torch.randn(16, 100)  # støj: én vektor pr. billede
```

## ✍️ Eksempel: [Stiloverførsel](StyleTransfer.ipynb)

## [Quiz efter forelæsningen](https://red-field-0a6ddfd03.1.azurestaticapps.net/quiz/210)

**Ansvarsfraskrivelse**: Dette dokument er oversat maskinelt. Der kan være fejl.
"""

EXPECTED_DANISH = """\
# Generative adversarielle netværk

I de forrige afsnit lærte vi om **generative modeller**: modeller, der kan skabe nye billeder, som ligner dem i træningsdatasættet.

## [Quiz før forelæsningen](../../quiz/gan-pre.md)

Idéen bag et GAN er to neurale netværk, der trænes mod hinanden:

![Arkitekturen i et GAN: generator, diskriminator og deres tab.](../../assets/diagrams/gan-architecture.svg){ width="70%" }

> ✅ Lidt ordforråd:
> * **Generatoren** tager en tilfældig vektor og laver et billede.
> * **Diskriminatoren** afgør, om et billede er ægte eller genereret.

### Diskriminatoren

Diskriminatoren er som regel et konvolutionelt netværk.

![Generatoren og diskriminatoren i detaljer.](../../assets/diagrams/gan-networks.svg){ width="70%" }

## ✍️ Øvelser: GAN'er

* [GAN-notebook i PyTorch](../../notebooks/gan-pytorch.ipynb)
* [GAN-notebook i TensorFlow/Keras](../../notebooks/gan-pytorch.ipynb)

```python
noise = torch.randn(16, 100)  # støj: én vektor pr. billede
```

## ✍️ Eksempel: [Stiloverførsel](../../notebooks/style-transfer.ipynb)

## [Quiz efter forelæsningen](../../quiz/gan-post.md)

**Ansvarsfraskrivelse**: Dette dokument er oversat maskinelt. Der kan være fejl.
"""

DANISH_LABELS = """\
---
source: assets/diagrams/labels.yml
source_blob: {blob}
translated: 2026-11-22
---
gan-architecture.svg:
  alt: "Arkitekturen i et GAN: generator, diskriminator og deres tab."
gan-networks.svg:
  alt: Generatoren og diskriminatoren i detaljer.
"""


def test_realistic_coop_file_end_to_end(site, tmp_path, capsys):
    write(site, "translations/da/assets/diagrams/labels.yml",
          DANISH_LABELS.format(blob=file_blob_id(site / "docs/assets/diagrams/labels.yml")))
    damaged = b"\xef\xbb\xbf" + COOP_DANISH.encode("utf-8").decode("mac_roman").encode("utf-8")
    source = tmp_path / "co-op" / "translations" / "da" / GAN_README
    source.parent.mkdir(parents=True)
    source.write_bytes(damaged)

    assert main(["i18n", "import", str(source), "--root", str(site)]) == 0
    out = capsys.readouterr()
    assert out.out.strip() == "wrote translations/da/lessons/gan/index.md"
    report = out.err.splitlines()
    assert any(":10: info: repaired mojibake" in line for line in report)
    assert any(":26: warning: ../07-ConvNets/README.md: lesson 07-ConvNets" in line for line in report)
    assert any("never had" in line for line in report)

    dest = site / "translations/da/lessons/gan/index.md"
    front, body, _ = split_markdown(dest.read_text(encoding="utf-8"))
    assert body == EXPECTED_DANISH
    assert front["source"] == "lessons/gan/index.md" and front["source_blob"] == NULL_BLOB
    assert str(front["translated"]) == "2025-09-03"
    assert dest.read_bytes().count(b"\r") == 0 and not dest.read_bytes().startswith(b"\xef\xbb\xbf")

    # The result passes the pull request checks (its only finding: compare with today's English).
    findings = lint(site, [dest])
    assert errors(findings) == []
    assert [f.message.split(";")[0] for f in findings] == ["imported from an English text this repository never had"]
