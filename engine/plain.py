"""Frozen value classes defined without attrs: the ones a quote from the compiled-card cache builds.

attrs writes each class's methods when the class is defined (the cached quote
path had 42 such classes, about 40 ms at every start), and importing attrs
costs more than starting Python. A quote answered from the compiled-card cache
needs neither, so the classes it builds (Quote and Rejection, the compiled
index, domains, parameters, plans, sources) derive from `Frozen` instead:

- fixed slots, set once by the class's own __init__ through `init`
  (object.__setattr__, as attrs' frozen __init__ does), never after: assignment
  raises attrs' FrozenInstanceError;
- equality and hashing by the fields named in the class statement, except the
  `hidden` ones (spans, a card's digest), which the repr leaves out too; equal
  only to an instance of the same class, as attrs has it;
- copy and pickle;
- attrs' own functions work on them (`attrs.has`, `attrs.fields`,
  `attrs.evolve`, `attrs.asdict`): the attrs view of a class (its
  `__attrs_attrs__`) is made by attrs itself the first time one of them asks.

    class Interval(Frozen, fields=("lo", "hi")):
        __slots__ = ("lo", "hi")

        def __init__(self, lo, hi):
            init(self, "lo", lo)
            init(self, "hi", hi)
"""

from __future__ import annotations

from operator import attrgetter

init = object.__setattr__  # how a Frozen class's __init__ sets a field


class _AttrsView:
    """A class's `__attrs_attrs__`, made by attrs from the class's fields the first time it is read."""

    def __get__(self, instance: object, owner: type) -> object:
        import attrs

        def field(name: str) -> object:
            return attrs.field(eq=name in owner._compared, repr=name in owner._shown,  # type: ignore[attr-defined]
                               kw_only=name not in owner.__match_args__)  # type: ignore[attr-defined]

        fields = {name: field(name) for name in owner._fields}  # type: ignore[attr-defined]
        shadow = attrs.make_class(owner.__name__, fields, frozen=True, slots=True)
        view = shadow.__attrs_attrs__
        type.__setattr__(owner, "__attrs_attrs__", view)  # made once: later reads find it on the class
        return view


def _rebuild(cls: type, values: tuple) -> object:
    """Unpickling and copying: the same slots set again, without __init__."""
    value = object.__new__(cls)
    for name, item in zip(cls._state, values):  # type: ignore[attr-defined]
        init(value, name, item)
    return value


def _nothing(value: object) -> tuple:
    return ()


class Frozen:
    """The base of the light frozen classes: see the module's docstring."""

    __slots__ = ()
    __attrs_attrs__ = _AttrsView()

    _fields: tuple[str, ...] = ()    # every field, in order
    _compared: tuple[str, ...] = ()  # the fields == and hash() look at
    _shown: tuple[str, ...] = ()     # the fields repr() shows
    _state: tuple[str, ...] = ()     # every slot that holds a value, for copy and pickle
    __match_args__: tuple[str, ...] = ()

    def __init_subclass__(cls, fields: tuple[str, ...] = (), hidden: tuple[str, ...] = (),
                          keyword: tuple[str, ...] = (), **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        cls._fields = fields
        cls._compared = cls._shown = tuple(f for f in fields if f not in hidden)
        cls._state = tuple(slot for klass in reversed(cls.__mro__) for slot in klass.__dict__.get("__slots__", ())
                           if slot != "__weakref__")
        cls.__match_args__ = tuple(f for f in fields if f not in keyword)
        cls.__attrs_attrs__ = _AttrsView()  # a subclass's own fields, not the view its base made
        cls._key = attrgetter(*cls._compared) if cls._compared else _nothing  # type: ignore[attr-defined]

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._key(self) == self._key(other)  # type: ignore[attr-defined, no-any-return]

    def __hash__(self) -> int:
        return hash((self.__class__.__name__, self._key(self)))  # type: ignore[attr-defined]

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._shown)
        return f"{self.__class__.__qualname__}({shown})"

    def __setattr__(self, name: str, value: object) -> None:
        from attrs.exceptions import FrozenInstanceError  # only when refusing

        raise FrozenInstanceError()

    def __delattr__(self, name: str) -> None:
        from attrs.exceptions import FrozenInstanceError

        raise FrozenInstanceError()

    def __reduce__(self) -> tuple:
        return _rebuild, (self.__class__, tuple(getattr(self, name) for name in self._state))
