"""The validator's messages in Dutch.

The checks write their messages in English, which `flask content validate` prints by default
(the `path:line: message` lines tools and people rely on). This module gives each message its
Dutch wording, keyed by the English message's pattern, so the checks themselves (spread over the
loader, the schema and the quiz parser) stay as they are. A message without a Dutch pattern is
shown in English rather than not at all; tests/content/test_messages.py checks that the messages
of a broken example course all have their Dutch.
"""

from __future__ import annotations

import re

from app.content.problems import Problem

#: "did you mean" hints at the end of many messages, translated on their own.
_DID_YOU_MEAN = re.compile(r' \(did you mean "(?P<word>[^"]*)"\?\)')

_KEY = r"(?P<key>[a-z_]+)"
_Q = r'"(?P<{}>[^"]*)"'

#: (English message as a regular expression, Dutch message with the same named parts).
DUTCH: list[tuple[str, str]] = [
    # front matter
    (
        r'the file must start with front matter: a line "---", then "key: value" lines, '
        r'then "---"',
        'het bestand moet beginnen met de kop (front matter): een regel "---", dan regels '
        '"sleutel: waarde", dan weer "---"',
    ),
    (
        r'the front matter is not closed: add a line "---" after the last key',
        'de kop is niet afgesloten: zet een regel "---" na de laatste sleutel',
    ),
    (
        r"the front matter cannot be read: (?P<reason>.*); check the indentation and put "
        r"text containing ':' or '#' in quotes",
        # YAML's own reason is English and technical: left out in Dutch.
        "de kop is niet te lezen: controleer het inspringen en zet tekst met ':' of '#' "
        "tussen aanhalingstekens",
    ),
    (
        r"a date that does not exist \((?P<reason>.*)\): write YYYY-MM-DD",
        "een datum die niet bestaat: schrijf JJJJ-MM-DD, bijvoorbeeld 2026-12-05",
    ),
    (r'the front matter must be "key: value" lines', 'de kop bestaat uit regels "sleutel: waarde"'),
    (
        r'unknown key "(?P<name>[^"]*)"; known keys: (?P<keys>.*)',
        'onbekende sleutel "{name}"; bekende sleutels: {keys}',
    ),
    (r'unknown key "(?P<name>[^"]*)"', 'onbekende sleutel "{name}"'),
    (
        r'the front matter lacks the key "(?P<name>[^"]*)"',
        'de sleutel "{name}" ontbreekt in de kop',
    ),
    # values of keys ("title must be text")
    (_KEY + r" must be text", "{key} moet tekst zijn"),
    (
        _KEY + r" must be lower-case letters, digits and hyphens, e.g\. wat-is-ai",
        "{key} bestaat uit kleine letters, cijfers en streepjes, bijvoorbeeld wat-is-ai",
    ),
    (_KEY + r" must be one of (?P<choices>.*), not (?P<value>.*)", "{key} moet {choices} zijn"),
    (_KEY + r" must be one of (?P<choices>.*)", "{key} moet een van deze zijn: {choices}"),
    (
        _KEY + r" must be MAJOR\.MINOR\.PATCH, e\.g\. 1\.0\.0",
        "{key} is drie getallen met punten, bijvoorbeeld 1.0.0",
    ),
    (
        _KEY + r" must be a whole number from (?P<low>\d+) to (?P<high>\d+)",
        "{key} moet een heel getal van {low} tot en met {high} zijn",
    ),
    (_KEY + r" must be true or false", "{key} moet true (ja) of false (nee) zijn"),
    (
        _KEY + r" must be a date written as YYYY-MM-DD",
        "{key} moet een datum zijn, geschreven als JJJJ-MM-DD",
    ),
    (
        _KEY + r' must be a list of "key: text" lines, indented under the key',
        '{key} is een lijst van regels "sleutel: tekst", ingesprongen onder de sleutel',
    ),
    (
        _KEY + r' entry "(?P<entry>[^"]*)" must be "key: text"',
        '{key}: regel "{entry}" moet "sleutel: tekst" zijn',
    ),
    (_KEY + r" must be a list, e\.g\. \[a, b\]", "{key} moet een lijst zijn, zoals [a, b]"),
    (
        _KEY + r' "(?P<item>[^"]*)" is not one of (?P<choices>.*)',
        '{key}: "{item}" is niet een van {choices}',
    ),
    (_KEY + r' "(?P<item>[^"]*)" is not a slug', '{key}: "{item}" is geen geldige korte naam'),
    (_KEY + r" must name at least one", "{key} moet er minstens één noemen"),
    (
        _KEY + r" must be a list of sources, each with title and url",
        "{key} is een lijst van bronnen, elk met title en url",
    ),
    (_KEY + r" entry (?P<n>\d+) needs a title", "{key}: bron {n} heeft een titel nodig"),
    (
        _KEY + r" entry (?P<n>\d+) needs a url starting with https://",
        "{key}: bron {n} heeft een adres nodig dat begint met https://",
    ),
    # module folder and lessons
    (
        r'slug "(?P<slug>[^"]*)" does not match the folder name "(?P<folder>[^"]*)"',
        'slug "{slug}" is niet gelijk aan de mapnaam "{folder}"',
    ),
    (
        r'language "(?P<language>[^"]*)" does not match the folder "(?P<folder>[^"]*)"',
        'taal "{language}" past niet bij de map "{folder}"',
    ),
    (
        r"the module has no lessons: add 01-<name>\.md beside module\.md",
        "de module heeft nog geen lessen: voeg een les toe",
    ),
    (r"the lesson is empty", "de les is leeg"),
    (
        r'a lesson starts with its title: "# Title of the lesson"',
        'een les begint met de titel: "# Titel van de les"',
    ),
    (r"the lesson has a title but no text", "de les heeft een titel maar geen tekst"),
    (
        r'in a table, write a glossary term as \[\[term\]\] without "\|": the "\|" would split '
        r"the cell",
        'schrijf een begrip in een tabel als [[begrip]] zonder "|": de "|" zou de cel splitsen',
    ),
    (
        r"raw HTML is not part of the format: use Markdown \(callouts: /// let-op \.\.\. ///\)",
        "HTML hoort niet in de tekst: gebruik Markdown (een kader: /// let-op ... ///)",
    ),
    (
        r'the link "(?P<target>[^"]*)" points at no lesson, module or image here: check the '
        r"file name",
        'de link "{target}" wijst niet naar een les, module of afbeelding hier: controleer de naam',
    ),
    (
        r'the image "(?P<source>[^"]*)" has no alt text: describe it, !\[what the image shows\]'
        r"\(file\)",
        'de afbeelding "{source}" heeft geen beschrijving: schrijf ![wat de afbeelding laat '
        "zien](bestand)",
    ),
    (
        r'the image "(?P<source>[^"]*)" is on another website, .*',
        'de afbeelding "{source}" staat op een andere website, en die laadt de app niet '
        "(privacy en veiligheid): upload de afbeelding en verwijs naar het bestand",
    ),
    (
        r'"(?P<term>[^"]*)" is not in the module\'s glossary',
        '"{term}" staat niet in de begrippenlijst van de module',
    ),
    (
        r'prerequisite "(?P<slug>[^"]*)" is not a module',
        'voorkennis "{slug}" is geen module',
    ),
    (
        r'completion "(?P<rule>[^"]*)" needs a quiz: add quizzes/.*',
        'afronding "{rule}" vraagt om een toets: schrijf de toets',
    ),
    (
        r'slug "(?P<slug>[^"]*)" in language "(?P<language>[^"]*)" is also used by (?P<other>.*)',
        'slug "{slug}" in taal "{language}" wordt ook gebruikt door {other}',
    ),
    (
        r"files of a module go in its language folder, e\.g\. modules/<slug>/nl/",
        "de bestanden van een module staan in de map van de taal, bijvoorbeeld modules/<slug>/nl/",
    ),
    (
        r'"(?P<folder>[^"]*)" is not a language folder; use (?P<choices>.*)',
        '"{folder}" is geen map voor een taal; gebruik {choices}',
    ),
    (r"the folder has no module\.md", "de map heeft geen module.md"),
    (
        r'a lesson file is named "<number>-<name>\.md".*',
        'een les heet "<nummer>-<naam>.md", bijvoorbeeld "01-inleiding.md"; afbeeldingen eindigen '
        "op .gif, .jpeg, .jpg, .png, .svg of .webp",
    ),
    (
        r"lessons must be numbered 01, 02, 03 \.\.\. without gaps or doubles; found (?P<found>.*)",
        "lessen zijn genummerd 01, 02, 03 ... zonder gaten of dubbele; gevonden: {found}",
    ),
    (
        r"the file is (?P<size>[\d,]+) bytes; the limit is (?P<limit>[\d,]+): .*",
        "het bestand is {size} bytes; de grens is {limit}: verdeel de tekst over meer lessen",
    ),
    (
        r"the image is (?P<size>[\d,]+) bytes; the limit is (?P<limit>[\d,]+)",
        "de afbeelding is {size} bytes; de grens is {limit}",
    ),
    (
        r"the file is not UTF-8 text: save it as UTF-8",
        "het bestand is geen UTF-8-tekst: sla het op als UTF-8",
    ),
    (r"the file contains binary data, not text", "het bestand bevat geen tekst"),
    (
        r"the objective keys differ from the other translation \((?P<other>.*)\): "
        r"use the same keys",
        "de sleutels van de leerdoelen verschillen van de andere vertaling ({other}): gebruik "
        "dezelfde sleutels",
    ),
    (
        r'module "(?P<slug>[^"]*)" does not exist',
        'module "{slug}" bestaat niet',
    ),
    # quizzes
    (
        r'the quiz is for module "(?P<slug>[^"]*)" in "(?P<language>[^"]*)", which does not exist',
        'de toets hoort bij module "{slug}" in "{language}", en die bestaat niet',
    ),
    (
        r"(?P<path>\S+) is already the quiz of this module",
        "{path} is al de toets van deze module",
    ),
    (
        r"a question of type (?P<type>\S+): write the items as a numbered list in the right "
        r"order: .*",
        "een vraag van het soort {type}: schrijf de onderdelen als genummerde lijst in de goede "
        'volgorde: "1. eerste", "2. tweede"',
    ),
    (
        r'a question of type (?P<type>\S+): write each pair as "- left = right"',
        'een vraag van het soort {type}: schrijf elk paar als "- links = rechts"',
    ),
    (
        r'text before the first question: start each question with a heading "## "',
        'tekst voor de eerste vraag: begin elke vraag met een kop "## "',
    ),
    (
        r"text after the options: indent feedback under its option with two spaces, or start "
        r'the explanation with "explanation:"',
        "tekst na de antwoorden: spring uitleg bij een antwoord twee spaties in, of begin de "
        'uitleg met "explanation:"',
    ),
    (
        r'unknown question type "(?P<type>[^"]*)"; types: (?P<types>.*)',
        'onbekend soort vraag "{type}"; soorten: {types}',
    ),
    (r"the question heading is empty", "de kop van de vraag is leeg"),
    (
        r'the question lacks "objective: <key>", the learning objective it tests',
        'bij de vraag ontbreekt "objective: <sleutel>", het leerdoel dat de vraag toetst',
    ),
    (
        r'objective "(?P<objective>[^"]*)" is not in the module\'s objectives',
        'leerdoel "{objective}" staat niet bij de leerdoelen van de module',
    ),
    (
        r'the question lacks an explanation: add "explanation: \.\.\." after the options',
        'bij de vraag ontbreekt de uitleg: zet "explanation: ..." na de antwoorden',
    ),
    (
        r'two questions have the id "(?P<id>[^"]*)" \(see line (?P<line>\d+)\): .*',
        'twee vragen hebben de naam "{id}" (zie regel {line}): verander een kop of voeg '
        '"id: ..." toe',
    ),
    (
        r'the quiz has no questions; start each with "## "',
        'de toets heeft nog geen vragen; begin elke vraag met "## "',
    ),
    (
        r"draw is (?P<draw>\d+) but the pool has only (?P<count>\d+) questions: .*",
        "draw is {draw}, maar er zijn maar {count} vragen: verlaag draw of voeg vragen toe",
    ),
    (r"a question needs at least two options", "een vraag heeft minstens twee antwoorden nodig"),
    (
        r'the question has no right answer: mark (?:it|one or more) with "- \[x\]"',
        'de vraag heeft geen goed antwoord: markeer het met "- [x]"',
    ),
    (
        r"a single-choice question has (?P<right>\d+) right answers: .*",
        'een vraag met één antwoord heeft er {right} goed: houd één "- [x]", of zet '
        '"type: multiple"',
    ),
    (
        r"a true-false question has exactly two options: .*",
        'een waar/niet waar-vraag heeft precies twee antwoorden: "- [x] Waar" en "- [ ] Niet waar"',
    ),
    (
        r'the file should be named "(?P<name>[^"]*)" after its module and language',
        'het bestand moet "{name}" heten, naar de module en de taal',
    ),
    (
        r"the content changed but version (?P<version>\S+) is already published: .*",
        "de inhoud is veranderd maar versie {version} is al gepubliceerd: verhoog de versie",
    ),
    (
        r"version (?P<version>\S+) is lower than the published (?P<published>\S+)",
        "versie {version} is lager dan de gepubliceerde {published}",
    ),
    (
        r'slug "(?P<slug>[^"]*)" belongs to an organisation\'s own module in the studio: .*',
        'slug "{slug}" is van een eigen module van een organisatie in de studio: kies een andere',
    ),
    # quiz cues: warnings (app/content/cues.py)
    (
        r"the right option is (?P<ratio>[\d.]+) times as long as the longest wrong one: .*",
        "het goede antwoord is {ratio} keer zo lang als het langste foute: wie gokt, kiest het "
        "zonder te lezen; maak de antwoorden ongeveer even lang",
    ),
    (
        r"in (?P<n>\d+) of (?P<total>\d+) single-choice questions the right option is the "
        r"longest: .*",
        "in {n} van de {total} meerkeuzevragen is het goede antwoord het langste: wie steeds het "
        "langste kiest, haalt de toets; wissel af welk antwoord het langste is",
    ),
    (
        r'(?P<n>\d+) of (?P<total>\d+) true/false statements are "(?P<word>[^"]*)": .*',
        '{n} van de {total} stellingen zijn "{word}": wie steeds het andere antwoord geeft, '
        "haalt de toets; zorg voor evenveel ware als onware stellingen",
    ),
    (
        r"(?P<n>\d+) wrong options use absolute words \((?P<words>[^)]*)\) and no right option "
        r"does: .*",
        "{n} foute antwoorden gebruiken stellige woorden ({words}) en geen enkel goed antwoord "
        "doet dat: wie gokt, slaat die over; gebruik ze ook in goede antwoorden, of herschrijf",
    ),
]

_COMPILED = [(re.compile(f"^{pattern}$", re.DOTALL), dutch) for pattern, dutch in DUTCH]


def in_dutch(message: str) -> str | None:
    """The Dutch wording of a validator message, or None when it has none yet."""
    hint = ""
    match = _DID_YOU_MEAN.search(message)
    if match:
        hint = f' (bedoel je "{match.group("word")}"?)'
        message = message[: match.start()] + message[match.end() :]
    for pattern, dutch in _COMPILED:
        found = pattern.match(message)
        if found:
            return dutch.format(**found.groupdict()) + hint
    return None


def translated(message: str, language: str) -> str:
    """The message in `language` ("nl" or "en"); English when no Dutch wording exists."""
    if language == "nl":
        return in_dutch(message) or message
    return message


def localised(problem: Problem, language: str) -> Problem:
    return Problem(problem.path, problem.line, translated(problem.message, language))
