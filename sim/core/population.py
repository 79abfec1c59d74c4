"""People as a column store: one numpy array per attribute, row index = person uid.

Every transition of the model is one vectorised function over a batch of uids, so a season with tens of
thousands of people costs array operations, not a Python call per person per hour. Timers are hours in the
future (`t_next`), compared with the clock; nothing counts down per person. `Migrant` agents are thin views
onto these rows (see `sim.core.agents`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.config.enums import Country
from sim.core.jit import compiled
from sim.core.states import ZONE_STATES, MigrantState

NEVER = np.iinfo(np.int64).max // 4  # a time that never comes; avoids special-casing "no timer"

COLUMNS: dict[str, tuple[type, object]] = {
    "state": (np.int8, int(MigrantState.IN_CAMP)),
    "country": (np.int8, int(Country.BELARUS)),  # border the person is bound for (BELARUS = still in camp)
    "segment": (np.int64, -1),  # fence segment the person is at or heading to
    "group": (np.int64, -1),  # escorted group the person left camp with
    "y_km": (np.float64, 0.0),  # position across the line: < 0 Belarus, 0 the line, eu_depth = interior line
    "t_arrived": (np.int64, 0),  # hour of arrival in camp
    "t_zone": (np.int64, -1),  # hour the person left camp
    "t_segment": (np.int64, -1),  # hour the person reached the current segment
    "t_next": (np.int64, NEVER),  # next hour the person acts
    "t_done": (np.int64, -1),  # hour the person left the system (crossed, asylum, gave up, died)
    "n_attempts": (np.int32, 0),
    "n_pushbacks": (np.int32, 0),
    "tracked": (np.bool_, False),  # seen by guards since the last breach: responders hunt them
    "breach_seen": (np.bool_, False),  # the last breach was detected (observation layer)
    "observed": (np.bool_, False),  # seen by guards since the last breach, at the line or inside (observation)
    "held": (np.bool_, False),  # held at the line by Belarus (massing): does not give up while held
}


class Population:
    """Growable arrays of person attributes, plus a short memory of failed segments per person."""

    def __init__(self, capacity: int = 1024, memory: int = 4) -> None:
        self.n = 0
        self.capacity = max(16, int(capacity))
        self.memory_size = memory
        for name, (dtype, fill) in COLUMNS.items():
            setattr(self, name, np.full(self.capacity, fill, dtype=dtype))
        self.memory = np.full((self.capacity, memory), -1, dtype=np.int64)
        self.memory_pos = np.zeros(self.capacity, dtype=np.int8)
        self._zone_lookup = np.zeros(len(MigrantState), dtype=bool)
        self._zone_lookup[list(ZONE_STATES)] = True
        self._only = np.eye(len(MigrantState), dtype=bool)  # row s flags state s alone
        # uids of people out in the zone, ascending: queries scan these, not everyone who ever arrived (camps are
        # queues and the departed stay departed). Ascending order keeps every query's result, and so every draw
        # that follows it, exactly as a scan of the whole population would give.
        self.active = np.empty(0, dtype=np.int64)

    def add(self, k: int, hour: int) -> np.ndarray:
        """Append `k` people arriving in camp at `hour`; grows by at least half when full. Returns uids."""
        if self.n + k > self.capacity:
            new_cap = max(self.n + k, int(self.capacity * 1.5))
            for name, (dtype, fill) in COLUMNS.items():
                old = getattr(self, name)
                grown = np.full(new_cap, fill, dtype=dtype)
                grown[: self.n] = old[: self.n]
                setattr(self, name, grown)
            mem = np.full((new_cap, self.memory_size), -1, dtype=np.int64)
            mem[: self.n] = self.memory[: self.n]
            self.memory = mem
            pos = np.zeros(new_cap, dtype=np.int8)
            pos[: self.n] = self.memory_pos[: self.n]
            self.memory_pos = pos
            self.capacity = new_cap
        uids = np.arange(self.n, self.n + k)
        self.t_arrived[uids] = hour
        self.n += k
        return uids

    # --- selections ---------------------------------------------------------------------------------------------

    def enter_zone(self, uids: np.ndarray) -> None:
        """People leaving the camps join the active set."""
        if not uids.size:
            return
        joined = np.concatenate([self.active, uids])
        if self.active.size and uids.min() < self.active[-1]:
            joined.sort()
        self.active = joined

    def prune(self) -> None:
        """Drop people who have left the zone for good from the active set."""
        self.active = self.in_zone()

    def in_state(self, state: int) -> np.ndarray:
        """People in a zone state, ascending by uid."""
        return _select(self.active, self.state, self._only[state], self.t_next, NEVER)

    def in_zone(self) -> np.ndarray:
        """People out in the border zone (approaching, at a fence, inside the EU zone, pushed back)."""
        return _select(self.active, self.state, self._zone_lookup, self.t_next, NEVER)

    def in_zone_into(self, out: np.ndarray) -> int:
        """`in_zone()` written into `out` (at least `active.size` long); returns how many."""
        return _select_into(self.active, self.state, self._zone_lookup, self.t_next, NEVER, out)

    def due(self, state: int, hour: int) -> np.ndarray:
        """People in a zone `state` whose timer has come."""
        return _select(self.active, self.state, self._only[state], self.t_next, hour)

    # --- memory of failed segments ------------------------------------------------------------------------------

    def remember(self, uids: np.ndarray, segments: np.ndarray) -> None:
        """Write failed segments into each person's ring buffer."""
        if uids.size == 0:
            return
        pos = self.memory_pos[uids].astype(np.int64)
        self.memory[uids, pos] = segments
        self.memory_pos[uids] = (pos + 1) % self.memory_size

    def remembers(self, uids: np.ndarray, segments: np.ndarray) -> np.ndarray:
        return (self.memory[uids] == segments[:, None]).any(axis=1)

    # --- read-outs ----------------------------------------------------------------------------------------------

    def person(self, uid: int) -> dict:
        """One person's attributes as plain Python values."""
        row = {name: getattr(self, name)[uid].item() for name in COLUMNS}
        row["state"] = MigrantState(row["state"]).name
        row["country"] = Country(row["country"]).label
        row["failed_segments"] = [int(s) for s in self.memory[uid] if s >= 0]
        return {"uid": int(uid), **row}

    def to_df(self) -> pd.DataFrame:
        """Everyone, one row per person, states and countries as names."""
        df = pd.DataFrame({name: getattr(self, name)[: self.n] for name in COLUMNS})
        df["state"] = pd.Categorical.from_codes(df["state"], [s.name for s in MigrantState])
        df["country"] = pd.Categorical.from_codes(df["country"], [c.label for c in Country])
        df.loc[df["t_next"] >= NEVER, "t_next"] = -1
        df.index.name = "uid"
        return df


@compiled
def _select(active: np.ndarray, state: np.ndarray, wanted: np.ndarray, t_next: np.ndarray, hour: int) -> np.ndarray:
    """The active people (ascending) whose state is one of the `wanted` (a flag per state) and whose timer has
    come by `hour` (`_select_into` into a new array).

    Why compiled: the hour's queries (who is due at a fence, inside the EU, pushed back; who is in the zone) each
    scan the few hundred people out in the zone; as numpy each was four calls, and together a tenth of a run.
    """
    out = np.empty(active.size, dtype=np.int64)
    n = _select_into(active, state, wanted, t_next, hour, out)
    return out[:n]


@compiled
def _select_into(
    active: np.ndarray, state: np.ndarray, wanted: np.ndarray, t_next: np.ndarray, hour: int, out: np.ndarray
) -> int:
    """`_select`'s people written into `out` (at least `active.size` long); returns how many."""
    n = 0
    for uid in active:
        if wanted[state[uid]] and t_next[uid] <= hour:
            out[n] = uid
            n += 1
    return n
