"""The public estate: the land and buildings public bodies hold in a place, what they cost, and where they could share."""

from .candidates import colocation
from .costs import estate_costs
from .coverage import register_coverage
from .diff import DiffError, diff_registers
from .geojson import feature_collection, write_geojson
from .place import EstateError, place_assets
from .summary import estate_summary

__all__ = ["colocation", "estate_costs", "diff_registers", "DiffError", "feature_collection", "write_geojson",
           "place_assets", "estate_summary", "EstateError", "register_coverage"]
