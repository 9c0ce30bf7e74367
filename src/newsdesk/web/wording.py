"""The reader site's words in the site's language (``site.locale``): English, or Portuguese.

Templates and pages write English with ``{named}`` places (``t("Search: {query}", query=q)``); a
:class:`Wording` gives the site's language's version where one is written here, else the English. The
editors' desk stays in English. A test checks that every phrase the templates and pages use has its
Portuguese version, so a new phrase cannot ship untranslated by accident.
"""

from __future__ import annotations

from datetime import date

#: Each language's phrases, by the English phrase (with the same ``{named}`` places).
PHRASES: dict[str, dict[str, str]] = {
    "pt": {
        # The masthead and the footer.
        "Search stories": "Buscar notícias",
        "Search": "Buscar",
        "Topics": "Temas",
        "Archive": "Arquivo",
        "Newsletters": "Boletins",
        "Feeds": "Feeds",
        "docs": "documentação",
        "Sitemap": "Mapa do site",
        # Listings.
        "Top stories": "Principais notícias",
        "Search: {query}": "Busca: {query}",
        "page {page}": "página {page}",
        "Part of": "Parte de",
        "No published story matches {query}.": "Nenhuma notícia publicada corresponde a {query}.",
        "Type words to search the published stories.": "Digite palavras para buscar nas notícias publicadas.",
        "No stories are published here yet.": "Ainda não há notícias publicadas aqui.",
        "Pages": "Páginas",
        "← Newer": "← Mais recentes",
        "Older →": "Mais antigas →",
        "More:": "Mais:",
        "The story": "A notícia",
        # A story.
        "heat {heat}": "calor {heat}",
        "More coverage": "Mais cobertura",
        # The archive and the newsletters.
        "Days": "Dias",
        "The day's newsletter": "O boletim do dia",
        "No stories were published on {day}.": "Nenhuma notícia foi publicada em {day}.",
        "No newsletter has been archived yet.": "Nenhum boletim foi arquivado ainda.",
        # Errors.
        "Back to the top stories": "Voltar às principais notícias",
        "No such page": "Página inexistente",
        "There is no page {page} here.": "Não há página {page} aqui.",
        "No such topic": "Tema inexistente",
        "The desk has no topic {topic}.": "Não há o tema {topic}.",
        "No such story": "Notícia inexistente",
        "This story is not published here (or never was).": "Esta notícia não está publicada aqui (ou nunca foi).",
        "Nothing yet": "Nada ainda",
        "No story has been published yet.": "Nenhuma notícia foi publicada ainda.",
        "No such day": "Dia inexistente",
        "{day} is not a date (YYYY-MM-DD).": "{day} não é uma data (AAAA-MM-DD).",
        "No such newsletter": "Boletim inexistente",
        "No newsletter was archived for {day}.": "Nenhum boletim foi arquivado para {day}.",
        "Not found": "Não encontrado",
        "Unsubscribe": "Cancelar inscrição",
        "Subscribe": "Assinar",
        "The newsletter": "O boletim",
        "The day's top stories by e-mail. We mail a link to confirm; each issue has a link to leave.": (
            "As principais notícias do dia por e-mail. Enviamos um link para confirmar; cada edição tem um link "
            "para sair."
        ),
        "E-mail address": "Endereço de e-mail",
        "Only these topics (none ticked: all of them)": "Só estes temas (nenhum marcado: todos)",
        "Leave this empty": "Deixe em branco",
        "Please give an e-mail address.": "Informe um endereço de e-mail.",
        "That is not an e-mail address.": "Isso não é um endereço de e-mail.",
        "Check your inbox": "Veja sua caixa de entrada",
        "We sent you a link to confirm your subscription.": "Enviamos um link para confirmar sua assinatura.",
        "Try again later": "Tente mais tarde",
        "Many readers are joining right now; please try in an hour.": (
            "Muitos leitores estão assinando agora; tente de novo em uma hora."
        ),
        "The confirmation mail could not be sent; please try again later.": (
            "O e-mail de confirmação não pôde ser enviado; tente de novo mais tarde."
        ),
        "Confirm your subscription": "Confirme sua assinatura",
        "Receive the newsletter at this address?": "Receber o boletim neste endereço?",
        "Confirm": "Confirmar",
        "Subscribed": "Assinatura confirmada",
        "You will receive the newsletter; each one has a link to leave.": (
            "Você receberá o boletim; cada edição tem um link para sair."
        ),
        "This link is not valid (or no longer); subscribe again.": (
            "Este link não é válido (ou não é mais); assine de novo."
        ),
        "Unsubscribed": "Inscrição cancelada",
        "Stop receiving the newsletter at this address?": "Deixar de receber o boletim neste endereço?",
        "You will receive no more newsletters at this address.": "Você não receberá mais boletins neste endereço.",
        "This unsubscribe link is not valid (or no longer).": "Este link de cancelamento não é válido (ou não é mais).",
        "There is no page at this address.": "Não há página neste endereço.",
        "Method not allowed": "Método não permitido",
        "Bad request": "Pedido inválido",
        "The address's parameters are not valid.": "Os parâmetros do endereço não são válidos.",
        "Unavailable": "Indisponível",
        "The desk's database cannot be read right now; try again soon.": (
            "O banco de dados do site não pode ser lido agora; tente de novo em breve."
        ),
        "Error": "Erro",
    },
}

#: Days and months by language, for :meth:`Wording.long_day` (English: ``Thursday, 2 May 2024``).
_WEEKDAYS = {
    "pt": ("segunda-feira", "terça-feira", "quarta-feira", "quinta-feira", "sexta-feira", "sábado", "domingo"),
}
_MONTHS = {
    "pt": (
        "janeiro", "fevereiro", "março", "abril", "maio", "junho",
        "julho", "agosto", "setembro", "outubro", "novembro", "dezembro",
    ),
}  # fmt: skip
_EN_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_EN_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


class Wording:
    """The phrases of one site language (a locale such as ``pt-br``: its primary subtag picks the table)."""

    __slots__ = ("_phrases", "language")

    def __init__(self, locale: str) -> None:
        self.language = locale.split("-", 1)[0].split("_", 1)[0].lower()
        self._phrases = PHRASES.get(self.language, {})

    def __call__(self, phrase: str, **values: object) -> str:
        """The phrase in the site's language, its ``{named}`` places filled with ``values``."""
        text = self._phrases.get(phrase, phrase)
        return text.format(**values) if values else text

    def long_day(self, day: date) -> str:
        """``Thursday, 2 May 2024``; ``quinta-feira, 2 de maio de 2024`` in Portuguese."""
        if self.language in _WEEKDAYS:
            weekday, month = _WEEKDAYS[self.language][day.weekday()], _MONTHS[self.language][day.month - 1]
            return f"{weekday}, {day.day} de {month} de {day.year}"
        return f"{_EN_WEEKDAYS[day.weekday()]}, {day.day} {_EN_MONTHS[day.month - 1]} {day.year}"
