"""Stories sent to the workers in tasks of decreasing cost, the costliest first."""
from newsprism.compare.stage import _cost, guided_groups
from newsprism.model import Article, Story


def _work(sizes):
    out = []
    for n, (members, chars) in enumerate(sizes):
        arts = {f"s{n}a{i}": Article(f"s{n}a{i}", text="x" * chars) for i in range(members)}
        out.append((Story(id=f"s{n}", articles=list(arts)), arts))
    return out


def _group_cost(group):
    return sum(_cost(m) for _, m in group)


def test_the_large_story_goes_first_and_the_tasks_shrink_towards_the_end():
    work = _work([(1, 300)] * 40 + [(60, 4000)] + [(12, 2000)] * 3 + [(3, 800)] * 10)
    groups = guided_groups(work, 2)
    assert groups[0][0][0].id == "s40"  # the costliest story starts at once, alone
    assert len(groups[0]) == 1
    assert sorted(s.id for g in groups for s, _ in g) == sorted(s.id for s, _ in work)  # each story once
    costs = [_group_cost(g) for g in groups]
    total = sum(costs)
    # the last task is small: the other worker never waits long on it
    assert costs[-1] <= total / 8
    # no task but one holding a single costly story takes more than its share of what was left to hand out
    left = total
    for g, c in zip(groups, costs):
        assert len(g) == 1 or c <= max(left / 4, total / 16) + 1e-9
        left -= c


def test_a_one_article_story_weighs_more_than_its_length_alone():
    # per-member work (clauses, units, voices) costs too: a hundred one-article stories are not free beside one
    # story of ten
    one = _cost(_work([(1, 1000)])[0][1])
    ten = _cost(_work([(10, 1000)])[0][1])
    assert 100 * one > ten


def test_few_stories_give_no_empty_tasks():
    groups = guided_groups(_work([(2, 50), (2, 60)]), 8)
    assert groups and all(groups)
    assert sorted(s.id for g in groups for s, _ in g) == ["s0", "s1"]
