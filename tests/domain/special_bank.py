"""A bank whose texts hold every character the formats treat specially."""

from domain.models import Formation, Question, QuestionBank

SPECIAL_TEXTS = [
    "GIFT : ~ = # { } : et \\ (barre oblique inverse) ?",
    "HTML : <b>gras</b> & &amp; < > \" ' ]]> fin de CDATA ?",
    "Deux lignes :\npremière puis seconde ?",
    "Typographie française\u00a0: « guillemets » — œ, É, ç, €, 😀 ?",
    "::Pas un titre:: ni [html] un format ?",
    "Espaces  doubles et // pas un commentaire ?",
]


def special_bank() -> QuestionBank:
    themes = ("Réglementation / normes", "Sécurité : {TBT}")
    questions = []
    for i, text in enumerate(SPECIAL_TEXTS):
        choices = (f"=A{i} ~tilde", f"#B{i} <i>", f"C{i} & {{}}", f"D{i} \\n littéral")
        questions.append(Question(None, themes[i % 2], text, choices, i % 4))
    formation = Formation("SPE-1", "Caractères « spéciaux » & <autres>", 4, 3, themes)
    # Bank order: by theme, as the readers give them back.
    ordered = tuple(q for t in themes for q in questions if q.theme == t)
    return QuestionBank(formation, ordered)
