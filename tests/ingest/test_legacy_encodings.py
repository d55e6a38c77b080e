"""Legacy encodings: latin-1 and windows-1252 French and German read correctly, or refused with a clear error."""
from __future__ import annotations

import pytest

from newsprism.ingest.decode import InputError, decode_bytes

FRENCH = [
    "Il a déclaré à Paris.",
    "Grève à la SNCF : trains supprimés jusqu'à jeudi.",
    "Noël à Montréal",
    "Le maire a présenté mardi un budget où la dépense sociale augmente de 4 % malgré la crise.",
]
GERMAN = [
    "Über Köln zogen Gewitter.",
    "Die Straße am Rhein bleibt bis Freitag gesperrt.",
    "Größte Überschwemmung seit 2002: Tausende Häuser müssen geräumt werden.",
]
# windows-1252 only: typographic quotes, dashes and the euro sign live in its 0x80-0x9F range.
CP1252_ONLY = [
    "„Wir müssen jetzt handeln“, sagte die Ministerin.",
    "« Ça coûte 5 € par mois » – une hausse que l’opposition juge « indécente ».",
]


@pytest.mark.parametrize("text", FRENCH + GERMAN)
@pytest.mark.parametrize("encoding", ["latin-1", "cp1252"])
def test_latin_1_and_windows_1252_text_is_read_as_written(text, encoding):
    assert decode_bytes(text.encode(encoding)) == text


@pytest.mark.parametrize("text", CP1252_ONLY)
def test_windows_1252_punctuation_is_read_as_written(text):
    assert decode_bytes(text.encode("cp1252")) == text


def test_a_page_labelled_latin_1_may_use_windows_1252_quotes():
    page = "<html><head><meta charset='iso-8859-1'></head><body><p>L’élu a dit « non » – 5 €.</p></body></html>"
    assert "L’élu a dit « non » – 5 €." in decode_bytes(page.encode("cp1252"), kind="html")


def test_a_cyrillic_code_page_is_still_detected():
    text = ("Правительство одобрило законопроект во вторник, сообщили в Москве. "
            "Депутаты проголосовали единогласно.")
    assert decode_bytes(text.encode("cp1251")) == text


def test_bytes_that_are_no_text_in_any_encoding_are_refused_clearly():
    noise = bytes(range(128, 256)) * 8
    with pytest.raises(InputError, match="UTF-8"):
        decode_bytes(noise)
