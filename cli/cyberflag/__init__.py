"""cyberflag: a linked-data knowledge graph of how UK news reported police-recorded online child
sexual abuse, 2016-2020, with a command-line query interface.

The version lives here (and only here) so that ``pyproject.toml`` and ``cyberflag --version`` agree.
"""

__version__ = "0.1.0"
