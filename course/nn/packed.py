"""Named arrays that are views of one flat vector.

`PackedArrays(layout, flat=None, dtype=float32)` behaves like a dict from name to
array (the network's `params` and `grads` are such dicts), but every array is a
view of one 1-D vector `.flat`. An optimizer that updates each number on its own
(SGD, momentum, RMSProp, Adam) can then update all parameters with a handful of
NumPy calls on `.flat` instead of a handful per parameter.

Assigning `packed[name] = array` copies the values into the existing view, so the
views and the vector never drift apart; names cannot be added or removed.
`layout` is a tuple of (name, shape) pairs, in order.
"""

import math

import numpy as np


def layout_size(layout):
    """Number of values in all arrays of `layout` together."""
    return sum(math.prod(shape) for _, shape in layout)


class PackedArrays(dict):
    """A dict of named arrays sharing one flat vector (see the module docstring)."""

    def __init__(self, layout, flat=None, dtype=np.float32):
        layout = tuple((name, tuple(shape)) for name, shape in layout)
        size = layout_size(layout)
        if flat is None:
            flat = np.zeros(size, dtype=dtype)
        elif flat.shape != (size,):
            raise ValueError(f"flat must have shape ({size},) for this layout, got {flat.shape}.")
        super().__init__()
        self.layout = layout
        self.flat = flat
        start = 0
        for name, shape in layout:
            stop = start + math.prod(shape)
            dict.__setitem__(self, name, flat[start:stop].reshape(shape))
            start = stop

    @classmethod
    def from_arrays(cls, layout, arrays):
        """Pack `arrays` (name -> array, shapes as in `layout`) into one new flat vector."""
        flat = np.concatenate([arrays[name].ravel() for name, _ in layout])
        return cls(layout, flat)

    def __setitem__(self, name, value):
        if name not in self:
            raise KeyError(f"no parameter named {name!r}; the names are {list(self)}.")
        view = dict.__getitem__(self, name)
        value = np.asarray(value)
        if value.shape != view.shape:
            raise ValueError(f"{name} must have shape {view.shape}, got {value.shape}.")
        view[...] = value

    def update(self, other=(), **more):
        for name, value in dict(other, **more).items():
            self[name] = value

    def _fixed(self, *args, **kwargs):
        raise TypeError("the arrays of a PackedArrays are fixed; names cannot be added or removed.")

    __delitem__ = pop = popitem = clear = setdefault = _fixed

    def __reduce__(self):
        return (type(self), (self.layout, self.flat))

    def __repr__(self):
        shapes = ", ".join(f"{name}: {shape}" for name, shape in self.layout)
        return f"PackedArrays({{{shapes}}}, dtype={self.flat.dtype})"
