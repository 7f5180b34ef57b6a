"""URL converters registered for the whole app."""
from werkzeug.routing import IntegerConverter, ValidationError

# The largest id a database column of type INTEGER holds (PostgreSQL's integer; SQLite's is larger).
MAX_ID = 2**31 - 1


class BoundedIntConverter(IntegerConverter):
    """``<int:...>`` with an upper bound: an id no table can hold is not a route (404), where it used to
    reach the database and fail there (500). Numbers of more than ten digits are refused before int()."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002 - Werkzeug's signature
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)

    def to_python(self, value: str) -> int:
        if len(value) > len(str(self.max)):
            raise ValidationError()
        return super().to_python(value)


def init_url_converters(app) -> None:
    """Call before any blueprint is registered: rules take their converters when they are added."""
    app.url_map.converters["int"] = BoundedIntConverter
