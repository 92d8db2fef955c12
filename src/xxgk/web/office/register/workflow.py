"""The review workflow of a proactive item, as a small pure state machine.

    draft ──submit──▶ content_review ──approve──▶ secrecy_review ──publish──▶ published
      ▲                    │ return (note)              │ return (note)
      └──── returned ◀─────┴────────────────────────────┘   (returned ──submit──▶ content_review)

Who may act (capabilities of `office.scope`): any office role submits; a reviewer (review)
approves the content or returns it; the head (approve) publishes after the confidentiality review
or returns it. Separation of duties: nobody approves or publishes an item they drafted or
submitted themselves. Views map `Forbidden` to 403 and `IllegalTransition` to 409.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass


class WorkflowError(Exception):
    """A transition that may not happen; the message is shown to the user."""


class Forbidden(WorkflowError):
    """The actor's role, or separation of duties, forbids the transition (HTTP 403)."""


class IllegalTransition(WorkflowError):
    """The action does not apply to the item's state, or a required note is missing (HTTP 409)."""


@dataclass(frozen=True)
class Rule:
    action: str
    sources: frozenset[str]
    target: str
    #: Capability needed in each source state.
    capability: dict[str, str]
    #: The actor may not have drafted or submitted the item.
    independent: bool = False
    note_required: bool = False


RULES: dict[str, Rule] = {r.action: r for r in (
    Rule("submit", frozenset({"draft", "returned"}), "content_review",
         {"draft": "edit", "returned": "edit"}),
    Rule("approve", frozenset({"content_review"}), "secrecy_review", {"content_review": "review"}, independent=True),
    Rule("publish", frozenset({"secrecy_review"}), "published", {"secrecy_review": "approve"}, independent=True),
    Rule("return", frozenset({"content_review", "secrecy_review"}), "returned",
         {"content_review": "review", "secrecy_review": "approve"}, note_required=True),
)}

#: States in which the item's fields may be edited.
EDITABLE = frozenset({"draft", "returned"})

#: Labels of the states for messages (the model's choices hold the same).
STATE_LABELS = {"draft": "草稿", "content_review": "内容审核", "secrecy_review": "保密审查",
                "published": "已公开", "returned": "已退回"}
ACTION_LABELS = {"submit": "提交审核", "approve": "内容审核通过", "publish": "保密审查通过并公开", "return": "退回"}


def transition(state: str, action: str, *, capabilities: Collection[str], actor_id: int,
               drafter_ids: Collection[int], note: str = "") -> str:
    """The state after `action` on an item in `state` by an actor with `capabilities`;
    `drafter_ids` are the users who created or submitted it. Raises `Forbidden` or
    `IllegalTransition` with a message in Chinese."""
    rule = RULES.get(action)
    if rule is None:
        raise IllegalTransition(f"未知的操作：{action}")
    if state not in rule.sources:
        raise IllegalTransition(
            f"处于“{STATE_LABELS.get(state, state)}”状态的事项不能执行“{ACTION_LABELS[action]}”")
    if rule.capability[state] not in capabilities:
        raise Forbidden(f"当前角色无权执行“{ACTION_LABELS[action]}”")
    if rule.independent and actor_id in set(drafter_ids):
        raise Forbidden("不能审核或批准本人起草或提交的事项（审核与起草须由不同人员完成）")
    if rule.note_required and not note.strip():
        raise IllegalTransition("退回时必须填写退回意见")
    return rule.target


def actions_for(state: str, capabilities: Collection[str]) -> list[str]:
    """The actions a role may try on an item in `state` (for the buttons shown)."""
    return [a for a, r in RULES.items() if state in r.sources and r.capability[state] in capabilities]
