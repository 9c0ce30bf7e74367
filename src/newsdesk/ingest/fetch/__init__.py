"""The only network code: one HTTP client, politeness, robots.txt, the schedule."""
