"""Sharing a sum of pence over areas by a driver, so that the shares add up to the sum exactly.

Every apportionment in the count (a county's spending over its districts, a region's over its places) goes
through `allocate`: each district gets its exact share rounded down, and the pence left over go to the
districts with the largest remainders (ties by code). Shares of one sum over all the districts it covers
therefore add up to the sum to the penny, which is what lets the count promise that money is conserved.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Mapping


def allocate(pence: int, weights: Mapping[str, Fraction | int]) -> dict[str, int]:
    """`pence` shared over the keys of `weights` in proportion to them (largest remainder method)."""
    scale = math.lcm(*(Fraction(w).denominator for w in weights.values()))
    whole = {key: int(Fraction(w) * scale) for key, w in weights.items()}  # exact integer weights
    total = sum(whole.values())
    if total <= 0:
        raise ValueError("cannot share by weights that add up to nothing")
    sign = -1 if pence < 0 else 1
    amount = abs(pence)
    floors: dict[str, int] = {}
    remainders: dict[str, int] = {}
    for key, weight in whole.items():
        floors[key], remainders[key] = divmod(amount * weight, total)
    left = amount - sum(floors.values())
    for key in sorted(whole, key=lambda k: (-remainders[k], k))[:left]:
        floors[key] += 1
    return {key: sign * value for key, value in floors.items()}
