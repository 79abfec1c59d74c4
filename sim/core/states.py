"""The states of people, patrols and escort units, as small integers in the model's arrays."""

from __future__ import annotations

from enum import IntEnum


class MigrantState(IntEnum):
    """The life of one person in the model (see docs/ODD.md, "Migrant")."""

    IN_CAMP = 0
    APPROACHING = 1
    AT_FENCE = 2
    IN_EU = 3
    PUSHED_BACK = 4
    CROSSED = 5
    ASYLUM = 6
    GAVE_UP = 7
    DIED = 8


#: States of people who are out in the border zone (exposed to cold, counted as "in zone").
ZONE_STATES: tuple[MigrantState, ...] = (
    MigrantState.APPROACHING,
    MigrantState.AT_FENCE,
    MigrantState.IN_EU,
    MigrantState.PUSHED_BACK,
)


class PatrolState(IntEnum):
    """What a guard patrol is doing this hour."""

    OFF_DUTY = 0
    PATROLLING = 1
    RESPONDING = 2
    HANDLING = 3
    DIVERTED = 4


class EscortPhase(IntEnum):
    IDLE = 0
    LEADING = 1
    BLOCKING = 2
    RETURNING = 3
