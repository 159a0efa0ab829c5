"""Elections: contests, ballot styles, timeline, trustees, the key ceremony and the frozen definition."""
