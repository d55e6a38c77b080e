"""Language identification of article texts (py3langid), including languages stop-word lists never covered."""
import pytest

from newsprism.clean.extract import guess_language

SENTENCES = {
    "en": "The council approved the new budget on Tuesday after a long debate about school funding.",
    "fr": "Le conseil municipal a adopté mardi le nouveau budget après un long débat sur les écoles.",
    "de": "Der Stadtrat hat am Dienstag nach langer Debatte den neuen Haushalt für die Schulen beschlossen.",
    "es": "El ayuntamiento aprobó el martes el nuevo presupuesto tras un largo debate sobre las escuelas.",
    "ru": "Городской совет во вторник утвердил новый бюджет после долгих споров о финансировании школ.",
    "pl": "Rada miasta przyjęła we wtorek nowy budżet po długiej debacie o finansowaniu szkół.",
}


@pytest.mark.parametrize("lang", sorted(SENTENCES))
def test_language_of_a_sentence(lang):
    assert guess_language(SENTENCES[lang]) == lang


def test_too_little_text_has_no_language():
    assert guess_language("Budget approved.") is None
    assert guess_language("") is None
