"""The impact assessment -> `impact`: users, regions, duration, type, revenue, SLA, tickets, reputation, requests, data loss.

A blank (``___``, ``Yes/No``, ``$______``) leaves a field out silently; a
value given but not understood is left out and noted.  Several boxes
ticked for the impact type or the reputation: the first, noted.
``duration_minutes`` comes from "Duration of Impact", or, when timing gives no
duration, from the header's ``**Duration:**`` or the timeline's
``**Total Duration:**``.
"""

from __future__ import annotations

import re
from typing import Any

from .context import Context, outside_review
from .fields import DURATION_LABELS
from .markdown import Field
from .values import HINTS, as_int, as_number, given, number, ordered, parse_minutes, split_list

#: Words that name each impact type and reputation level (the values come from the schema).
_IMPACT_TYPES = {
    "complete-outage": r"outage|down",
    "degraded-performance": r"degrad|slow",
    "feature-unavailable": r"feature|unavail",
}
_REPUTATIONS = {
    "none": r"none|no\b",
    "minor": r"minor|low",
    "moderate": r"moderate|medium",
    "significant": r"significant|major|high|severe",
}


def read_impact(ctx: Context, timing: dict[str, str]) -> dict[str, Any]:
    imp = ctx.impact
    f = ctx.first({"total users affected", "users affected", "affected users"}, outside_review)
    if f is not None and (value := given(f.value)):
        count = as_int(number(value))
        if re.search(r"\ball\b", value, re.IGNORECASE):
            imp["users_affected"] = "all"
        elif count is not None and "%" not in value:
            imp["users_affected"] = count
        else:
            ctx.note(f"Total Users Affected: {value!r} is not a number or 'all'; kept in the body")
    f = ctx.first({"geographic regions", "regions", "affected regions", "region", "regions affected"}, outside_review)
    if f is not None and split_list(given(f.value)):
        imp["regions"] = split_list(given(f.value))
    _duration(ctx, timing)
    f = ctx.first({"impact type", "type of impact"}, outside_review)
    if f is not None:
        _pick(ctx, f, "type", _known(_IMPACT_TYPES, ctx.vocabulary.impact_types), "Impact Type")
    _revenue(ctx)
    f = ctx.first({"sla breach", "sla breached", "sla"}, outside_review)
    if f is not None:
        _yes_no(ctx, f, "sla_breach", "SLA Breach")
    f = ctx.first({"customer complaints", "customer tickets", "complaints", "support tickets"}, outside_review)
    if f is not None and (value := given(f.value, (*HINTS, "tickets/emails received"))):
        count = as_int(number(value))
        if re.fullmatch(r"none|no(?:ne)?|zero", value, re.IGNORECASE):
            count = 0
        if count is not None:
            imp["customer_tickets"] = count
        else:
            ctx.note(f"Customer Complaints: {value!r} is not a number; kept in the body")
    f = ctx.first({"reputation impact", "reputation"}, outside_review)
    if f is not None:
        _pick(ctx, f, "reputation", _known(_REPUTATIONS, ctx.vocabulary.reputations), "Reputation Impact")
    f = ctx.first({"requests failed", "failed requests"}, outside_review)
    if f is not None and (value := given(f.value, (*HINTS, "requests"))):
        count = as_int(number(value))
        if count is not None:
            imp["requests_failed"] = count
        else:
            ctx.note(f"Requests Failed: {value!r} is not a number; kept in the body")
    f = ctx.first({"peak error rate", "max error rate", "maximum error rate"}, outside_review)
    if f is not None and (value := given(f.value)):
        m = re.search(r"(\d+(?:\.\d+)?)\s*%", value) or re.fullmatch(r"(\d+(?:\.\d+)?)", value)
        rate = float(m.group(1)) if m else None
        if rate is not None and 0 <= rate <= 100:
            imp["peak_error_rate"] = as_number(rate)
        else:
            ctx.note(f"Peak Error Rate: {value!r} is not a percentage; kept in the body")
    _data_loss(ctx)
    f = ctx.first({"other services affected", "other services", "other affected services"}, outside_review)
    value = given(f.value) if f is not None else ""
    if value and not re.fullmatch(r"none|no(?:ne)?", value, re.IGNORECASE):
        other = ctx.identifiers(value, "Other Services")
        if other:
            imp["other_services"] = other
    return ordered(imp, ctx.vocabulary.impact_order)


def _known(words: dict[str, str], values: tuple[str, ...]) -> dict[str, str]:
    return {value: pattern for value, pattern in words.items() if value in values}


def _duration(ctx: Context, timing: dict[str, str]) -> None:
    imp = ctx.impact
    f = ctx.first({"duration of impact", "impact duration"}, outside_review)
    if f is not None and (value := given(f.value, (*HINTS, "minutes"))):
        minutes = parse_minutes(value)
        minutes = minutes if minutes is not None else as_int(number(value))
        if minutes is not None:
            imp["duration_minutes"] = minutes
        else:
            ctx.note(f"Duration of Impact: {value!r} is not a duration; kept in the body")
    if "duration_minutes" not in imp and not ("detected" in timing and "resolved" in timing):
        for keys in (DURATION_LABELS, {"total duration"}):
            f = ctx.first(keys, outside_review)
            if f is not None and (value := given(f.value)):
                minutes = parse_minutes(value)
                if minutes is not None:
                    imp["duration_minutes"] = minutes
                    break


def _revenue(ctx: Context) -> None:
    f = ctx.first({"revenue impact", "revenue", "revenue loss", "estimated revenue impact", "revenue lost"}, outside_review)
    if f is None or not (value := given(f.value)):
        return
    amount = number(value)
    if amount is not None and (re.search(r"\$|usd|dollar", value, re.IGNORECASE) or re.fullmatch(r"[\d,.]+[kKmM]?", value)):
        ctx.impact["revenue_usd"] = as_number(amount or 0.0)
    elif re.fullmatch(r"none|no(?:ne)?\s+impact|nil", value, re.IGNORECASE):
        ctx.impact["revenue_usd"] = 0
    else:
        ctx.note(f"Revenue Impact: {value!r} is not an amount in US dollars; kept in the body")


def _data_loss(ctx: Context) -> None:
    f = ctx.first({"data loss", "data lost"}, outside_review)
    if f is None:
        return
    _yes_no(ctx, f, "data_loss", "Data Loss")
    details = re.split(r"details?\s*:", f.value, maxsplit=1, flags=re.IGNORECASE)
    text = given(details[1]) if len(details) == 2 else ""
    imp = ctx.impact
    if "data_loss" in imp and text and (imp["data_loss"] or not re.fullmatch(r"none|no", text, re.IGNORECASE)):
        imp["data_loss_details"] = text


def _pick(ctx: Context, f: Field, key: str, options: dict[str, str], name: str) -> None:
    choices = ctx.doc.choices(f)
    ticked = [label for on, label in choices if on] if choices else ([given(f.value)] if given(f.value) else [])
    picked = []
    for label in ticked:
        value = next((v for v, pattern in options.items() if re.search(pattern, label, re.IGNORECASE)), None)
        if value is None:
            ctx.note(f"{name}: {label!r} is not one of {', '.join(options)}; kept in the body")
        else:
            picked.append(value)
    if picked:
        ctx.impact[key] = picked[0]
        if len(ticked) > 1:
            ctx.note(f"{name}: several boxes ticked ({', '.join(ticked)}); the first was taken")


def _yes_no(ctx: Context, f: Field, key: str, name: str) -> None:
    choices = ctx.doc.choices(f)
    if choices:
        ticked = [label.lower() for on, label in choices if on]
        answers = {t.startswith("yes") for t in ticked if t.startswith(("yes", "no"))}
        if len(answers) == 1:
            ctx.impact[key] = answers.pop()
        return
    value = given(f.value)
    if not value or re.match(r"\**yes\**\s*/\s*\**no\b", value, re.IGNORECASE):
        return  # the template's "Yes/No": not answered
    m = re.match(r"[*_]*(yes|no|true|false|none)\b", value, re.IGNORECASE)
    if m:
        ctx.impact[key] = m.group(1).lower() in ("yes", "true")
    else:
        ctx.note(f"{name}: {value!r} is not Yes or No; kept in the body")
