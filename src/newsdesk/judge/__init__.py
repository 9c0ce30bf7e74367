"""Judging articles and stories: on the desk's beat or not, their topics, each article's quality, a story's heat
and the publishing gate; pure, but for ``stage.py`` where the judge meets the store.

- :mod:`~newsdesk.judge.tree`: a taxonomy (``_data/topics/*.yaml``) checked and resolved into a
  :class:`~newsdesk.judge.tree.TopicTree`;
- :mod:`~newsdesk.judge.keywords`: its phrases found in text (word boundaries, acronyms, "A.I.");
- :mod:`~newsdesk.judge.semantic`: its topics' prototype vectors (MiniLM) and an article's closeness to them;
- :mod:`~newsdesk.judge.relevance`: :class:`~newsdesk.judge.relevance.BeatJudge`, on or off the beat;
- :mod:`~newsdesk.judge.topics`: :class:`~newsdesk.judge.topics.TopicTagger`, an article's topics, learning
  from editors' corrections, and :func:`~newsdesk.judge.topics.story_topics`;
- :mod:`~newsdesk.judge.defaults`: the AI taxonomy newsdesk ships (``taxonomy/ai/*.yaml``).

Everything here is pure: values in, values out; the embedder is passed in.
"""
