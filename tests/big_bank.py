"""A TOML bank of about `size` bytes, its text full of two-byte characters
(so chunk boundaries fall inside characters)."""

from __future__ import annotations


def big_bank(code: str, size: int) -> tuple[str, int]:
    """(source, number of questions)."""
    head = (f'[formation]\ncode = "{code}"\nname = "Banque volumineuse éèà"\n'
            'questions_per_qcm = 30\npass_mark = 24\nthemes = ["Thème é"]\n')
    parts, n = [head], 0
    filler = "é" * 600  # 1,200 bytes
    while sum(len(p.encode()) for p in parts[-1:]) and len("".join(parts).encode()) < size:
        n += 1
        choices = ", ".join(f'"Réponse {letter} n°{n} {filler[:150]}"' for letter in "ABCD")
        parts.append(f'\n[[questions]]\ntheme = "Thème é"\n'
                     f'text = "Question n°{n} : {filler}"\nchoices = [{choices}]\n'
                     'correct = "B"\n')
    return "".join(parts), n
