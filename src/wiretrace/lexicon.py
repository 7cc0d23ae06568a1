"""Word lists the fact and cleaning stages rely on (English news register).

Kept as plain data in one place so they can be reviewed and extended without touching logic.
"""

from __future__ import annotations

STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being below
    between both but by can did do does doing down during each few for from further had has have
    having he her here hers herself him himself his how i if in into is it its itself just me more
    most my myself nor of off on once only or other our ours ourselves out over own same she should
    so some such than that the their theirs them themselves then there these they this those through
    to too under until up very was we were what when where which while who whom why will with would
    you your yours yourself yourselves also its s t said says say told would could may might must
    shall one ones us upon via per within without amid among across toward towards onto whose
    whether yet although though however thus therefore mr mrs ms dr""".split()
)

# Words that soften a claim: removing them turns a possibility into an assertion.
HEDGES = frozenset(
    """likely unlikely probably possibly potentially reportedly allegedly apparently seemingly perhaps
    maybe may might could would suggest suggests suggested suggesting appear appears appeared seem
    seems seemed claim claims claimed alleged purported purportedly believed estimated estimates
    estimate unconfirmed expected presumably roughly approximately""".split()
)
HEDGE_PHRASES = ("is said to", "are said to", "it is thought", "is believed to", "are believed to")

# Words that strengthen a claim beyond what a neutral report says.
INTENSIFIERS = frozenset(
    """dramatically drastically sharply significantly massively hugely enormously extremely very highly
    deeply severely seriously vastly greatly incredibly remarkably substantially tremendously
    considerably formidable unprecedented staggering shocking devastating explosive massive huge
    enormous alarming controversial historic crucial critical unequivocally definitely undoubtedly
    clearly certainly absolutely totally completely utterly fierce fiercely brutal brutally already
    escalating soaring skyrocketing plummeting surge surged surging""".split()
)

# "nor" only continues a negation already counted; "failed to" negates like "did not".
NEGATIONS = frozenset(
    """not no never none nobody nothing neither without cannot n't denied deny denies""".split()
)

# Opposites: a rewrite that puts one where its source has the other reverses the claim ("shares rose" ->
# "shares fell") as surely as an added "not". Verbs in their common forms, adjectives and nouns of outcome;
# no function words, no pairs that often stand side by side without contradiction ("buy or sell").
ANTONYM_PAIRS = tuple(
    tuple(pair.split())
    for pair in """rise fall|rises falls|rose fell|risen fallen|rising falling|increase decrease
    |increased decreased|increases decreases|increasing decreasing|win lose|wins loses|won lost
    |winning losing|winner loser|winners losers|gain loss|gains losses|victory defeat
    |victories defeats|higher lower|highest lowest|accept reject|accepted rejected|accepts rejects
    |approve reject|approved rejected|approves rejects|allowed banned|allowed forbidden
    |opened closed|success failure|successful unsuccessful|succeeded failed|supported opposed
    |supports opposes|supporters opponents|agree disagree|agreed disagreed|guilty innocent
    |convicted acquitted|legal illegal|stronger weaker|strongest weakest|positive negative
    |best worst|better worse|largest smallest|biggest smallest|bigger smaller|cheaper dearer
    |easier harder|safe dangerous|safer riskier|permanent temporary|maximum minimum|ally enemy
    |allies enemies|arrived departed|expanded shrank|expand shrink|boosted cut|raised lowered
    |raise lower|included excluded|hired fired|alive dead|survived died|possible impossible
    |likely unlikely|able unable|optimistic pessimistic|optimism pessimism|confirmed denied
    |confirms denies|admitted denied|admits denies|remembered forgot|resigned appointed
    |released arrested|released detained|freed arrested|freed detained|freed jailed|soared plunged
    |soars plunges|surged slumped|surged plunged|climbed dropped|climbs drops|upheld overturned
    |lifted imposed|lifts imposes|eased tightened|relaxed tightened|passed failed|praised criticised
    |praised criticized|praises criticises|praises criticizes|welcomed condemned|welcomes condemns
    |rewarded punished|profit loss|profits losses|surplus deficit|majority minority
    |acquitted convicted|legalised banned|legalized banned|increase cut|increased cut
    |increases cuts""".split("|")
)
ANTONYMS: dict[str, frozenset[str]] = {
    w: frozenset({y for x, y in ANTONYM_PAIRS if x == w} | {x for x, y in ANTONYM_PAIRS if y == w})
    for pair in ANTONYM_PAIRS
    for w in pair
}

# Verbs and phrases that attribute a claim to someone.
ATTRIBUTION_VERBS = frozenset(
    """said says say told tells stated announced announces warned warns noted added confirmed confirms
    acknowledged acknowledges accused accuses argued argues insisted insists explained explains
    wrote writes according""".split()
)
# Verbs that double as nouns ("growing reports of"): they attribute only when used as a verb.
WEAK_ATTRIBUTION_VERBS = frozenset(
    """reported reports report claimed claims claim estimated estimates estimate believe believes
    believed suggest suggests suggested alleged alleges assessed assesses indicated indicates
    indicate""".split()
)
NOUN_MARKERS = frozenset(
    """the a an growing recent new these those such their its his her many some unconfirmed media press
    news of earlier previous latest official""".split()
)

NUMBER_WORDS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "dozen": 12,
    "single": 1,
    "double": 2,
    "triple": 3,
    "twice": 2,
    "thrice": 3,
    "pair": 2,
}
SCALE_WORDS = {
    "hundred": 100,
    "thousand": 1_000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
    "trillion": 1_000_000_000_000,
    "k": 1_000,
    "m": 1_000_000,
    "bn": 1_000_000_000,
}
# Vague plurals: "thousands of" is an order of magnitude, not a number.
VAGUE_SCALES = {
    "dozens": 12,
    "hundreds": 100,
    "thousands": 1_000,
    "millions": 1_000_000,
    "billions": 1_000_000_000,
    "trillions": 1_000_000_000_000,
    "scores": 20,
    "several": 3,
}
FRACTION_WORDS = {
    "half": 0.5,
    "halves": 0.5,
    "third": 1 / 3,
    "thirds": 1 / 3,
    "quarter": 0.25,
    "quarters": 0.25,
    "fifth": 0.2,
    "fifths": 0.2,
    "tenth": 0.1,
    "tenths": 0.1,
}
ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
}
APPROXIMATORS = frozenset(
    """about around nearly almost roughly approximately some over under more less than up to at least
    most estimated close just""".split()
)

MONTHS = {
    m: i
    for i, m in enumerate(
        """january february march april may june july august september october november december""".split(), 1
    )
}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9
WEEKDAYS = {
    d: i for i, d in enumerate(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])
}

# Capitals and seats of power used as stand-ins for their country ("Pyongyang" for North Korea).
METONYMS = {
    "washington": "united states",
    "moscow": "russia",
    "kremlin": "russia",
    "pyongyang": "north korea",
    "seoul": "south korea",
    "beijing": "china",
    "kyiv": "ukraine",
    "kiev": "ukraine",
    "london": "britain",
    "paris": "france",
    "berlin": "germany",
    "tokyo": "japan",
    "tehran": "iran",
    "jerusalem": "israel",
    "damascus": "syria",
    "ankara": "turkey",
    "new delhi": "india",
    "islamabad": "pakistan",
    "kabul": "afghanistan",
    "baghdad": "iraq",
    "riyadh": "saudi arabia",
    "cairo": "egypt",
    "brussels": "european union",
    "white house": "united states",
    "pentagon": "united states",
    "downing street": "britain",
    "westminster": "britain",
    "canberra": "australia",
    "ottawa": "canada",
    "taipei": "taiwan",
    "havana": "cuba",
    "caracas": "venezuela",
    "minsk": "belarus",
    "rome": "italy",
    "madrid": "spain",
}
ALIASES = {
    "us": "united states",
    "usa": "united states",
    "america": "united states",
    "uk": "britain",
    "united kingdom": "britain",
    "great britain": "britain",
    "eu": "european union",
    "un": "united nations",
    "dprk": "north korea",
    "rok": "south korea",
    "prc": "china",
    "russian federation": "russia",
}
# Demonyms map adjectives back to their place so "Russian forces" supports "forces of Russia".
DEMONYMS = {
    "russian": "russia",
    "ukrainian": "ukraine",
    "american": "united states",
    "british": "britain",
    "chinese": "china",
    "french": "france",
    "german": "germany",
    "japanese": "japan",
    "iranian": "iran",
    "israeli": "israel",
    "syrian": "syria",
    "turkish": "turkey",
    "indian": "india",
    "pakistani": "pakistan",
    "afghan": "afghanistan",
    "iraqi": "iraq",
    "saudi": "saudi arabia",
    "egyptian": "egypt",
    "italian": "italy",
    "spanish": "spain",
    "canadian": "canada",
    "australian": "australia",
    "mexican": "mexico",
    "north korean": "north korea",
    "south korean": "south korea",
    "korean": "korea",
    "palestinian": "palestine",
    "european": "europe",
    "african": "africa",
    "scottish": "scotland",
    "welsh": "wales",
    "irish": "ireland",
    "english": "england",
    "brazilian": "brazil",
    "taiwanese": "taiwan",
    "cuban": "cuba",
    "polish": "poland",
}

# Abbreviations after which a full stop does not end a sentence.
ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sen rep gov gen col lt sgt capt cmdr adm st jr sr inc ltd co corp dept univ vs
    etc jan feb mar apr jun jul aug sep sept oct nov dec no nos vol fig approx est ave blvd rd mt ft
    u.s u.k u.n e.g i.e a.m p.m d.c""".split()
)

# Wire services and how they sign a story.
WIRES = {
    "AP": ("AP", "Associated Press", "The Associated Press"),
    "Reuters": ("Reuters", "Thomson Reuters"),
    "AFP": ("AFP", "Agence France-Presse", "Agence France Presse"),
    "Bloomberg": ("Bloomberg",),
    "dpa": ("dpa", "DPA", "Deutsche Presse-Agentur"),
    "UPI": ("UPI", "United Press International"),
    "PA": ("PA", "Press Association", "PA Media"),
    "Xinhua": ("Xinhua",),
    "Kyodo": ("Kyodo", "Kyodo News"),
    "Yonhap": ("Yonhap",),
    "ANI": ("ANI",),
    "PTI": ("PTI", "Press Trust of India"),
    "IANS": ("IANS",),
    "CNA": ("CNA",),
    "EFE": ("EFE",),
    "ANSA": ("ANSA",),
    "TASS": ("TASS",),
    "CP": ("CP", "The Canadian Press", "Canadian Press"),
    "AAP": ("AAP", "Australian Associated Press"),
    "CNN": ("CNN",),  # its stories open "(CNN)" like a wire's, and CNN Newsource syndicates them
}
