"""What the importer may write, taken from the site's effective schema rather than restated here.

Severities, the id pattern, the required fields, the order of fields and every
closed list of values (statuses, priorities, terms, impact types...) come from
the schema that `postmortem validate` checks against, so a site whose
severities are SEV1..SEV4 or whose ids look like ``OPS-123`` imports documents
written that way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from ..schema import LIFECYCLE_REF, bundled_schema


def _enum(node: dict[str, Any]) -> tuple[str, ...]:
    return tuple(str(v) for v in node.get("enum", ()))


def _status_rules(schema: dict[str, Any]) -> tuple[tuple[tuple[str, ...], tuple[tuple[str, ...], ...]], ...]:
    """The bundled status rules, when the schema applies them (`schema.LIFECYCLE_REF` in its allOf)."""
    if LIFECYCLE_REF not in schema.get("allOf", []):
        return ()
    rules = []
    for condition in schema["$defs"]["lifecycle"]["allOf"]:
        then = condition["then"]
        fields: list[tuple[str, ...]] = [(name,) for name in then.get("required", [])]
        for name, child in (then.get("properties") or {}).items():
            fields += [(name, key) for key in child.get("required", [])]
        rules.append((_enum(condition["if"]["properties"]["status"]), tuple(fields)))
    return tuple(rules)


def unmet_status_rules(vocabulary: Vocabulary, meta: dict[str, Any]) -> list[str]:
    """The fields `meta`'s status requires and it lacks, as the validator names them (`root_cause`,
    or `root_cause.primary` when `root_cause` is there)."""
    missing: list[str] = []
    for statuses, fields in vocabulary.status_rules:
        if meta.get("status") not in statuses:
            continue
        for path in fields:
            parent = meta if len(path) == 1 else meta.get(path[0])
            if isinstance(parent, dict) and path[-1] not in parent and ".".join(path) not in missing:
                missing.append(".".join(path))
    return missing


@dataclass(frozen=True)
class Vocabulary:
    required: tuple[str, ...]
    order: tuple[str, ...]  # top-level fields, in the schema's order
    severities: tuple[str, ...]
    id_pattern: re.Pattern[str]
    statuses: tuple[str, ...]  # the post-mortem's life cycle, in order
    timing: tuple[str, ...]  # the moments, in the order they must come
    impact_order: tuple[str, ...]
    impact_types: tuple[str, ...]
    reputations: tuple[str, ...]
    detection_sources: tuple[str, ...]
    root_cause_order: tuple[str, ...]
    action_order: tuple[str, ...]
    action_statuses: tuple[str, ...]
    closed_statuses: tuple[str, ...]  # statuses under which an action needs no owner or due date
    priorities: tuple[str, ...]
    terms: tuple[str, ...]
    action_types: tuple[str, ...]
    review_order: tuple[str, ...]
    sign_off_order: tuple[str, ...]
    identifier_rule: str  # what a service name may hold, as the schema says it
    # the status rules in force (none with `lifecycle: off`): (statuses, fields each requires, as paths)
    status_rules: tuple[tuple[tuple[str, ...], tuple[tuple[str, ...], ...]], ...] = ()

    @classmethod
    def from_schema(cls, schema: dict[str, Any]) -> Vocabulary:
        """The vocabulary of an effective schema; where a site's extension reshaped a core field, the bundled one's."""
        try:
            return cls._read(schema)
        except (KeyError, TypeError, AttributeError, re.error):
            bundled = cls._read(bundled_schema())
            found = schema.get("properties")
            props: dict[str, Any] = found if isinstance(found, dict) else {}
            severity, ident = props.get("severity"), props.get("id")
            pattern = ident.get("pattern") if isinstance(ident, dict) else None
            return replace(
                bundled,
                required=tuple(schema.get("required", bundled.required)),
                order=tuple(props) or bundled.order,
                severities=_enum(severity) if isinstance(severity, dict) and severity.get("enum") else bundled.severities,
                id_pattern=re.compile(pattern) if isinstance(pattern, str) else bundled.id_pattern,
                status_rules=_status_rules(schema),  # lifecycle: off holds none
            )

    @classmethod
    def _read(cls, schema: dict[str, Any]) -> Vocabulary:
        props = schema["properties"]
        action = props["actions"]["items"]
        review = props["review"]["properties"]
        open_rule = action.get("if", {}).get("properties", {}).get("status", {}).get("not", {})
        return cls(
            required=tuple(schema.get("required", ())),
            order=tuple(props),
            severities=_enum(props["severity"]),
            id_pattern=re.compile(props["id"].get("pattern") or r"^\S+$"),
            statuses=_enum(props["status"]),
            timing=tuple(props["timing"]["properties"]),
            impact_order=tuple(props["impact"]["properties"]),
            impact_types=_enum(props["impact"]["properties"]["type"]),
            reputations=_enum(props["impact"]["properties"]["reputation"]),
            detection_sources=_enum(props["detection"]["properties"]["source"]),
            root_cause_order=tuple(props["root_cause"]["properties"]),
            action_order=tuple(action["properties"]),
            action_statuses=_enum(action["properties"]["status"]),
            closed_statuses=_enum(open_rule),
            priorities=_enum(action["properties"]["priority"]),
            terms=_enum(action["properties"]["term"]),
            action_types=_enum(action["properties"]["type"]),
            review_order=tuple(review),
            sign_off_order=tuple(review["sign_off"]["items"]["properties"]),
            identifier_rule=str(schema.get("$defs", {}).get("identifier", {}).get("errorMessage") or "is not a valid name"),
            status_rules=_status_rules(schema),
        )

    @classmethod
    def default(cls) -> Vocabulary:
        """The bundled schema's vocabulary: a site with no settings."""
        return cls.from_schema(bundled_schema())
