"""Reply drafts: the situation a complaint is about (situations), and the draft filled in from a template (drafts)."""

from repscan.core.replies.drafts import Draft, Policy, TooLong, draft
from repscan.core.replies.situations import LANGUAGES, SITUATIONS, situation

__all__ = ["LANGUAGES", "SITUATIONS", "Draft", "Policy", "TooLong", "draft", "situation"]
