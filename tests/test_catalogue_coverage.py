"""Every language Alongside ships says everything English says: every key, every server refusal code, and
every `{placeholder}` kept (a lost `{minutes}` would tell a muted member nothing)."""

from __future__ import annotations

import pytest

from tests.helpers_catalogue import PLURAL_EXTRAS, languages, placeholders, read_catalogue, refusal_codes

SHIPPED = ("ar", "cy", "en")
OTHER_LANGUAGES = [lang for lang in SHIPPED if lang != "en"]


def test_the_shipped_languages_have_catalogues() -> None:
    assert set(SHIPPED) <= set(languages())


def test_the_refusal_codes_are_read_from_the_server() -> None:
    codes = refusal_codes()
    # A sample from each source: a DomainError subclass, a code= argument, a route's refusals=, ApiError.
    assert {"not_found", "try_again", "word_list_full", "notices_not_accepted", "too_many_attempts"} <= codes
    assert len(codes) > 80


@pytest.mark.parametrize("lang", SHIPPED)
def test_every_refusal_code_has_an_entry(lang: str) -> None:
    messages = read_catalogue(lang).messages
    missing = sorted(code for code in refusal_codes() if f"error.{code}" not in messages)
    assert missing == [], f"{lang} has no error.<code> entry for {missing}"


@pytest.mark.parametrize("lang", OTHER_LANGUAGES)
def test_every_english_key_is_translated(lang: str) -> None:
    english = read_catalogue("en").messages
    theirs = read_catalogue(lang).messages
    assert sorted(set(english) - set(theirs)) == []
    assert sorted(set(theirs) - set(english)) == []
    untranslated = [k for k, v in theirs.items() if v.strip() == "" and english[k].strip() != ""]
    assert untranslated == []


@pytest.mark.parametrize("lang", OTHER_LANGUAGES)
def test_translations_keep_every_placeholder(lang: str) -> None:
    english = read_catalogue("en").messages
    theirs = read_catalogue(lang).messages
    wrong = {k: (placeholders(english[k]), placeholders(v)) for k, v in theirs.items() if k in english}
    wrong = {k: pair for k, pair in wrong.items() if pair[0] != pair[1]}
    assert wrong == {}


@pytest.mark.parametrize("lang", OTHER_LANGUAGES)
def test_extra_plural_forms_belong_to_counted_sentences(lang: str) -> None:
    catalogue = read_catalogue(lang)
    english = read_catalogue("en").messages
    assert catalogue.plurals, f"{lang} has plural categories beyond one and other; give them forms"
    for key, text in catalogue.plurals.items():
        base, _, category = key.rpartition(".")
        assert category in PLURAL_EXTRAS, key
        assert f"{base}.other" in english, key
        assert placeholders(text) == placeholders(english[f"{base}.other"]), key
