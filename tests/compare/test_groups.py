"""Stories sent to the workers in groups of about equal cost, the costliest first."""
from newsprism.compare.stage import balanced_groups
from newsprism.model import Article, Story


def _work(sizes):
    out = []
    for n, (members, chars) in enumerate(sizes):
        arts = {f"s{n}a{i}": Article(f"s{n}a{i}", text="x" * chars) for i in range(members)}
        out.append((Story(id=f"s{n}", articles=list(arts)), arts))
    return out


def _cost(group):
    return sum(len(m) * sum(len(a.text) for a in m.values()) for _, m in group)


def test_the_large_story_goes_first_and_the_small_ones_fill_the_other_groups():
    work = _work([(2, 100)] * 6 + [(6, 1000)] + [(3, 200)] * 3)
    groups = balanced_groups(work, 4)
    assert groups[0][0][0].id == "s6"  # the costliest story starts at once
    assert sorted(s.id for g in groups for s, _ in g) == sorted(s.id for s, _ in work)  # each story once
    costs = [_cost(g) for g in groups]
    assert costs == sorted(costs, reverse=True)
    # the small stories are spread over the other groups instead of piling onto one
    assert max(costs[1:]) - min(costs[1:]) <= 1800


def test_no_empty_groups_when_fewer_stories_than_groups():
    groups = balanced_groups(_work([(2, 50), (2, 60)]), 8)
    assert len(groups) == 2 and all(groups)
