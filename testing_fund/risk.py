"""What raises a member's chance of being drawn in a sampling round, from the apps that know it.

The round (``services/rounds.py``) weighs each active member 1, plus the points of every risk
source, and shows the source's reasons to staff. Testing knows failed batches and new members;
a higher app knows more (credit: valid complaints, a low grade) and registers its sources here
in its ``AppConfig.ready()``, so this app never imports the higher one.

A source is a function ``(cooperative_id, today) -> {member_id: [(points, reason), …]}``: one
or a few grouped queries over the cooperative's members; a member it says nothing of is left
out. A reason is a code with parameters (``round_words.reason``), kept on the round and put in
words when read, in the reader's language; the source's app registers its codes' templates
with ``round_words.register`` alongside the source.
"""

_sources = []


def register(source):
    """Add a source; the round reads them in the order they were registered. Registering the
    same function again changes nothing (``ready()`` may run more than once)."""
    if source not in _sources:
        _sources.append(source)
    return source


def sources():
    return list(_sources)
