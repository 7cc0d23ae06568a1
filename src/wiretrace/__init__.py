"""wiretrace: find copies and rewrites of news stories, name the original, diff them claim by claim.

>>> import wiretrace
>>> result = wiretrace.compare("wire.txt", "rewrite.txt")
>>> print(result.summary())
"""

from .compare import Comparison, compare
from .corpus import Corpus
from .errors import InputError
from .model import Article

__version__ = "0.1.0"
__all__ = ["Article", "Comparison", "Corpus", "InputError", "__version__", "compare"]
