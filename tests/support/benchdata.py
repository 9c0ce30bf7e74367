"""A small labelled article file (two elections, each told by three outlets) for the bench tests."""

from __future__ import annotations

import json
from pathlib import Path

SENATE = (
    "The Senate passed the budget bill late on Tuesday by 51 votes to 49, sending the spending plan to the "
    "House of Representatives, where Speaker Johnson said a vote would follow on Friday. Democrats opposed the "
    "cuts to health programmes; two Republican senators crossed the aisle. The White House said the president "
    "would sign the bill if the House passes it unchanged."
)


GOVERNOR = (
    "Voters in Virginia elected a new governor on Tuesday: the Democratic candidate Ana Ruiz won 52 percent of "
    "the vote against the Republican Tom Hale, the state's election board said. Turnout was the highest for a "
    "governor's race in twenty years. Ruiz promised to raise teachers' pay and to sign a voting rights bill in "
    "her first month in office."
)


def write_articles(path: Path) -> None:
    """Six articles (two stories, three outlets each) as an evaluation file at ``path``."""
    lines = []
    for number, (story, text) in enumerate([("senate", SENATE), ("governor", GOVERNOR)] * 3):
        outlet = f"outlet{number}.example"
        lines.append(json.dumps({
            "id": number, "cluster": story, "title": f"{text.split(':')[0].split(',')[0][:70]} ({outlet})",
            "lead": text[:160], "text": text.replace("Tuesday", f"Tuesday ({number})"),
            "published": f"2024-11-0{1 + number // 2}T1{number}:00:00Z", "source": outlet,
            "url": f"https://{outlet}/{story}",
        }))  # fmt: skip
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
