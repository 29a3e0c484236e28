"""Related articles (generator/site/pages.py): corrected from the last build's rankings when a few articles'
places, companies or industries change, they are exactly what counting afresh gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.site.pages import ranked_afresh, ranked_again

KEYS = [("place", p) for p in "abcd"] + [("company", c) for c in "xyz"] + [("industry", i) for i in "mnop"]
key_sets = st.frozensets(st.sampled_from(KEYS), max_size=4)


@settings(max_examples=300, deadline=None)
@given(
    before=st.dictionaries(st.sampled_from([f"{n:03d}" for n in range(60)]), key_sets, min_size=40, max_size=60),
    edits=st.lists(st.tuples(st.sampled_from([f"{n:03d}" for n in range(64)]), st.none() | key_sets), max_size=5),
)
def test_rankings_corrected_for_a_few_changed_articles_equal_counting_afresh(before, edits):
    now = dict(before)
    for article, keys in edits:  # None: the article is gone
        if keys is None:
            now.pop(article, None)
        else:
            now[article] = keys
    again = ranked_again(now, before, ranked_afresh(before))
    if again is not None:  # None: too many changed, counted afresh
        assert again == ranked_afresh(now)


def test_an_article_that_leaves_a_ranking_is_replaced_by_the_next_best():
    district, other, industry = ("place", "a"), ("place", "b"), ("industry", "m")
    before = {"a": frozenset({district, industry}), "b": frozenset({district})}
    before.update({f"c{n}": frozenset({industry}) for n in range(1, 7)})
    now = {**before, "b": frozenset({other})}  # b moves to another district: a's ranking needs c4, unranked before
    again = ranked_again(now, before, ranked_afresh(before))
    assert again is not None and again == ranked_afresh(now)
    assert again["a"] == [(-1, "c1"), (-1, "c2"), (-1, "c3"), (-1, "c4")]
