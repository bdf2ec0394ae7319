"""The fingerprint of a matplotlib figure before it is drawn: two figures with the same fingerprint draw the same.

Drawing a chart's SVG is most of the time a re-run chapter spends on a chart that has not changed (a new price
row re-runs every chapter, and most charts come out as before). With this fingerprint the build's store
(renders.py) hands back the SVG, PNG and phone rendition drawn earlier, without drawing anything.

Matplotlib pickles a figure so that the unpickled figure draws the same (its own tests check this): the pickle is
a full description of what will be drawn. It is taken here with these changes:
- a function (a tick formatter, say) is pickled by name; one that is not library code (a notebook's own, a
  lambda, a closure) is taken by its code, closure and the globals it reads instead (memo.fingerprint), so an
  edited formatter is seen; a class that is not library code makes the figure unreadable;
- a transform's `_parents` are keyed by id() (memory addresses, different in every process); they are the links
  to what depends on the transform, which the pickle reaches anyway: left out;
- a date locator's rule holds the time it was made (dtstart and until default to now) until drawing sets both
  from the axis limits: left out;
- the figure's pyplot number (which figure of the session it is) is left out: it names a window, draws nothing.
Added: what drawing reads outside the figure: rcParams, the fonts matplotlib knows and the unit converters.
Library versions and the package's code are the caller's to add. None when the figure holds something that cannot
be read this way: that chart is simply drawn.
"""
from __future__ import annotations

import copyreg
import hashlib
import io
import os
import pickle
import site
import sys
import sysconfig
import types

import matplotlib
from matplotlib import dates as mdates
from matplotlib import figure as mfigure
from matplotlib import font_manager
from matplotlib import transforms as mtransforms
from matplotlib import units as munits

from . import memo

_LIBRARY_DIRS = tuple(os.path.realpath(p) + os.sep
                      for p in [sysconfig.get_paths()[k] for k in ("stdlib", "platstdlib", "purelib", "platlib")]
                      + [site.getusersitepackages()])


def _is_library(module_name: str | None) -> bool:
    """Installed code (standard library, site-packages) or this package's (which the code hash covers)."""
    if not module_name or module_name == "__main__":
        return False
    if memo.own_module(module_name):
        return True
    module = sys.modules.get(module_name)
    if module is None:
        return False
    path = getattr(module, "__file__", None)
    if path is None:
        return module_name in sys.builtin_module_names
    return os.path.realpath(path).startswith(_LIBRARY_DIRS)


def _state_without(obj, *names) -> tuple:
    """A reduction of `obj` to its pickled state less `names`."""
    state = dict(obj.__getstate__())
    for name in names:
        state.pop(name, None)
    return copyreg.__newobj__, (type(obj),), state


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj):
        if isinstance(obj, mtransforms.TransformNode):
            return _state_without(obj, "_parents")
        if isinstance(obj, mfigure.Figure):
            return _state_without(obj, "_number", "_restore_to_pylab")
        if isinstance(obj, mdates.rrulewrapper):
            construct = {k: v for k, v in obj._construct.items() if k not in ("dtstart", "until")}
            return copyreg.__newobj__, (type(obj),), {"construct": construct, "tzinfo": obj._base_tzinfo}
        if isinstance(obj, types.FunctionType):
            if _is_library(obj.__module__) and "<" not in obj.__qualname__:
                return NotImplemented  # by name: its code is the library's, whose version the caller adds
            return str, (memo.fingerprint(obj).hex(),)  # memo.Unreadable if it cannot be read exactly
        if isinstance(obj, type) and not _is_library(obj.__module__):
            raise memo.Unreadable(f"class {obj.__module__}.{obj.__qualname__}")
        return NotImplemented


def _surroundings() -> tuple:
    """What drawing reads besides the figure."""
    fonts = [(f.fname, f.name, f.style, f.variant, f.weight, f.stretch, f.size)
             for f in font_manager.fontManager.ttflist + font_manager.fontManager.afmlist]
    converters = sorted((f"{k.__module__}.{k.__qualname__}" if isinstance(k, type) else repr(k),
                         f"{type(v).__module__}.{type(v).__qualname__}") for k, v in munits.registry.items())
    return dict(matplotlib.rcParams), fonts, font_manager.fontManager.defaultFamily, converters


def fingerprint(fig) -> bytes | None:
    """A digest of everything that decides how `fig` draws, or None if some of it cannot be read."""
    buffer = io.BytesIO()
    try:
        _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump((fig, _surroundings()))
    except (memo.Unreadable, pickle.PicklingError, TypeError, AttributeError, RecursionError):
        return None
    return hashlib.sha256(buffer.getvalue()).digest()
