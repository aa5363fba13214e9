"""Every beat and every explainer section, declared once, without Manim.

A `Part` is one step a video plays: its name (a section name in `--save_sections`, a key of a
script's `narration:`), its default caption, the placeholders that caption may use and the
function that fills them, what of the script its frames read (the section cache's key), and
whether it marks the poster frame or the README gif. A `Kind` is a family of parts played
together: the phrase walkthrough's eight beats, the Learning and Cramped scenes' beats, and
the explainer's sections.

Who reads this: the script layer validates `narration:` and `sections:` against it, the scenes
look up the drawing function of the same name (scenes/lib), and attnvid.publish takes cache
keys, the poster and the gif from it. Adding an explainer section is one `Part` in EXPLAINER
plus one drawing function registered under the same name.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Mapping, Optional

from . import explainer, heads, learning, walkthrough

__all__ = ["Part", "Kind", "Shot", "WALKTHROUGH", "LEARNING", "CRAMPED", "TWO_HEADS", "EXPLAINER", "KINDS",
           "PLAYS_BEATS_OF", "ALSO_PLAYS_BEATS_OF", "phrase_beats", "explainer_shots",
           "replay_from", "narration_read_by",
           "narration_keys", "narration_part", "poster_beat", "gif_beats", "placeholders_in", "fill"]

PLACEHOLDER = re.compile(r"\{([A-Za-z_]+)\}")
INPUTS = ("model", "phrases")   # what a part's frames can read of a script (beyond its presentation)
# and "two_heads": the script `two_heads:` names (or this one, when its model has heads);
# "phrase_count": how many phrases there are, not what they say


def placeholders_in(text: str) -> list[str]:
    """The {names} a caption uses, in order."""
    return PLACEHOLDER.findall(text)


def fill(text: str, facts: Mapping[str, str]) -> str:
    """Replace each {name} with its fact; nothing else in the text is read."""
    return PLACEHOLDER.sub(lambda m: str(facts.get(m.group(1), m.group(0))), text).strip()


@dataclass(frozen=True)
class Part:
    """One beat (or explainer section) as the viewer meets it.

    caption: the default caption, a template; None for a section that has no caption of its
    own (it plays the beats of another kind). facts: what the scene is given (a trace, a
    script, a fit) -> the values of `placeholders`. reads: which of INPUTS its frames depend
    on. poster: the end of this beat makes a bundle's poster. gif: "start" or "end" of the
    stretch a README gif shows.
    """

    name: str
    caption: Optional[str]
    placeholders: tuple[str, ...] = ()
    facts: Optional[Callable[[Any], Mapping[str, str]]] = None
    reads: tuple[str, ...] = INPUTS
    poster: bool = False
    gif: Optional[str] = None
    step: Optional[int] = None      # which of walkthrough.STEPS this beat plays (1 to 5), if any
    again: Optional[str] = None     # the caption when the explainer plays the beat for a later phrase

    def text(self, subject: Any, overrides: Optional[Mapping[str, str]] = None, again: bool = False) -> str:
        """The caption shown: the script's override or ours, its placeholders filled from
        `subject` (facts are computed only when the text asks for one). again=True: the
        shorter caption for a later phrase of the explainer, which says only what is new."""
        if again and self.again is not None:
            template = self.again
        else:
            template = (overrides or {}).get(self.name, self.caption or "")
        facts = self.facts(subject) if self.facts is not None and placeholders_in(template) else {}
        return fill(template, facts)


@dataclass(frozen=True)
class Kind:
    """A family of parts that play together, in this order."""

    name: str
    parts: tuple[Part, ...]

    def __post_init__(self):
        names = [p.name for p in self.parts]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.name}: a part is declared twice in {names}")

    def __getitem__(self, name: str) -> Part:
        for p in self.parts:
            if p.name == name:
                return p
        raise KeyError(f"{self.name} has no part {name!r}; it has {', '.join(self.names)}")

    def __contains__(self, name: object) -> bool:
        return any(p.name == name for p in self.parts)

    def __iter__(self) -> Iterator[Part]:
        return iter(self.parts)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.parts)


# -- the phrase walkthrough: eight beats, each building on the ones before ---------------------

def _beat(name: str, caption: str, **marks) -> Part:
    return Part(name, caption, walkthrough.PLACEHOLDERS, walkthrough.facts, **marks)


WALKTHROUGH = Kind("walkthrough", (
    _beat("title", "“{phrase}” should lead to “{predict}”. We follow one word, {focus}, "
                   "and watch where its attention goes.{unmasked_note}",
          again="Next, “{phrase}”, which should lead to “{predict}”: where does {focus}'s attention go?"
                "{unmasked_note}"),
    _beat("embeddings", "Every word starts out as a learned vector. These are 2D, "
                        "so each arrow can be read straight off the grid."),
    _beat("positions", "Without positions, a score depends only on which two words meet, not where they "
                       "stand. So each position adds a small vector of its own; from here on, the sums "
                       "are what the model works with.{shared_note}", step=1),
    _beat("projections", "Two learned matrices reshape the plane; the first, W_search, turns each vector into "
                         "what its word is looking for. First {focus}: its row times W_search, one column of the "
                         "matrix at a time. Then every other word, each arrow in its word's colour until it lands. "
                         "W_offer turns each vector into what its word has to offer. Searches land blue, offers "
                         "orange, each labelled with its word; {focus}'s search is the one the next step uses.",
          gif="start", step=2),
    _beat("scores", "Each score is {focus}'s search length times an offer's shadow on the search line. {decided}", step=3,
          again="{decided}"),
    _beat("softmax", "Softmax turns {focus}'s scores into weights: subtract the largest score, raise e to each "
                     "difference, and divide by their sum. The weights lie between 0 and 1 and add up to 1. "
                     "The largest goes to {winner}: {winner_weight}{each}.{mask_note}{miss_note}", step=4,
          again="This time the largest score is {top_score}, so e is raised to each score minus {top_score}. "
                "The largest weight goes to {winner}: {winner_weight}{each}.{mask_note}{miss_note}"),
    _beat("weighted_sum", "{focus}'s new vector is a weighted sum of the words' {own}, not of their searches or "
                          "offers: each is shrunk by its weight, then laid tip to tail. {closest_note}",
          poster=True, gif="end", step=5,
          again="{focus}'s new vector is again a weighted sum, this time with most weight on {winner}. "
                "{closest_note}"),
    _beat("takeaway", "{verdict}"),
))


# -- the Learning and Cramped scenes (also sections of the explainer) --------------------------

LEARNING = Kind("learning", tuple(Part(name, caption, learning.LEARNING_PLACEHOLDERS, learning.learning_facts)
                                  for name, caption in (
    ("random_start", "Before training the two matrices are random, and the targets get little: {start}."),
    ("training", "Training nudges both matrices a little at a time, always in the direction that "
                 "gives each target more weight and turns its offer towards the focus's search. "
                 "The loss, how surprised the model is by the targets, falls as it goes."),
    ("learned", "After {steps} steps, rounded to two decimals, the targets get {end}: {outcome}."),
)))

CRAMPED = Kind("cramped", tuple(Part(name, caption, learning.CRAMPED_PLACEHOLDERS, learning.cramped_facts)
                                for name, caption in (
    ("hull", "{hull}"),
    ("sweep", "More numbers per word make room. {room}Fitted again with {dims_from} up to {dims_to} "
              "dimensions, the targets' weights {rise}: on average from {mean_from} to {mean_to}."),
)))


# -- the TwoHeads scene (also the explainer's two_heads section) -------------------------------

TWO_HEADS = Kind("two_heads", tuple(Part(name, caption, heads.HEADS_PLACEHOLDERS, heads.heads_facts)
                                    for name, caption in (
    ("heads", "One head gives each word one top word. To have {focus} lean on {targets}, a model runs heads "
              "side by side, each with its own W_search and W_offer, on the same vectors. Head 1 gives "
              "{focus}'s largest weight to {first_top} ({first_weight}), head 2 to {second_top} ({second_weight})."),
    ("joined", "Each head makes its own weighted sum; the sums are joined end to end, head 1's first: "
               "{focus}'s new vector has {numbers} numbers, {from_each}."),
    ("patterns", "Side by side, each head's weights for every word, one row per word looking: the same "
                 "vectors, two different patterns. This is the view BertViz draws for real models' heads."),
    ("limits", "{limits}"),
)))


# -- the full explainer: one section per idea of the article, each clearing the stage first ----

def _section(name: str, caption: Optional[str], placeholders: tuple[str, ...] = (),
             facts: Optional[Callable] = None, reads: tuple[str, ...] = INPUTS) -> Part:
    return Part(name, caption, placeholders, facts, reads)


EXPLAINER = Kind("explainer", (
    _section("hook", "{question}", ("question",), explainer.hook_facts),
    _section("embeddings", "Here is the whole toy vocabulary, one arrow per word. Real models use "
                           "hundreds or thousands of numbers per word; two are enough to see the idea. "
                           "Training leaves words that are used alike pointing alike. {cat_typed}", ("cat_typed",), explainer.embeddings_facts, reads=("model",)),
    _section("dot_product", "The dot product, a · b = |a| |b| cos θ, grows with how closely two arrows "
                            "point the same way and with their lengths: zero at a right angle, negative "
                            "when opposed. A longer arrow can outscore a better-aligned short one.", reads=()),
    _section("positions_needed", "An RNN reads a phrase one word after another, so it knows the order; "
                                 "attention takes in every word at once, so it has to be told. "
                                 "With no mask and no positions, attention cannot tell {pair} from "
                                 "{swapped}: it sees the same two vectors, and each word gets the same "
                                 "output as before, just in the other order.", ("pair", "swapped"),
             explainer.positions_needed_facts, reads=("model",)),
    _section("positional_encodings", "So each position gets a small vector of its own, added to "
                                     "whatever word sits there. These are the {count} used here.",
             ("count",), explainer.positional_encodings_facts, reads=("model",)),
    _section("phrases_positioned", "Once positions are added, one word is a slightly different vector "
                                   "in each phrase: {word} becomes {vectors}.", ("word", "vectors"),
             explainer.phrases_positioned_facts),
    # its own shot reads how many phrases pass the steps; each phrase's shot, the model and that phrase
    _section("alignment", "Attention takes {count} steps: {steps}. The first phrase goes through all of "
                          "them slowly; the others, faster.", ("count", "steps"), explainer.alignment_facts,
             reads=("phrase_count",)),
    _section("three_partners", "{partners}", ("partners",), explainer.three_partners_facts),
    _section("relevance_learned", None),      # the Learning scene's beats
    _section("why_it_matters", "Why the leaning matters: the new vector is what the rest of the model reads "
                               "to guess the next word. {leanings}", ("leanings",), explainer.why_it_matters_facts),
    _section("weighted_average", "Under a causal mask every word's new vector is a weighted average "
                                 "of itself and the words before it. A plain average would count them "
                                 "all alike; attention's weights depend on the words, and they are sharp."),
    _section("bigrams", "A bigram model looks only at the word just before; an n-gram model at a "
                        "fixed few, all alike. Attention looks at every earlier word and lets their "
                        "content decide how much each one counts.{shared}", ("shared",),
             explainer.bigrams_facts),
    _section("cramped", None),                # the Cramped scene's beats
    _section("two_heads", None, reads=("two_heads",)),   # the TwoHeads scene's beats, of `two_heads:`
    _section("names", "W_search is what most explanations call the query matrix, and W_offer the "
                      "key matrix. The names differ; the arithmetic is the same. And no word decides "
                      "anything: once trained, the matrices are fixed, and every weight is this arithmetic.",
             reads=("model",)),
    _section("recap", "{count} steps: {steps}. {outcomes}.", ("count", "steps", "outcomes"), explainer.recap_facts),
))

KINDS = (WALKTHROUGH, LEARNING, CRAMPED, TWO_HEADS, EXPLAINER)
# the explainer's sections that play a whole scene's beats (their caption is None)
PLAYS_BEATS_OF = {"relevance_learned": LEARNING, "cramped": CRAMPED, "two_heads": TWO_HEADS}
# ... and the one that plays, after its own caption, walkthrough beats for each phrase: one shot each
ALSO_PLAYS_BEATS_OF = {"alignment": WALKTHROUGH}


def phrase_beats(first: bool) -> tuple[str, ...]:
    """The walkthrough beats the alignment plays for a phrase (scenes/lib/walkthrough.py,
    play_alignment): its title (the set-up drawn quickly), then steps 2 to 5 and the takeaway.
    A later phrase has no projections beat: its searches and offers are drawn under its title."""
    return ("title",) + (("projections",) if first else ()) + ("scores", "softmax", "weighted_sum", "takeaway")


@dataclass(frozen=True)
class Shot:
    """A stretch of the explainer rendered, cached and timed as one manim section.

    Every section is one shot but those in ALSO_PLAYS_BEATS_OF (`alignment`, 42 % of the
    explainer): its own caption is one shot, then each beat of each phrase is a shot of its own
    (phrase: its index; beats: the walkthrough beat it plays). So an edit of one phrase redraws
    that phrase's shots, an edit of one beat's caption that beat's, and two processes can cut
    the section between any two beats. The bundle joins a section's shots back into one
    section clip, so what a viewer or a page sees is unchanged (attnvid/publish/bundle.py)."""

    name: str                       # the manim section's name
    section: str                    # the explainer section it belongs to
    phrase: Optional[int] = None    # the phrase it plays alone, if any
    beats: tuple[str, ...] = ()     # a phrase's shot: the walkthrough beats it plays (phrase_beats)

    @property
    def fresh(self) -> bool:
        """It starts by clearing the stage, so it depends only on the last picture of the shot
        before it: every section's shot, and a phrase's first (its title). A phrase's later
        beats go on from the picture the beat before left."""
        return self.phrase is None or self.beats[:1] == ("title",)


def explainer_shots(sections: tuple[str, ...], phrase_count: int) -> tuple[Shot, ...]:
    """The shots of an explainer with these sections and phrases, in order: a phrase's title
    shot keeps the phrase's name ("alignment phrase 2"), its later beats add theirs
    ("alignment phrase 2: scores")."""
    shots = []
    for name in sections:
        shots.append(Shot(name, name))
        if name in ALSO_PLAYS_BEATS_OF:
            for k in range(phrase_count):
                shots += [Shot(f"{name} phrase {k + 1}" + ("" if beat == "title" else f": {beat}"), name, k, (beat,))
                          for beat in phrase_beats(k == 0)]
    return tuple(shots)


def _fresh_start(shots: tuple[Shot, ...], index: int) -> int:
    """The fresh shot (it clears the stage) that shot `index` goes on from: itself if fresh."""
    while index > 0 and not shots[index].fresh:
        index -= 1
    return index


def replay_from(shots: tuple[Shot, ...], first_drawn: int) -> int:
    """The first shot a process that draws shots from `first_drawn` on must play (the ones
    before it are not played at all; those from it to `first_drawn` are played without
    frames). A fresh shot fades out the last picture of the shot before, which goes on from
    its own fresh start; a phrase's later beat goes on from its phrase's title."""
    if first_drawn <= 0:
        return 0
    return _fresh_start(shots, first_drawn - 1 if shots[first_drawn].fresh else first_drawn)


def narration_read_by(shot: Shot) -> tuple[str, ...]:
    """The `narration:` keys whose text an explainer shot can show or speak: a section's own
    name and the beats it plays, or a phrase shot's walkthrough beats (the section cache keys a
    shot by these overrides only, so a caption edit redraws the shots that say it, not the
    whole video)."""
    if shot.phrase is not None:      # a later phrase says its beats' `again` captions, not the overrides
        first = shot.phrase == 0
        kind = ALSO_PLAYS_BEATS_OF[shot.section]
        return tuple(name for name in shot.beats if first or kind[name].again is None)
    kind = PLAYS_BEATS_OF.get(shot.section)
    return (shot.section,) + (kind.names if kind is not None else ())


def narration_keys() -> tuple[str, ...]:
    """Every name a script's `narration:` may override: each beat and section, once."""
    return tuple(dict.fromkeys(p.name for kind in KINDS for p in kind))


def narration_part(name: str, several_phrases: bool) -> Optional[Part]:
    """The part a `narration:` key overrides in a script. Names are unique across kinds but
    one: `embeddings` is a walkthrough beat and an explainer section, and a script plays only
    one of them (a one-phrase script is a walkthrough, a script with several the explainer)."""
    order = (EXPLAINER, LEARNING, CRAMPED, TWO_HEADS, WALKTHROUGH) if several_phrases else \
        (WALKTHROUGH, LEARNING, CRAMPED, TWO_HEADS, EXPLAINER)
    return next((kind[name] for kind in order if name in kind), None)


def poster_beat() -> str:
    """The beat whose last moment makes a bundle's poster (the answer on screen)."""
    return next(p.name for kind in KINDS for p in kind if p.poster)


def gif_beats() -> tuple[str, str]:
    """The beats a README gif spans, first to last (a phrase's attention steps)."""
    marks = {p.gif: p.name for kind in KINDS for p in kind if p.gif}
    return marks["start"], marks["end"]
