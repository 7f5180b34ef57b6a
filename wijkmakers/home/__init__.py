"""The home page: a landing page for visitors and an overview per role. It sits on top of the features."""
